#include "messages/batch_result_json.hpp"

#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/detail/output_fields.hpp"
#include "messages/outcome_json.hpp"

namespace grader {

namespace {

using detail::field_error;
using detail::fields;
using detail::to_json;
using detail::unreadable;
using detail::write_line;
using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

ordered_json to_json(const batch_stats& x) {
  return {{"total_count", x.total_count},
          {"successful_count", x.successful_count},
          {"failed_count", x.failed_count},
          {"average_score", x.average_score},
          {"correct_count", x.correct_count},
          {"correct_rate", x.correct_rate},
          {"fallback_count", x.fallback_count},
          {"needs_review_count", x.needs_review_count}};
}

batch_stats read_stats(const fields& in) {
  batch_stats x;
  x.total_count = in.count("total_count");
  x.successful_count = in.count("successful_count");
  x.failed_count = in.count("failed_count");
  x.average_score = in.number_in("average_score", 0, 100);
  x.correct_count = in.count("correct_count");
  x.correct_rate = in.number_in("correct_rate", 0, 1);
  x.fallback_count = in.count("fallback_count");
  x.needs_review_count = in.count("needs_review_count");
  // The counts of one batch add up.
  if (x.successful_count > x.total_count
      || x.total_count - x.successful_count != x.failed_count)
    throw field_error(in.path_of("total_count") + " "
                      + std::to_string(x.total_count)
                      + " is not successful_count + failed_count ("
                      + std::to_string(x.successful_count) + " + "
                      + std::to_string(x.failed_count) + ")");
  for (auto [name, value] :
       {std::pair{"correct_count", x.correct_count},
        std::pair{"fallback_count", x.fallback_count},
        std::pair{"needs_review_count", x.needs_review_count}})
    if (value > x.successful_count)
      throw field_error(in.path_of(name) + " " + std::to_string(value)
                        + " is more than successful_count "
                        + std::to_string(x.successful_count));
  return x;
}

ordered_json to_json(const batch_metrics& x) {
  ordered_json out = {{"wall_ms", x.wall_ms},
                      {"llm", x.llm},
                      {"llm_calls", x.llm_calls},
                      {"llm_retries", x.llm_retries},
                      {"prompt_tokens", x.prompt_tokens},
                      {"completion_tokens", x.completion_tokens},
                      {"p50_ms", x.p50_ms},
                      {"p95_ms", x.p95_ms},
                      {"max_ms", x.max_ms}};
  if (!x.llm_error.empty())
    out["llm_error"] = x.llm_error;
  return out;
}

batch_metrics read_metrics(const fields& in) {
  batch_metrics x;
  x.wall_ms = in.count("wall_ms");
  x.llm = in.text("llm");
  x.llm_calls = in.count("llm_calls");
  x.llm_retries = in.count("llm_retries");
  x.prompt_tokens = in.count("prompt_tokens");
  x.completion_tokens = in.count("completion_tokens");
  x.p50_ms = in.count("p50_ms");
  x.p95_ms = in.count("p95_ms");
  x.max_ms = in.count("max_ms");
  x.llm_error = in.optional_text("llm_error");
  return x;
}

// An earlier output accounts for each position of its batch once: as many
// results and failures as its statistics count, every index below
// total_count, none twice.
void check_outcomes(const batch_result& x) {
  auto count_of = [](const char* what, size_t have, uint64_t counted) {
    if (have != counted)
      throw field_error("batch_stats counts " + std::to_string(counted) + " "
                        + what + ", the output holds " + std::to_string(have));
  };
  count_of("results", x.results.size(), x.stats.successful_count);
  count_of("failures", x.failures.size(), x.stats.failed_count);
  std::vector<bool> seen(x.stats.total_count);
  auto check = [&](uint64_t index) {
    if (index >= x.stats.total_count)
      throw field_error("index " + std::to_string(index)
                        + " is out of range for a batch of "
                        + std::to_string(x.stats.total_count) + " answers");
    if (seen[index])
      throw field_error("index " + std::to_string(index) + " appears twice");
    seen[index] = true;
  };
  for (const auto& result : x.results)
    check(result.index);
  for (const auto& failure : x.failures)
    check(failure.index);
}

// The batch result of the outcomes read back, with the statistics the
// output states for itself, once they are found to agree.
batch_result assemble(std::string session_id,
                      std::vector<answer_outcome> outcomes, batch_stats stats,
                      batch_metrics metrics) {
  auto result = make_batch_result(std::move(session_id), std::move(outcomes),
                                  std::move(metrics));
  result.stats = stats;
  check_outcomes(result);
  return result;
}

// The document write_batch_result writes. `failed_question_ids` is not
// read: it repeats what `failures` says.
caf::expected<batch_result> read_result_document(const json& doc) {
  try {
    fields in{doc, ""};
    std::vector<answer_outcome> outcomes;
    for (const auto& item : in.objects("results"))
      outcomes.emplace_back(detail::read_result(item));
    for (const auto& item : in.objects("failures"))
      outcomes.emplace_back(detail::read_failure(item));
    return assemble(in.text("session_id"), std::move(outcomes),
                    read_stats(in.object("batch_stats")),
                    read_metrics(in.object("metrics")));
  } catch (const field_error& e) {
    return unreadable(e.what());
  }
}

// JSON Lines output: outcome lines in any order and exactly one summary
// line, whose absence means the output was cut short.
caf::expected<batch_result> read_result_lines(std::string_view text) {
  std::vector<answer_outcome> outcomes;
  std::string session_id;
  batch_stats stats;
  batch_metrics metrics;
  bool has_summary = false;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (detail::first_non_blank(line) == std::string_view::npos)
      continue;
    auto where = "line " + std::to_string(number) + ": ";
    try {
      auto parsed = detail::read_line_json(line);
      fields in{parsed, ""};
      if (in.text("type") != "summary") {
        outcomes.push_back(detail::read_outcome(in));
        continue;
      }
      if (has_summary)
        return unreadable(where + "a second summary line");
      has_summary = true;
      session_id = in.text("session_id");
      stats = read_stats(in.object("batch_stats"));
      metrics = read_metrics(in.object("metrics"));
    } catch (const field_error& e) {
      return unreadable(where + e.what());
    }
  }
  if (!has_summary)
    return unreadable("no summary line: the output is incomplete");
  try {
    return assemble(std::move(session_id), std::move(outcomes), stats,
                    std::move(metrics));
  } catch (const field_error& e) {
    return unreadable(e.what());
  }
}

} // namespace

