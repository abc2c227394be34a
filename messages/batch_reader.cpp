#include "messages/batch_reader.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/error.hpp"
#include "messages/json_reader.hpp"
#include "scoring/display_text.hpp"

namespace grader {

namespace {

using json = nlohmann::json;
using detail::json_type_name;
using detail::json_value_problem;

constexpr auto npos = std::string_view::npos;

// -- one item ----------------------------------------------------------------

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
  problems.push_back(std::string{field}
                     + " must be a string or an integer, got "
                     + json_type_name(*i));
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
                     + json_type_name(*i));
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
                     + json_type_name(*i));
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
                       + json_type_name(*i));
    return result;
  }
  for (size_t k = 0; k < i->size(); ++k) {
    const auto& keyword = (*i)[k];
    if (keyword.is_string())
      result.push_back(keyword.get<std::string>());
    else
      problems.push_back("correct_keywords[" + std::to_string(k)
                         + "] must be a string, got "
                         + json_type_name(keyword));
  }
  return result;
}

// `rubric`: a list of {"criterion": text, "points": integer}. Out-of-range
// points are left for validation to report, without wrapping.
std::vector<scoring::rubric_criterion>
read_rubric(const json& item, std::vector<std::string>& problems) {
  std::vector<scoring::rubric_criterion> result;
  auto i = item.find("rubric");
  if (i == item.end() || i->is_null())
    return result;
  if (!i->is_array()) {
    problems.push_back("rubric must be an array of {criterion, points}, got "
                       + json_type_name(*i));
    return result;
  }
  for (size_t k = 0; k < i->size(); ++k) {
    const auto& entry = (*i)[k];
    auto field = "rubric[" + std::to_string(k) + "]";
    if (!entry.is_object()) {
      problems.push_back(field + " must be an object, got "
                         + json_type_name(entry));
      continue;
    }
    scoring::rubric_criterion x;
    auto criterion = entry.find("criterion");
    if (criterion == entry.end() || !criterion->is_string())
      problems.push_back(field + ".criterion must be a string, got "
                         + (criterion == entry.end()
                              ? std::string{"nothing"}
                              : json_type_name(*criterion)));
    else
      x.criterion = criterion->get<std::string>();
    auto points = entry.find("points");
    if (points == entry.end() || !points->is_number_integer())
      problems.push_back(
        field + ".points must be an integer, got "
        + (points == entry.end()
             ? std::string{"nothing"}
             : (points->is_number() ? points->dump()
                                    : json_type_name(*points))));
    else
      x.points
        = points->is_number_unsigned()
            ? static_cast<int32_t>(std::min<uint64_t>(
              points->get<uint64_t>(), std::numeric_limits<int32_t>::max()))
            : static_cast<int32_t>(std::max<int64_t>(
              points->get<int64_t>(), std::numeric_limits<int32_t>::min()));
    result.push_back(std::move(x));
  }
  return result;
}

