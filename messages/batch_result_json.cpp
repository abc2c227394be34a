#include "messages/batch_result_json.hpp"

#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/detail/output_fields.hpp"
#include "messages/judge_settings_json.hpp"
#include "messages/outcome_json.hpp"
#include "scoring/json_text.hpp"

namespace grader {

namespace {

using detail::field_error;
using detail::fields;
using detail::unreadable;
using scoring::json_text;
using json = nlohmann::json;

void write_stats(json_text& out, const batch_stats& x) {
  out.begin_object();
  out.member("total_count", x.total_count);
  out.member("successful_count", x.successful_count);
  out.member("failed_count", x.failed_count);
  out.member("average_score", x.average_score);
  out.member("correct_count", x.correct_count);
  out.member("correct_rate", x.correct_rate);
  out.member("fallback_count", x.fallback_count);
  out.member("needs_review_count", x.needs_review_count);
  out.end_object();
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

void write_metrics(json_text& out, const batch_metrics& x) {
  out.begin_object();
  out.member("wall_ms", x.wall_ms);
  out.member("llm", x.llm);
  out.member("llm_calls", x.llm_calls);
  out.member("llm_retries", x.llm_retries);
  out.member("prompt_tokens", x.prompt_tokens);
  out.member("completion_tokens", x.completion_tokens);
  out.member("p50_ms", x.p50_ms);
  out.member("p95_ms", x.p95_ms);
  out.member("max_ms", x.max_ms);
  if (!x.llm_error.empty())
    out.member("llm_error", x.llm_error);
  if (!x.judge.prompt_version.empty()) {
    out.key("judge");
    write_judge_settings(out, x.judge);
  }
  if (!x.structured_output.empty())
    out.member("structured_output", x.structured_output);
  if (!x.structured_output_note.empty())
    out.member("structured_output_note", x.structured_output_note);
  if (x.prices.priced()) {
    out.key("cost");
    out.begin_object();
    out.member("estimated", x.cost);
    out.member("prompt_per_million", x.prices.prompt_per_million);
    out.member("completion_per_million", x.prices.completion_per_million);
    out.end_object();
  }
  out.end_object();
}

// The members the document and the summary line share, after the outcomes.
void write_totals(json_text& out, const batch_result& x) {
  out.key("failed_question_ids");
  out.begin_array();
  for (const auto& failure : x.failures)
    out.value(failure.question_id);
  out.end_array();
  out.key("batch_stats");
  write_stats(out, x.stats);
  out.key("metrics");
  write_metrics(out, x.metrics);
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
  if (in.has("judge"))
    x.judge = read_judge_settings(in.object("judge"));
  if (in.has("structured_output"))
    x.structured_output = std::string{to_string(
      in.enumerator("structured_output", scoring::parse_response_format))};
  x.structured_output_note = in.optional_text("structured_output_note");
  if (in.has("cost")) {
    auto cost = in.object("cost");
    x.cost = cost.non_negative("estimated");
    x.prices.prompt_per_million = cost.non_negative("prompt_per_million");
    x.prices.completion_per_million
      = cost.non_negative("completion_per_million");
  }
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
  std::string out;
  write_batch_output(x, output_format::json, [&out](std::string_view piece) {
    out += piece;
    return true;
  });
  return out;
}

std::string write_summary_line(const batch_result& x) {
  std::string line;
  json_text out{line, -1};
  out.begin_object();
  out.member("type", "summary");
  out.member("session_id", x.session_id);
  write_totals(out, x);
  out.end_object();
  return line;
}

bool write_batch_output(const batch_result& x, output_format format,
                        const text_sink& sink) {
  // Pieces of about this size: few system calls, and never the whole
  // output in memory. A json_text keeps its place in the document apart
  // from the text, so the text can go to the sink value by value.
  constexpr size_t piece_size = 64 * 1024;
  std::string piece;
  piece.reserve(piece_size + 4096);
  auto flush_if_full = [&] {
    if (piece.size() < piece_size)
      return true;
    auto ok = sink(piece);
    piece.clear();
    return ok;
  };
  if (format == output_format::jsonl) {
    auto write_lines = [&](const auto& items) {
      for (const auto& item : items) {
        detail::append_outcome_line(piece, item);
        piece += '\n';
        if (!flush_if_full())
          return false;
      }
      return true;
    };
    if (!write_lines(x.results) || !write_lines(x.failures))
      return false;
    piece += write_summary_line(x);
    piece += '\n';
    return sink(piece);
  }
  json_text out{piece, 2};
  out.begin_object();
  out.member("session_id", x.session_id);
  auto write_list = [&](const char* name, const auto& items) {
    out.key(name);
    out.begin_array();
    for (const auto& item : items) {
      out.begin_object();
      detail::write_fields(out, item);
      out.end_object();
      if (!flush_if_full())
        return false;
    }
    out.end_array();
    return true;
  };
  if (!write_list("results", x.results) || !write_list("failures", x.failures))
    return false;
  write_totals(out, x);
  out.end_object();
  piece += '\n';
  return sink(piece);
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