std::string write_batch_result(const batch_result& x) {
  ordered_json out;
  out["session_id"] = x.session_id;
  out["results"] = ordered_json::array();
  for (const auto& result : x.results)
    out["results"].push_back(to_json(result));
  out["failures"] = ordered_json::array();
  out["failed_question_ids"] = ordered_json::array();
  for (const auto& failure : x.failures) {
    out["failures"].push_back(to_json(failure));
    out["failed_question_ids"].push_back(failure.question_id);
  }
  out["batch_stats"] = to_json(x.stats);
  out["metrics"] = to_json(x.metrics);
  // Student text may hold anything a host sent; never let one bad byte
  // throw away a whole batch result.
  return out.dump(2, ' ', false, ordered_json::error_handler_t::replace);
}

std::string write_summary_line(const batch_result& x) {
  ordered_json body;
  body["session_id"] = x.session_id;
  body["failed_question_ids"] = ordered_json::array();
  for (const auto& failure : x.failures)
    body["failed_question_ids"].push_back(failure.question_id);
  body["batch_stats"] = to_json(x.stats);
  body["metrics"] = to_json(x.metrics);
  return write_line("summary", body);
}

caf::expected<batch_result> read_batch_result(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  if (detail::first_non_blank(text) == std::string_view::npos)
    return unreadable("input is empty");
  // The first value decides the form: a line of JSON Lines output names its
  // type, the document does not.
  auto first = detail::read_json_value(text);
  if (first.error)
    return unreadable(detail::position_in(text, first.error->offset) + ": "
                      + first.error->reason);
  if (first.value.is_object() && first.value.contains("type"))
    return read_result_lines(text);
  if (!first.problems.empty())
    return unreadable(detail::position_in(text, first.problems.front().offset)
                      + ": " + first.problems.front().text("input"));
  if (auto stray = detail::first_non_blank(text, first.end);
      stray != std::string_view::npos)
    return unreadable(detail::position_in(text, stray)
                      + ": unexpected text after the document: "
                      + detail::excerpt_at(text, stray));
  return read_result_document(first.value);
}

} // namespace grader
