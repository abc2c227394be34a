#include "messages/json_codec.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/error.hpp"
#include "messages/json_reader.hpp"
#include "scoring/display_text.hpp"

namespace grader {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using detail::json_type_name;

// -- writing -----------------------------------------------------------------

ordered_json to_json(const score_result& x) {
  ordered_json out;
  out["attempt_id"] = x.attempt_id;
  out["session_id"] = x.session_id;
  out["index"] = x.index;
  if (!x.answer_id.empty())
    out["answer_id"] = x.answer_id;
  out["question_id"] = x.question_id;
  out["user_id"] = x.user_id;
  out["is_correct"] = x.verdict.is_correct;
  out["score"] = x.verdict.score;
  out["explanation"] = x.explanation;
  out["keyword_matches"] = x.verdict.keyword_matches;
  out["feedback"] = x.verdict.feedback;
  out["graded_at"] = x.graded_at;
  out["graded_by"] = std::string{to_string(x.verdict.by)};
  if (!x.fallback_reason.empty())
    out["fallback_reason"] = x.fallback_reason;
  if (!x.llm_error.empty())
    out["llm_error"] = x.llm_error;
  out["needs_review"] = x.verdict.needs_review;
  return out;
}

ordered_json to_json(const score_failure& x) {
  ordered_json out;
  out["index"] = x.index;
  if (!x.answer_id.empty())
    out["answer_id"] = x.answer_id;
  out["question_id"] = x.question_id;
  out["user_id"] = x.user_id;
  out["error"] = {{"code", to_string(x.code)}, {"message", x.message}};
  return out;
}

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


namespace {

// -- writing JSON Lines ------------------------------------------------------

// A line of JSON Lines: `type` first, then the fields of `body`, compact.
std::string write_line(const char* type, const ordered_json& body) {
  ordered_json out;
  out["type"] = type;
  for (const auto& field : body.items())
    out[field.key()] = field.value();
  // Compact dumping escapes control characters, so the text stays one line.
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// -- reading results back ----------------------------------------------------

// What is wrong with a field of an earlier output. The field readers below
// throw it and the public readers turn it into an ec::unreadable_input
// error: the first wrong field ends the reading.
struct field_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::optional<graded_by> parse_graded_by(std::string_view name) {
  for (auto x : {graded_by::rules, graded_by::llm, graded_by::fallback})
    if (name == scoring::to_string(x))
      return x;
  return std::nullopt;
}

bool fits_int32(const json& x) {
  if (x.is_number_unsigned())
    return x.get<uint64_t>() <= std::numeric_limits<int32_t>::max();
  auto value = x.get<int64_t>();
  return value >= std::numeric_limits<int32_t>::min()
         && value <= std::numeric_limits<int32_t>::max();
}

bool is_digits(std::string_view text, size_t from, size_t count) {
  if (from + count > text.size())
    return false;
  for (auto i = from; i < from + count; ++i)
    if (text[i] < '0' || text[i] > '9')
      return false;
  return true;
}

int two_digits(std::string_view text, size_t from) {
  return (text[from] - '0') * 10 + (text[from + 1] - '0');
}

// Whether `text` is a time as scoring::format_utc writes it:
// `2026-11-27T18:41:50.123Z`, the fraction optional.
bool is_utc_time(std::string_view text) {
  if (text.size() < 20 || !is_digits(text, 0, 4) || text[4] != '-'
      || !is_digits(text, 5, 2) || text[7] != '-' || !is_digits(text, 8, 2)
      || text[10] != 'T' || !is_digits(text, 11, 2) || text[13] != ':'
      || !is_digits(text, 14, 2) || text[16] != ':' || !is_digits(text, 17, 2))
    return false;
  auto month = two_digits(text, 5);
  auto day = two_digits(text, 8);
  if (month < 1 || month > 12 || day < 1 || day > 31
      || two_digits(text, 11) > 23 || two_digits(text, 14) > 59
      || two_digits(text, 17) > 60)
    return false;
  size_t i = 19;
  if (text[i] == '.') {
    auto digits = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    if (i == digits || i - digits > 9)
      return false;
  }
  return i + 1 == text.size() && text[i] == 'Z';
}

// Input quoted in a message.
std::string shown(std::string_view text) {
  return scoring::escape_for_display(text, 64);
}

// An object of grader's output whose fields are read strictly: grader wrote
// every one of them, so a missing field or a value of the wrong type means
// the text is not grader's output, and so does a value grader never writes
// (a score above 100, an unknown error code). Errors name the field by its
// path (`results[2].score`).
class fields {
public:
  fields(const json& object, std::string path)
    : object_(object), path_(std::move(path)) {
    if (!object_.is_object())
      throw field_error((path_.empty() ? "expected" : path_ + " must be")
                        + " a JSON object, got " + json_type_name(object_));
  }

  std::string text(const char* name) const {
    return find(name, is_string, "a string").get<std::string>();
  }

  // Empty when absent: the writer leaves out empty optional fields.
  std::string optional_text(const char* name) const {
    return object_.contains(name) ? text(name) : std::string{};
  }

  uint64_t count(const char* name) const {
    return find(name, is_count, "a non-negative integer").get<uint64_t>();
  }

  int32_t int32(const char* name) const {
    const auto& x = find(name, is_integer, "an integer");
    if (!fits_int32(x))
      throw field_error(path_of(name) + " is out of range: " + x.dump());
    return x.get<int32_t>();
  }

  // An integer from `low` to `high`.
  int32_t int32_in(const char* name, int32_t low, int32_t high) const {
    auto value = int32(name);
    if (value < low || value > high)
      throw field_error(path_of(name) + " must be " + std::to_string(low)
                        + ".." + std::to_string(high) + ", got "
                        + std::to_string(value));
    return value;
  }

  // A number from `low` to `high`.
  double number_in(const char* name, int low, int high) const {
    const auto& x = find(name, is_number, "a number");
    auto value = x.get<double>();
    if (!(value >= low && value <= high))
      throw field_error(path_of(name) + " must be " + std::to_string(low)
                        + ".." + std::to_string(high) + ", got " + x.dump());
    return value;
  }

  bool flag(const char* name) const {
    return find(name, is_boolean, "a boolean").get<bool>();
  }

  std::vector<std::string> texts(const char* name) const {
    const auto& list = find(name, is_array, "an array of strings");
    std::vector<std::string> result;
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        throw field_error(path_of(name) + "[" + std::to_string(i)
                          + "] must be a string, got "
                          + json_type_name(list[i]));
      result.push_back(list[i].get<std::string>());
    }
    return result;
  }

  // A time as grader writes it (`graded_at`).
  std::string time(const char* name) const {
    auto value = text(name);
    if (!is_utc_time(value))
      throw field_error(path_of(name)
                        + " must be a UTC time like "
                          "2026-11-27T18:41:50.123Z, got '"
                        + shown(value) + "'");
    return value;
  }

  // A name among those `parse` knows (`graded_by`, `error.code`).
  template <class Enum>
  Enum enumerator(const char* name,
                  std::optional<Enum> (*parse)(std::string_view)) const {
    auto value = text(name);
    if (auto x = parse(value))
      return *x;
    throw field_error(path_of(name) + " '" + shown(value) + "' is unknown");
  }

  fields object(const char* name) const {
    return fields{find(name, is_object, "an object"), path_of(name)};
  }

  // The objects of the array `name`, each with its path (`results[3]`).
  std::vector<fields> objects(const char* name) const {
    const auto& list = find(name, is_array, "an array");
    std::vector<fields> result;
    for (size_t i = 0; i < list.size(); ++i)
      result.emplace_back(list[i],
                          path_of(name) + "[" + std::to_string(i) + "]");
    return result;
  }

  std::string path_of(const char* name) const {
    return path_.empty() ? name : path_ + "." + name;
  }

private:
  using predicate = bool (*)(const json&);

  static bool is_string(const json& x) { return x.is_string(); }
  static bool is_count(const json& x) { return x.is_number_unsigned(); }
  static bool is_integer(const json& x) { return x.is_number_integer(); }
  static bool is_number(const json& x) { return x.is_number(); }
  static bool is_boolean(const json& x) { return x.is_boolean(); }
  static bool is_array(const json& x) { return x.is_array(); }
  static bool is_object(const json& x) { return x.is_object(); }

  const json& find(const char* name, predicate has_type,
                   const char* expected) const {
    auto i = object_.find(name);
    if (i == object_.end())
      throw field_error(path_of(name) + " required");
    if (!has_type(*i))
      throw field_error(path_of(name) + " must be " + expected + ", got "
                        + json_type_name(*i));
    return *i;
  }

  const json& object_;
  std::string path_;
};

score_result read_result(const fields& in) {
  score_result x;
  x.attempt_id = in.text("attempt_id");
  x.session_id = in.text("session_id");
  x.index = in.count("index");
  x.answer_id = in.optional_text("answer_id");
  x.question_id = in.text("question_id");
  x.user_id = in.text("user_id");
  x.verdict.is_correct = in.flag("is_correct");
  x.verdict.score = in.int32_in("score", 0, 100);
  x.explanation = in.text("explanation");
  x.verdict.keyword_matches = in.texts("keyword_matches");
  x.verdict.feedback = in.text("feedback");
  x.graded_at = in.time("graded_at");
  x.verdict.by = in.enumerator("graded_by", parse_graded_by);
  x.fallback_reason = in.optional_text("fallback_reason");
  if (!x.fallback_reason.empty() && !is_fallback_reason(x.fallback_reason))
    throw field_error("fallback_reason '"
                      + scoring::escape_for_display(x.fallback_reason)
                      + "' is unknown");
  x.llm_error = in.optional_text("llm_error");
  x.verdict.needs_review = in.flag("needs_review");
  return x;
}

score_failure read_failure(const fields& in) {
  score_failure x;
  x.index = in.count("index");
  x.answer_id = in.optional_text("answer_id");
  x.question_id = in.text("question_id");
  x.user_id = in.text("user_id");
  auto error = in.object("error");
  x.code = error.enumerator("code", parse_ec);
  if (x.code == ec::none)
    throw field_error(error.path_of("code") + " 'none' names no failure");
  x.message = error.text("message");
  return x;
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
  for (auto [name, value] : {std::pair{"correct_count", x.correct_count},
                             std::pair{"fallback_count", x.fallback_count},
                             std::pair{"needs_review_count",
                                       x.needs_review_count}})
    if (value > x.successful_count)
      throw field_error(in.path_of(name) + " " + std::to_string(value)
                        + " is more than successful_count "
                        + std::to_string(x.successful_count));
  return x;
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

outcome_line read_outcome(const fields& line) {
  auto type = line.text("type");
  if (type == "result")
    return read_result(line);
  if (type == "failure")
    return read_failure(line);
  throw field_error("type must be \"result\" or \"failure\", got \""
                    + shown(type) + "\"");
}

// The one JSON value of a line of JSON Lines output or of a journal. A line
// that is not one JSON value, or holds a value that cannot be read (a key
// given twice, a huge number, invalid UTF-8), throws.
json read_line_json(std::string_view line) {
  auto read = detail::read_json_value(line);
  if (read.error)
    throw field_error("not valid JSON at column "
                      + std::to_string(read.error->offset + 1) + ": "
                      + read.error->reason);
  if (auto stray = detail::first_non_blank(line, read.end);
      stray != std::string_view::npos)
    throw field_error("not valid JSON at column " + std::to_string(stray + 1)
                      + ": unexpected text after the value: "
                      + detail::excerpt_at(line, stray));
  if (!read.problems.empty())
    throw field_error(read.problems.front().text("line"));
  return std::move(read.value);
}

// An earlier output accounts for each position of its batch once: as many
// results and failures as its statistics count, every index below
// total_count, none twice.
void check_outcomes(const batch_result& x) {
  auto count_of = [](const char* what, size_t have, uint64_t counted) {
    if (have != counted)
      throw field_error("batch_stats counts " + std::to_string(counted) + " "
                        + what + ", the output holds "
                        + std::to_string(have));
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

void sort_by_index(batch_result& x) {
  auto by_index = [](const auto& a, const auto& b) {
    return a.index < b.index;
  };
  std::stable_sort(x.results.begin(), x.results.end(), by_index);
  std::stable_sort(x.failures.begin(), x.failures.end(), by_index);
}

caf::error unreadable(std::string text) {
  return caf::make_error(ec::unreadable_input, std::move(text));
}

// The document write_batch_result writes. `failed_question_ids` is not
// read: it repeats what `failures` says.
caf::expected<batch_result> read_result_document(const json& doc) {
  try {
    fields in{doc, ""};
    batch_result result;
    result.session_id = in.text("session_id");
    for (const auto& item : in.objects("results"))
      result.results.push_back(read_result(item));
    for (const auto& item : in.objects("failures"))
      result.failures.push_back(read_failure(item));
    result.stats = read_stats(in.object("batch_stats"));
    result.metrics = read_metrics(in.object("metrics"));
    check_outcomes(result);
    sort_by_index(result);
    return result;
  } catch (const field_error& e) {
    return unreadable(e.what());
  }
}

// JSON Lines output: result and failure lines in any order and exactly one
// summary line, whose absence means the output was cut short.
caf::expected<batch_result> read_result_lines(std::string_view text) {
  batch_result result;
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
      auto parsed = read_line_json(line);
      fields in{parsed, ""};
      if (in.text("type") != "summary") {
        auto outcome = read_outcome(in);
        if (auto* x = std::get_if<score_result>(&outcome))
          result.results.push_back(std::move(*x));
        else
          result.failures.push_back(std::get<score_failure>(outcome));
        continue;
      }
      if (has_summary)
        return unreadable(where + "a second summary line");
      has_summary = true;
      result.session_id = in.text("session_id");
      result.stats = read_stats(in.object("batch_stats"));
      result.metrics = read_metrics(in.object("metrics"));
    } catch (const field_error& e) {
      return unreadable(where + e.what());
    }
  }
  if (!has_summary)
    return unreadable("no summary line: the output is incomplete");
  try {
    check_outcomes(result);
  } catch (const field_error& e) {
    return unreadable(e.what());
  }
  sort_by_index(result);
  return result;
}

} // namespace

std::string write_result_line(const score_result& x) {
  return write_line("result", to_json(x));
}

std::string write_failure_line(const score_failure& x) {
  return write_line("failure", to_json(x));
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


caf::expected<outcome_line> read_outcome_line(std::string_view line) {
  try {
    auto parsed = read_line_json(line);
    return read_outcome(fields{parsed, ""});
  } catch (const field_error& e) {
    return unreadable(e.what());
  }
}

bool is_one_json_value(std::string_view line) {
  auto read = detail::read_json_value(line);
  return !read.error
         && detail::first_non_blank(line, read.end) == std::string_view::npos;
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
