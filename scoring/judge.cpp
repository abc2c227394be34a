#include "scoring/judge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "scoring/feedback.hpp"
#include "scoring/fnv1a.hpp"
#include "scoring/keywords.hpp"
#include "scoring/normalize.hpp"
#include "scoring/prompts.hpp"

namespace grader::scoring {

namespace {

using json = nlohmann::json;

constexpr std::string_view unreadable_request
  = "The built-in judge could not read this request.";

// Keyword coverage decides most of a score, wording shared with the
// keywords the rest.
constexpr double coverage_weight = 90;
constexpr double similarity_weight = 10;

std::string join(const std::vector<std::string>& items) {
  std::string result;
  for (const auto& item : items) {
    if (!result.empty())
      result += ", ";
    result += item;
  }
  return result;
}

// Each keyword once, in the question's order, as match_keywords counts them.
// A hash set keeps this linear: an answer may list 100,000 keywords.
std::vector<std::string> distinct(const std::vector<std::string>& keywords) {
  std::vector<std::string> result;
  std::unordered_set<std::string_view> seen;
  for (const auto& keyword : keywords) {
    if (seen.insert(keyword).second)
      result.push_back(keyword);
  }
  return result;
}

// The code points of normalize(text) without its spaces.
std::vector<int32_t> letters(std::string_view text) {
  auto normalized = normalize(text);
  std::vector<int32_t> result;
  size_t pos = 0;
  while (pos < normalized.size()) {
    int32_t c = 0;
    auto length = decode_utf8(normalized, pos, c);
    if (length == 0)
      break;
    if (c != ' ')
      result.push_back(c);
    pos += length;
  }
  return result;
}

// Character bigrams with their counts. A single character counts as a
// bigram of its own, so that a one-letter keyword can still be similar.
std::map<std::pair<int32_t, int32_t>, size_t>
bigrams(const std::vector<int32_t>& chars) {
  std::map<std::pair<int32_t, int32_t>, size_t> result;
  if (chars.size() == 1)
    ++result[{chars[0], -1}];
  for (size_t i = 1; i < chars.size(); ++i)
    ++result[{chars[i - 1], chars[i]}];
  return result;
}

size_t total(const std::map<std::pair<int32_t, int32_t>, size_t>& counts) {
  size_t result = 0;
  for (const auto& entry : counts)
    result += entry.second;
  return result;
}

// The Dice coefficient of the two texts' character bigrams, from 0 (none
// shared) to 1 (the same bigrams).
double similarity(std::string_view x, std::string_view y) {
  auto x_bigrams = bigrams(letters(x));
  auto y_bigrams = bigrams(letters(y));
  auto sizes = total(x_bigrams) + total(y_bigrams);
  if (sizes == 0)
    return 0;
  size_t shared = 0;
  for (const auto& [bigram, count] : x_bigrams) {
    auto other = y_bigrams.find(bigram);
    if (other != y_bigrams.end())
      shared += std::min(count, other->second);
  }
  return 2.0 * static_cast<double>(shared) / static_cast<double>(sizes);
}

// The share of `part`'s character bigrams that `whole` holds too, from 0
// to 1: how much of a criterion's wording an answer contains.
double containment(std::string_view part, std::string_view whole) {
  auto part_bigrams = bigrams(letters(part));
  auto whole_bigrams = bigrams(letters(whole));
  auto size = total(part_bigrams);
  if (size == 0)
    return 0;
  size_t shared = 0;
  for (const auto& [bigram, count] : part_bigrams) {
    auto other = whole_bigrams.find(bigram);
    if (other != whole_bigrams.end())
      shared += std::min(count, other->second);
  }
  return static_cast<double>(shared) / static_cast<double>(size);
}

std::string reasoning(const std::vector<std::string>& expected,
                      const std::vector<std::string>& found) {
  if (expected.empty())
    return "The question lists no expected keywords.";
  if (expected.size() == 1) {
    if (found.empty())
      return "Does not mention the expected keyword (" + expected[0] + ").";
    return "Mentions the expected keyword (" + expected[0] + ").";
  }
  auto count = std::to_string(expected.size());
  if (found.empty())
    return "Mentions none of the " + count + " expected keywords ("
           + join(expected) + ").";
  if (found.size() == expected.size())
    return "Mentions all " + count + " expected keywords (" + join(expected)
           + ").";
  std::unordered_set<std::string_view> found_set(found.begin(), found.end());
  std::vector<std::string> missing;
  for (const auto& keyword : expected) {
    if (found_set.count(keyword) == 0)
      missing.push_back(keyword);
  }
  return "Mentions " + std::to_string(found.size()) + " of " + count
         + " expected keywords (" + join(found) + "); missing: " + join(missing)
         + ".";
}

// The JSON object on the last non-blank line of the last user message.
std::optional<json> data_object(const chat_request& x) {
  auto user = std::find_if(x.messages.rbegin(), x.messages.rend(),
                           [](const auto& m) { return m.role == "user"; });
  if (user == x.messages.rend())
    return std::nullopt;
  std::string_view content = user->content;
  auto end = content.find_last_not_of(" \t\r\n");
  if (end == std::string_view::npos)
    return std::nullopt;
  content = content.substr(0, end + 1);
  auto newline = content.rfind('\n');
  auto line = newline == std::string_view::npos ? content
                                                : content.substr(newline + 1);
  auto result = json::parse(line, nullptr, false);
  if (!result.is_object())
    return std::nullopt;
  return result;
}

std::optional<std::string> string_field(const json& data, const char* key) {
  auto field = data.find(key);
  if (field == data.end() || !field->is_string())
    return std::nullopt;
  return field->get<std::string>();
}

// A list of strings, empty when the field is missing; nothing when it holds
// anything else.
std::optional<std::vector<std::string>> strings_field(const json& data,
                                                      const char* key) {
  std::vector<std::string> result;
  auto field = data.find(key);
  if (field == data.end())
    return result;
  if (!field->is_array())
    return std::nullopt;
  for (const auto& item : *field) {
    if (!item.is_string())
      return std::nullopt;
    result.push_back(item.get<std::string>());
  }
  return result;
}

// A rubric as the prompt's data holds it; nothing when it is not one.
std::optional<std::vector<rubric_criterion>> rubric_field(const json& x) {
  if (!x.is_array())
    return std::nullopt;
  std::vector<rubric_criterion> result;
  for (const auto& item : x) {
    if (!item.is_object())
      return std::nullopt;
    auto criterion = string_field(item, "criterion");
    auto points = item.find("points");
    if (!criterion || points == item.end() || !points->is_number_integer())
      return std::nullopt;
    result.push_back({std::move(*criterion),
                      static_cast<int32_t>(
                        std::clamp<int64_t>(points->get<int64_t>(), 0, 100))});
  }
  return result;
}

// The integer `score` clamped to 0-100; nothing when there is none.
std::optional<int32_t> score_field(const json& data) {
  auto field = data.find("score");
  if (field == data.end() || !field->is_number_integer())
    return std::nullopt;
  // Non-negative integers parse as unsigned, and may exceed int64_t.
  if (field->is_number_unsigned())
    return static_cast<int32_t>(
      std::min<uint64_t>(field->get<uint64_t>(), 100));
  return static_cast<int32_t>(
    std::clamp<int64_t>(field->get<int64_t>(), 0, 100));
}

// How far a sampled score strays from the judge's own: as a model's
// samples vary with the temperature, up to 10 points per unit of it either
// way, and repeatably, decided by the seed and the answer alone.
int32_t sampling_offset(const chat_request& x, std::string_view answer) {
  auto reach = static_cast<int64_t>(std::lround(10 * x.temperature));
  if (!x.seeded || reach <= 0)
    return 0;
  auto hash = fnv1a(answer, fnv1a_basis ^ x.seed);
  hash ^= hash >> 29;
  hash *= 0xbf58476d1ce4e5b9;
  hash ^= hash >> 32;
  auto span = static_cast<uint64_t>(2 * reach + 1);
  return static_cast<int32_t>(static_cast<int64_t>(hash % span) - reach);
}

std::optional<std::string> score_content(const chat_request& x,
                                         const json& data) {
  auto student_answer = string_field(data, "student_answer");
  auto keywords = strings_field(data, "expected_keywords");
  if (!student_answer || !keywords)
    return std::nullopt;
  nlohmann::ordered_json reply;
  if (auto rubric = data.find("rubric"); rubric != data.end()) {
    auto criteria = rubric_field(*rubric);
    if (!criteria)
      return std::nullopt;
    auto verdict = judge_rubric(*student_answer, *criteria);
    reply["rubric_scores"] = verdict.rubric_scores;
    reply["reasoning"] = verdict.reasoning;
  } else {
    auto verdict = judge_short_answer(*student_answer, *keywords);
    verdict.score
      = std::clamp(verdict.score + sampling_offset(x, *student_answer), 0, 100);
    reply["score"] = verdict.score;
    reply["reasoning"] = verdict.reasoning;
  }
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> explanation_content(const json& data) {
  auto type_name = string_field(data, "question_type");
  auto student_answer = string_field(data, "student_answer");
  auto keywords = strings_field(data, "expected_keywords");
  auto matches = strings_field(data, "keyword_matches");
  auto score = score_field(data);
  auto is_correct = data.find("is_correct");
  if (!type_name || !student_answer || !keywords || !matches || !score)
    return std::nullopt;
  auto type = parse_question_type(*type_name);
  if (!type)
    return std::nullopt;
  answer x;
  x.type = *type;
  x.question_id = string_field(data, "question_id").value_or("");
  x.user_answer = std::move(*student_answer);
  x.correct_answer = string_field(data, "expected_answer").value_or("");
  x.correct_keywords = std::move(*keywords);
  grade g;
  g.score = *score;
  g.is_correct = is_correct != data.end() && is_correct->is_boolean()
                   ? is_correct->get<bool>()
                   : g.score >= correct_threshold;
  g.keyword_matches = std::move(*matches);
  return judge_explanation(x, g);
}

uint64_t tokens(size_t bytes) {
  return std::max<uint64_t>(1, bytes / 4);
}

} // namespace

judged_score judge_short_answer(std::string_view student_answer,
                                const std::vector<std::string>& keywords) {
  if (normalize(student_answer).empty())
    return {0, "No answer was given.", {}};
  auto expected = distinct(keywords);
  auto found = match_keywords(student_answer, expected);
  double coverage = 0;
  if (!expected.empty())
    coverage = static_cast<double>(found.size())
               / static_cast<double>(expected.size());
  std::string joined;
  for (const auto& keyword : expected)
    joined += keyword;
  auto points = coverage_weight * coverage
                + similarity_weight * similarity(student_answer, joined);
  auto score = std::clamp(static_cast<int32_t>(std::lround(points)), 0, 100);
  return {score, reasoning(expected, found), {}};
}

judged_score judge_rubric(std::string_view student_answer,
                          const std::vector<rubric_criterion>& rubric) {
  judged_score result;
  auto blank = normalize(student_answer).empty();
  std::string reasoning;
  for (size_t i = 0; i < rubric.size(); ++i) {
    const auto& item = rubric[i];
    auto share = blank ? 0.0 : containment(item.criterion, student_answer);
    auto points = static_cast<int32_t>(
      std::lround(item.points * std::min(1.0, share / 0.8)));
    result.rubric_scores.push_back(points);
    reasoning += (i == 0 ? "" : "; ") + std::string{"criterion "}
                 + std::to_string(i + 1) + ": " + std::to_string(points)
                 + " of " + std::to_string(item.points);
  }
  result.score = rubric_score(rubric, result.rubric_scores);
  result.reasoning = blank ? "No answer was given."
                           : "Points by criterion: " + reasoning + ".";
  return result;
}

std::string judge_explanation(const answer& x, const grade& g) {
  return templated_explanation(x, g);
}

chat_reply judge_reply(const chat_request& x) {
  std::optional<std::string> content;
  if (auto data = data_object(x)) {
    auto task = string_field(*data, "task");
    if (task == score_task)
      content = score_content(x, *data);
    else if (task == explain_task)
      content = explanation_content(*data);
  }
  chat_reply result;
  result.content = content ? std::move(*content)
                           : std::string(unreadable_request);
  size_t prompt_bytes = 0;
  for (const auto& message : x.messages)
    prompt_bytes += message.content.size();
  result.usage.prompt_tokens = tokens(prompt_bytes);
  result.usage.completion_tokens = tokens(result.content.size());
  return result;
}

} // namespace grader::scoring