int32_t read_difficulty(const json& item, std::vector<std::string>& problems) {
  auto i = item.find("difficulty");
  if (i == item.end() || i->is_null())
    return 0;
  if (!i->is_number_integer()) {
    problems.push_back("difficulty must be an integer from 1 to 10, got "
                       + (i->is_number() ? i->dump() : json_type_name(*i)));
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

std::optional<question_type>
read_question_type(const json& item, std::vector<std::string>& problems) {
  auto i = item.find("question_type");
  if (i == item.end() || i->is_null()) {
    problems.emplace_back("question_type required");
    return std::nullopt;
  }
  if (!i->is_string()) {
    problems.push_back("question_type must be a string, got "
                       + json_type_name(*i));
    return std::nullopt;
  }
  auto name = i->get<std::string>();
  auto type = scoring::parse_question_type(name);
  if (!type)
    problems.push_back("question_type '" + scoring::escape_for_display(name, 64)
                       + "' is unknown (expected multiple_choice, "
                         "true_false or short_answer)");
  return type;
}

std::string joined(const std::vector<std::string>& problems) {
  std::string result;
  for (const auto& problem : problems) {
    if (!result.empty())
      result += "; ";
    result += problem;
  }
  return result;
}

// The field a problem of the readers above is about: they all start with
// its name.
std::string_view field_of(std::string_view problem) {
  return problem.substr(0, problem.find_first_of(" ["));
}

// The person's grade an item carries (`human_score` 0-100, `human_correct`).
scoring::human_grade read_human_grade(const json& item,
                                      std::vector<std::string>& problems) {
  scoring::human_grade result;
  if (auto i = item.find("human_score"); i != item.end() && !i->is_null()) {
    // Non-negative integers parse as unsigned, and may exceed int64_t.
    if (i->is_number_unsigned() && i->get<uint64_t>() <= 100)
      result.score = static_cast<int32_t>(i->get<uint64_t>());
    else
      problems.push_back("human_score must be an integer from 0 to 100, got "
                         + (i->is_number() ? i->dump() : json_type_name(*i)));
  }
  if (auto i = item.find("human_correct"); i != item.end() && !i->is_null()) {
    if (i->is_boolean())
      result.correct = i->get<bool>();
    else
      problems.push_back("human_correct must be a boolean, got "
                         + json_type_name(*i));
  }
  return result;
}

// Turns one item of the batch into an answer, or into a rejected entry whose
// message lists every field that could not be read: first the values the
// JSON reader found wrong (`value_problems`), then the fields of the wrong
// JSON type. Whether the values make sense (blank ids, missing keywords) is
// for scoring::validate, which the scorer runs for every answer, also those
// sent by a host. With `grades`, the item's human grade goes there too, at
// its index.
void read_item(const json& item, uint64_t index,
               const std::vector<json_value_problem>& value_problems,
               batch_request& out, human_grades* grades) {
  score_failure rejected;
  rejected.index = index;
  std::vector<std::string> problems;
  for (const auto& problem : value_problems)
    problems.push_back(problem.text("answer"));
  if (!item.is_object()) {
    if (problems.empty())
      problems.push_back("answer must be a JSON object, got "
                         + json_type_name(item));
    rejected.code = ec::malformed_item;
    rejected.message = joined(problems);
    out.rejected.push_back(std::move(rejected));
    return;
  }
  std::vector<std::string> type_problems;
  answer x;
  auto answer_id = read_id(item, "answer_id", type_problems);
  auto user_id = read_id(item, "user_id", type_problems);
  auto question_id = read_id(item, "question_id", type_problems);
  auto type = read_question_type(item, type_problems);
  if (!item.contains("user_answer"))
    type_problems.emplace_back("user_answer required");
  x.user_answer = read_choice(item, "user_answer", type_problems);
  x.correct_answer = read_choice(item, "correct_answer", type_problems);
  x.correct_keywords = read_keywords(item, type_problems);
  x.difficulty = read_difficulty(item, type_problems);
  x.category = read_text(item, "category", type_problems);
  x.reference_answer = read_text(item, "reference_answer", type_problems);
  x.rubric = read_rubric(item, type_problems);
  if (grades != nullptr) {
    if (grades->size() <= index)
      grades->resize(index + 1);
    (*grades)[index] = read_human_grade(item, type_problems);
  }
  // A value the JSON reader found wrong reads as null; what the readers say
  // about that field would only repeat its problem.
  for (auto& problem : type_problems) {
    auto spoiled = std::any_of(value_problems.begin(), value_problems.end(),
                               [&](const auto& y) {
                                 return y.field == field_of(problem);
                               });
    if (!spoiled)
      problems.push_back(std::move(problem));
  }
  if (problems.empty()) {
    x.index = index;
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
  rejected.message = joined(problems);
  out.rejected.push_back(std::move(rejected));
}

// -- JSON Lines --------------------------------------------------------------

bool is_blank(std::string_view text) {
  return detail::first_non_blank(text) == npos;
}

void reject_line(size_t number, uint64_t index, const std::string& reason,
                 batch_request& out) {
  score_failure rejected;
  rejected.index = index;
  rejected.code = ec::malformed_item;
  rejected.message = "line " + std::to_string(number)
                     + " is not valid JSON: " + reason;
  out.rejected.push_back(std::move(rejected));
}

// What follows the answer on its line, which must be nothing.
std::string stray_text(std::string_view line, size_t offset) {
  return "column " + std::to_string(offset + 1)
         + ": unexpected text after the answer: "
         + detail::excerpt_at(line, offset);
}

// One line of JSON Lines: one answer. A line that is not JSON, or holds
// more than one value, becomes a rejected item; the batch goes on.
void read_line(std::string_view line, size_t number, uint64_t index,
               batch_request& out, human_grades* grades) {
  auto read = detail::read_json_value(line);
  if (read.error) {
    reject_line(number, index,
                "column " + std::to_string(read.error->offset + 1) + ": "
                  + read.error->reason,
                out);
    return;
  }
  if (auto stray = detail::first_non_blank(line, read.end); stray != npos) {
    reject_line(number, index, stray_text(line, stray), out);
    return;
  }
  read_item(read.value, index, read.problems, out, grades);
}

// The lines of `text` from offset `from`, which starts line `number`; the
// first non-blank one is item `index`. False when there are more than
// `max_answers` items.
bool read_lines(std::string_view text, size_t from, size_t number,
                uint64_t index, uint64_t max_answers, batch_request& out,
                human_grades* grades) {
  while (from < text.size()) {
    auto end = text.find('\n', from);
    auto line = text.substr(from, end == npos ? npos : end - from);
    if (!is_blank(line)) {
      if (index >= max_answers)
        return false;
      read_line(line, number, index++, out, grades);
    }
    if (end == npos)
      break;
    from = end + 1;
    ++number;
  }
  return true;
}

// -- the whole input ---------------------------------------------------------

caf::error unreadable(std::string text) {
  return caf::make_error(ec::unreadable_input, std::move(text));
}

caf::error unreadable_at(std::string_view text, size_t offset,
                         const std::string& what) {
  return unreadable(detail::position_in(text, offset) + ": " + what);
}

// The batch object or array whose items the JSON reader has handed to
// read_item already.
caf::expected<batch_request> read_document(const json& doc,
                                           batch_request result) {
  if (doc.is_array())
    return result;
  auto answers = doc.find("answers");
  if (!answers->is_array())
    return unreadable("answers must be an array, got "
                      + json_type_name(*answers));
  if (auto i = doc.find("session_id"); i != doc.end() && !i->is_null()) {
    if (i->is_string())
      result.session_id = i->get<std::string>();
    else if (i->is_number_integer())
      result.session_id = i->dump();
    else
      return unreadable("session_id must be a string, got "
                        + json_type_name(*i));
  }
  return result;
}

} // namespace

caf::expected<batch_request>
read_batch(std::string_view text, uint64_t max_answers, human_grades* grades) {
  auto too_many = [max_answers] {
    return unreadable("more than " + std::to_string(max_answers)
                      + " answers (--max-answers)");
  };
  // A byte order mark is legal at the start of a UTF-8 file and not JSON.
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  if (is_blank(text))
    return unreadable("input is empty");
  batch_request result;
  uint64_t items = 0;
  auto first = detail::read_json_value(
    text, "answers", [&](json item, std::vector<json_value_problem> problems) {
      // Past the limit items are only counted: the batch is refused.
      if (items < max_answers)
        read_item(item, items, problems, result, grades);
      ++items;
    });
  if (first.error)
    return unreadable_at(text, first.error->offset, first.error->reason);
  if (items > max_answers)
    return too_many();
  const auto& root = first.value;
  auto stray = detail::first_non_blank(text, first.end);
  // The first value decides the form. A batch document is all of the input.
  if (root.is_array() || (root.is_object() && root.contains("answers"))) {
    if (!first.problems.empty())
      return unreadable_at(text, first.problems.front().offset,
                           first.problems.front().text("input"));
    if (stray != npos)
      return unreadable_at(text, stray,
                           "unexpected text after the batch document: "
                             + detail::excerpt_at(text, stray));
    return read_document(root, std::move(result));
  }
  if (!root.is_object()) {
    if (!first.problems.empty())
      return unreadable_at(text, first.problems.front().offset,
                           first.problems.front().text("input"));
    return unreadable("input must be a batch object, an array of answers or "
                      "JSON Lines, got "
                      + json_type_name(root));
  }
  // An answer object: alone, a batch of one answer.
  if (stray == npos) {
    if (!root.contains("question_type") && !root.contains("user_answer"))
      return unreadable("input object has no \"answers\" array");
    read_item(root, 0, first.problems, result, grades);
    return result;
  }
  // On a line of its own and followed by more, the first line of JSON Lines.
  auto start = detail::first_non_blank(text);
  auto line_end = text.find('\n', start);
  if (line_end < first.end)
    return unreadable_at(text, stray,
                         "unexpected text after the answer object: "
                           + detail::excerpt_at(text, stray));
  auto line_start = text.rfind('\n', start);
  line_start = line_start == npos ? 0 : line_start + 1;
  auto number = static_cast<size_t>(
    std::count(text.begin(), text.begin() + start, '\n') + 1);
  if (stray < line_end)
    reject_line(number, 0,
                stray_text(text.substr(line_start), stray - line_start),
                result);
  else
    read_item(root, 0, first.problems, result, grades);
  if (line_end != npos
      && !read_lines(text, line_end + 1, number + 1, 1, max_answers, result,
                     grades))
    return too_many();
  return result;
}

} // namespace grader
