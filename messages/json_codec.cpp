#include "messages/json_codec.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/error.hpp"

namespace grader {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// -- reading -----------------------------------------------------------------

std::string type_name_of(const json& x) {
  return x.is_number_integer() ? "integer" : x.type_name();
}

// An identifier may be a string or an integer: many platforms number users.
std::optional<std::string> read_id(const json& item, const char* field,
                                   std::vector<std::string>& problems) {
  auto i = item.find(field);
  if (i == item.end() || i->is_null())
    return std::string{};
  if (i->is_string())
    return i->get<std::string>();
  if (i->is_number_integer())
    return i->dump();
  problems.push_back(std::string{field} + " must be a string or an integer, got "
                     + type_name_of(*i));
  return std::nullopt;
}

// A chosen answer may be a string, an integer (choice 2) or a boolean (true
// for a true/false question); null means the student gave no answer.
std::string read_choice(const json& item, const char* field,
                        std::vector<std::string>& problems) {
  auto i = item.find(field);
  if (i == item.end() || i->is_null())
    return {};
  if (i->is_string())
    return i->get<std::string>();
  if (i->is_boolean())
    return i->get<bool>() ? "true" : "false";
  if (i->is_number_integer())
    return i->dump();
  problems.push_back(std::string{field}
                     + " must be a string, an integer or a boolean, got "
                     + type_name_of(*i));
  return {};
}

std::string read_text(const json& item, const char* field,
                      std::vector<std::string>& problems) {
  auto i = item.find(field);
  if (i == item.end() || i->is_null())
    return {};
  if (i->is_string())
    return i->get<std::string>();
  problems.push_back(std::string{field} + " must be a string, got "
                     + type_name_of(*i));
  return {};
}

std::vector<std::string> read_keywords(const json& item,
                                       std::vector<std::string>& problems) {
  std::vector<std::string> result;
  auto i = item.find("correct_keywords");
  if (i == item.end() || i->is_null())
    return result;
  if (!i->is_array()) {
    problems.push_back("correct_keywords must be an array of strings, got "
                       + type_name_of(*i));
    return result;
  }
  for (size_t k = 0; k < i->size(); ++k) {
    const auto& keyword = (*i)[k];
    if (keyword.is_string())
      result.push_back(keyword.get<std::string>());
    else
      problems.push_back("correct_keywords[" + std::to_string(k)
                         + "] must be a string, got " + type_name_of(keyword));
  }
  return result;
}

int32_t read_difficulty(const json& item, std::vector<std::string>& problems) {
  auto i = item.find("difficulty");
  if (i == item.end() || i->is_null())
    return 0;
  if (!i->is_number_integer()) {
    problems.push_back("difficulty must be an integer from 1 to 10, got "
                       + (i->is_number() ? i->dump() : type_name_of(*i)));
    return 0;
  }
  // Out-of-range values are left for validation to report, but they must
  // survive the narrowing to int32 without wrapping into the valid range.
  auto value = i->is_number_unsigned()
                 ? static_cast<int64_t>(std::min<uint64_t>(
                   i->get<uint64_t>(), std::numeric_limits<int32_t>::max()))
                 : i->get<int64_t>();
  if (value > std::numeric_limits<int32_t>::max()
      || value < std::numeric_limits<int32_t>::min()) {
    problems.push_back("difficulty must be from 1 to 10, got " + i->dump());
    return 0;
  }
  return static_cast<int32_t>(value);
}

std::optional<question_type> read_question_type(
  const json& item, std::vector<std::string>& problems) {
  auto i = item.find("question_type");
  if (i == item.end() || i->is_null()) {
    problems.emplace_back("question_type required");
    return std::nullopt;
  }
  if (!i->is_string()) {
    problems.push_back("question_type must be a string, got "
                       + type_name_of(*i));
    return std::nullopt;
  }
  auto name = i->get<std::string>();
  auto type = scoring::parse_question_type(name);
  if (!type)
    problems.push_back("question_type '" + name
                       + "' is unknown (expected multiple_choice, "
                         "true_false or short_answer)");
  return type;
}

// Turns one item of the batch into an answer, or into a rejected entry whose
// message lists every field that is of the wrong JSON type. Whether the
// values make sense (blank ids, missing keywords) is for scoring::validate,
// which the scorer runs for every answer, also those sent by a host.
void read_item(const json& item, uint64_t index, batch_request& out) {
  score_failure rejected;
  rejected.index = index;
  if (!item.is_object()) {
    rejected.code = ec::malformed_item;
    rejected.message = "answer must be a JSON object, got "
                       + type_name_of(item);
    out.rejected.push_back(std::move(rejected));
    return;
  }
  std::vector<std::string> problems;
  answer x;
  auto answer_id = read_id(item, "answer_id", problems);
  auto user_id = read_id(item, "user_id", problems);
  auto question_id = read_id(item, "question_id", problems);
  auto type = read_question_type(item, problems);
  if (!item.contains("user_answer"))
    problems.emplace_back("user_answer required");
  x.user_answer = read_choice(item, "user_answer", problems);
  x.correct_answer = read_choice(item, "correct_answer", problems);
  x.correct_keywords = read_keywords(item, problems);
  x.difficulty = read_difficulty(item, problems);
  x.category = read_text(item, "category", problems);
  if (problems.empty()) {
    x.answer_id = std::move(*answer_id);
    x.user_id = std::move(*user_id);
    x.question_id = std::move(*question_id);
    x.type = *type;
    out.answers.push_back(std::move(x));
    return;
  }
  rejected.answer_id = answer_id.value_or("");
  rejected.user_id = user_id.value_or("");
  rejected.question_id = question_id.value_or("");
  rejected.code = ec::invalid_answer;
  for (const auto& problem : problems) {
    if (!rejected.message.empty())
      rejected.message += "; ";
    rejected.message += problem;
  }
  out.rejected.push_back(std::move(rejected));
}

// nlohmann's message reads "[json.exception.parse_error.101] parse error at
// line 3, column 7: syntax error ..."; keep what follows the position.
std::string parse_error_reason(const json::parse_error& e) {
  std::string what = e.what();
  auto column = what.find("column ");
  auto colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// The line and column of byte `offset` (1-based, as nlohmann counts it).
std::string position_of(std::string_view text, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i + 1 < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

caf::error unreadable(std::string text) {
  return caf::make_error(ec::unreadable_input, std::move(text));
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// JSON Lines: every non-blank line is one answer. A line that is not JSON
// becomes a rejected item; the batch goes on.
batch_request read_json_lines(std::string_view text) {
  batch_request result;
  auto lines = split_lines(text);
  uint64_t index = 0;
  for (size_t n = 0; n < lines.size(); ++n) {
    if (is_blank(lines[n]))
      continue;
    try {
      read_item(json::parse(lines[n]), index, result);
    } catch (const json::parse_error& e) {
      score_failure rejected;
      rejected.index = index;
      rejected.code = ec::malformed_item;
      rejected.message = "line " + std::to_string(n + 1)
                         + " is not valid JSON: " + parse_error_reason(e);
      result.rejected.push_back(std::move(rejected));
    }
    ++index;
  }
  return result;
}

bool first_line_is_object(std::string_view text) {
  for (auto line : split_lines(text)) {
    if (is_blank(line))
      continue;
    auto parsed = json::parse(line, nullptr, false);
    return parsed.is_object();
  }
  return false;
}

caf::expected<batch_request> read_items(const json& items) {
  batch_request result;
  for (size_t i = 0; i < items.size(); ++i)
    read_item(items[i], i, result);
  return result;
}

caf::expected<batch_request> read_document(const json& doc) {
  if (doc.is_array())
    return read_items(doc);
  if (!doc.is_object())
    return unreadable("input must be a batch object, an array of answers or "
                      "JSON Lines, got "
                      + type_name_of(doc));
  auto answers = doc.find("answers");
  if (answers == doc.end()) {
    // A one-line JSON Lines file holds a single answer object.
    if (doc.contains("question_type") || doc.contains("user_answer")) {
      batch_request result;
      read_item(doc, 0, result);
      return result;
    }
    return unreadable("input object has no \"answers\" array");
  }
  if (!answers->is_array())
    return unreadable("answers must be an array, got "
                      + type_name_of(*answers));
  std::string session_id;
  if (auto i = doc.find("session_id"); i != doc.end() && !i->is_null()) {
    if (i->is_string())
      session_id = i->get<std::string>();
    else if (i->is_number_integer())
      session_id = i->dump();
    else
      return unreadable("session_id must be a string, got "
                        + type_name_of(*i));
  }
  auto result = read_items(*answers);
  if (result)
    result->session_id = std::move(session_id);
  return result;
}

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

caf::expected<batch_request> read_batch(std::string_view text) {
  // A byte order mark is legal at the start of a UTF-8 file and not JSON.
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  if (is_blank(text))
    return unreadable("input is empty");
  try {
    return read_document(json::parse(text));
  } catch (const json::parse_error& e) {
    if (first_line_is_object(text))
      return read_json_lines(text);
    return unreadable(position_of(text, e.byte) + ": "
                      + parse_error_reason(e));
  }
}

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

// An object of grader's output whose fields are read strictly: grader wrote
// every one of them, so a missing field or a value of the wrong type means
// the text is not grader's output. Errors name the field by its path
// (`results[2].score`).
class fields {
public:
  fields(const json& object, std::string path)
    : object_(object), path_(std::move(path)) {
    if (!object_.is_object())
      throw field_error((path_.empty() ? "expected" : path_ + " must be")
                        + " a JSON object, got " + type_name_of(object_));
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

  double number(const char* name) const {
    return find(name, is_number, "a number").get<double>();
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
                          + type_name_of(list[i]));
      result.push_back(list[i].get<std::string>());
    }
    return result;
  }

  // A name among those `parse` knows (`graded_by`, `error.code`).
  template <class Enum>
  Enum enumerator(const char* name,
                  std::optional<Enum> (*parse)(std::string_view)) const {
    auto value = text(name);
    if (auto x = parse(value))
      return *x;
    throw field_error(path_of(name) + " '" + value + "' is unknown");
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

private:
  using predicate = bool (*)(const json&);

  static bool is_string(const json& x) { return x.is_string(); }
  static bool is_count(const json& x) { return x.is_number_unsigned(); }
  static bool is_integer(const json& x) { return x.is_number_integer(); }
  static bool is_number(const json& x) { return x.is_number(); }
  static bool is_boolean(const json& x) { return x.is_boolean(); }
  static bool is_array(const json& x) { return x.is_array(); }
  static bool is_object(const json& x) { return x.is_object(); }

  std::string path_of(const char* name) const {
    return path_.empty() ? name : path_ + "." + name;
  }

  const json& find(const char* name, predicate has_type,
                   const char* expected) const {
    auto i = object_.find(name);
    if (i == object_.end())
      throw field_error(path_of(name) + " required");
    if (!has_type(*i))
      throw field_error(path_of(name) + " must be " + expected + ", got "
                        + type_name_of(*i));
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
  x.verdict.score = in.int32("score");
  x.explanation = in.text("explanation");
  x.verdict.keyword_matches = in.texts("keyword_matches");
  x.verdict.feedback = in.text("feedback");
  x.graded_at = in.text("graded_at");
  x.verdict.by = in.enumerator("graded_by", parse_graded_by);
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
  x.message = error.text("message");
  return x;
}

batch_stats read_stats(const fields& in) {
  batch_stats x;
  x.total_count = in.count("total_count");
  x.successful_count = in.count("successful_count");
  x.failed_count = in.count("failed_count");
  x.average_score = in.number("average_score");
  x.correct_count = in.count("correct_count");
  x.correct_rate = in.number("correct_rate");
  x.fallback_count = in.count("fallback_count");
  x.needs_review_count = in.count("needs_review_count");
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
  throw field_error("type must be \"result\" or \"failure\", got \"" + type
                    + "\"");
}

// The message of a parse error within one line.
std::string line_parse_error(const json::parse_error& e) {
  return "not valid JSON at column " + std::to_string(e.byte) + ": "
         + parse_error_reason(e);
}

void sort_by_index(batch_result& x) {
  auto by_index = [](const auto& a, const auto& b) {
    return a.index < b.index;
  };
  std::stable_sort(x.results.begin(), x.results.end(), by_index);
  std::stable_sort(x.failures.begin(), x.failures.end(), by_index);
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
  auto lines = split_lines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    if (is_blank(lines[n]))
      continue;
    auto where = "line " + std::to_string(n + 1) + ": ";
    try {
      auto parsed = json::parse(lines[n]);
      fields line{parsed, ""};
      if (line.text("type") != "summary") {
        auto outcome = read_outcome(line);
        if (auto* x = std::get_if<score_result>(&outcome))
          result.results.push_back(std::move(*x));
        else
          result.failures.push_back(std::get<score_failure>(outcome));
        continue;
      }
      if (has_summary)
        return unreadable(where + "a second summary line");
      has_summary = true;
      result.session_id = line.text("session_id");
      result.stats = read_stats(line.object("batch_stats"));
      result.metrics = read_metrics(line.object("metrics"));
    } catch (const json::parse_error& e) {
      return unreadable(where + line_parse_error(e));
    } catch (const field_error& e) {
      return unreadable(where + e.what());
    }
  }
  if (!has_summary)
    return unreadable("no summary line: the output is incomplete");
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
    auto parsed = json::parse(line);
    return read_outcome(fields{parsed, ""});
  } catch (const json::parse_error& e) {
    return unreadable(line_parse_error(e));
  } catch (const field_error& e) {
    return unreadable(e.what());
  }
}

caf::expected<batch_result> read_batch_result(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  if (is_blank(text))
    return unreadable("input is empty");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // JSON Lines of more than one line do not parse as one document.
    if (first_line_is_object(text))
      return read_result_lines(text);
    return unreadable(position_of(text, e.byte) + ": "
                      + parse_error_reason(e));
  }
  // JSON Lines of an empty batch are its summary line alone.
  if (doc.is_object() && doc.contains("type"))
    return read_result_lines(text);
  return read_result_document(doc);
}

} // namespace grader
