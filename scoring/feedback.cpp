#include "scoring/feedback.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <utf8proc.h>

#include "scoring/language.hpp"
#include "scoring/normalize.hpp"
#include "scoring/rules.hpp"

namespace grader::scoring {

namespace {

std::string trim(std::string_view text) {
  constexpr std::string_view white_space = " \t\n\v\f\r";
  auto first = text.find_first_not_of(white_space);
  if (first == std::string_view::npos)
    return {};
  auto last = text.find_last_not_of(white_space);
  return std::string(text.substr(first, last - first + 1));
}

std::string join(const std::vector<std::string>& items,
                 std::string_view separator) {
  std::string result;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      result += separator;
    result += items[i];
  }
  return result;
}

// Each keyword once, in the question's order.
std::vector<std::string> distinct(const std::vector<std::string>& keywords) {
  std::vector<std::string> result;
  std::unordered_set<std::string_view> seen;
  for (const auto& keyword : keywords)
    if (seen.insert(keyword).second)
      result.push_back(keyword);
  return result;
}

// The expected keywords of a short answer that `g` did not find, each once,
// in the question's order. Hash sets keep it linear: a question may list
// many keywords.
std::vector<std::string> missing_keywords(const answer& x, const grade& g) {
  std::vector<std::string> result;
  if (x.type != question_type::short_answer)
    return result;
  std::unordered_set<std::string_view> found{g.keyword_matches.begin(),
                                             g.keyword_matches.end()};
  std::unordered_set<std::string_view> listed;
  for (const auto& keyword : x.correct_keywords)
    if (found.count(keyword) == 0 && listed.insert(keyword).second)
      result.push_back(keyword);
  return result;
}

bool has_letters(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    int32_t c = 0;
    auto length = decode_utf8(text, pos, c);
    if (length == 0)
      return false;
    switch (utf8proc_category(c)) {
      case UTF8PROC_CATEGORY_LU:
      case UTF8PROC_CATEGORY_LL:
      case UTF8PROC_CATEGORY_LT:
      case UTF8PROC_CATEGORY_LM:
      case UTF8PROC_CATEGORY_LO:
        return true;
      default:
        break;
    }
    pos += length;
  }
  return false;
}

// The student's language; when the answer has no letters to judge by (a
// blank answer, a choice like "3"), the question's own language.
language explanation_language(const answer& x) {
  if (has_letters(x.user_answer))
    return detect_language(x.user_answer);
  auto question_text = join(x.correct_keywords, " ");
  question_text += ' ';
  question_text += x.correct_answer;
  return detect_language(question_text);
}

std::string truth_word(bool value, language lang) {
  switch (lang) {
    case language::korean:
      return value ? "참" : "거짓";
    case language::chinese:
      return value ? "对" : "错";
    case language::english:
      break;
  }
  return value ? "true" : "false";
}

// The expected answer as the explanation and feedback show it.
std::string expected_answer(const answer& x, language lang) {
  if (x.type == question_type::true_false) {
    if (auto value = parse_truth_value(x.correct_answer))
      return truth_word(*value, lang);
  }
  return trim(x.correct_answer);
}

std::string no_answer_text(language lang, int32_t score) {
  auto points = std::to_string(score);
  switch (lang) {
    case language::korean:
      return "답안이 제출되지 않아 100점 만점에 " + points + "점입니다.";
    case language::chinese:
      return "未作答，得分为" + points + "分（满分100分）。";
    case language::english:
      break;
  }
  return "No answer was given, so it scores " + points + " out of 100.";
}

std::string choice_text(language lang, const std::string& chosen,
                        const std::string& expected, bool is_correct) {
  switch (lang) {
    case language::korean:
      if (is_correct)
        return "선택한 답(" + chosen + ")이 정답과 일치합니다.";
      return "선택한 답(" + chosen + ")이 정답(" + expected
             + ")과 일치하지 않습니다.";
    case language::chinese:
      if (is_correct)
        return "所选答案“" + chosen + "”与正确答案一致。";
      return "所选答案“" + chosen + "”与正确答案“" + expected + "”不一致。";
    case language::english:
      break;
  }
  if (is_correct)
    return "The chosen answer " + chosen + " matches the expected answer.";
  return "The chosen answer " + chosen + " does not match the expected answer "
         + expected + ".";
}

std::string keyword_text(language lang, const std::vector<std::string>& found,
                         const std::vector<std::string>& expected,
                         int32_t score) {
  auto found_count = std::to_string(found.size());
  auto expected_count = std::to_string(expected.size());
  auto points = std::to_string(score);
  switch (lang) {
    case language::korean:
      if (found.empty())
        return "답안에 핵심 키워드(" + join(expected, ", ")
               + ")가 하나도 포함되지 않아 100점 만점에 " + points
               + "점입니다.";
      return "답안에 핵심 키워드 " + expected_count + "개 중 " + found_count
             + "개(" + join(found, ", ") + ")가 포함되어 100점 만점에 " + points
             + "점입니다.";
    case language::chinese:
      if (found.empty())
        return "答案未提到任何预期关键词（" + join(expected, "、")
               + "），得分为" + points + "分（满分100分）。";
      return "答案提到了" + expected_count + "个预期关键词中的" + found_count
             + "个（" + join(found, "、") + "），得分为" + points
             + "分（满分100分）。";
    case language::english:
      break;
  }
  if (found.empty())
    return "The answer mentions none of the expected keywords ("
           + join(expected, ", ") + ") and scores " + points + " out of 100.";
  return "The answer mentions " + found_count + " of " + expected_count
         + " expected keywords (" + join(found, ", ") + ") and scores " + points
         + " out of 100.";
}

} // namespace

std::string feedback_for(const answer& x, const grade& g) {
  if (g.score >= correct_threshold)
    return "Correct.";
  auto missing = missing_keywords(x, g);
  if (g.score >= partial_credit_threshold) {
    std::string result = "Partially correct: partial credit awarded.";
    if (!missing.empty())
      result += " Missing: " + join(missing, ", ") + ".";
    return result;
  }
  if (x.type == question_type::short_answer) {
    if (missing.empty())
      return "Incorrect.";
    return "Incorrect. Expected keywords not found: " + join(missing, ", ")
           + ".";
  }
  auto expected = expected_answer(x, language::english);
  if (expected.empty())
    return "Incorrect.";
  return "Incorrect. The correct answer is " + expected + ".";
}

std::string templated_explanation(const answer& x, const grade& g) {
  auto lang = explanation_language(x);
  if (normalize(x.user_answer).empty())
    return no_answer_text(lang, g.score);
  if (x.type == question_type::short_answer)
    return keyword_text(lang, g.keyword_matches, distinct(x.correct_keywords),
                        g.score);
  return choice_text(lang, trim(x.user_answer), expected_answer(x, lang),
                     g.is_correct);
}

} // namespace grader::scoring
