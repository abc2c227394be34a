#include "scoring/rules.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>
#include <unordered_set>

#include "scoring/feedback.hpp"
#include "scoring/keywords.hpp"
#include "scoring/normalize.hpp"

namespace grader::scoring {

namespace {

// Normalized spellings; normalize() has already folded case.
constexpr std::string_view true_spellings[] = {
  "true", "t",    "yes", "y",  "1",  "o",    "correct", "right", "참",
  "맞다", "맞음", "예",  "对", "是", "正确", "真",      "對",    "正確",
};

constexpr std::string_view false_spellings[] = {
  "false", "f",    "no",     "n",    "0",      "x",      "incorrect",
  "wrong", "거짓", "틀리다", "틀림", "아니오", "아니요", "错",
  "否",    "错误", "假",     "錯",   "錯誤",
};

template <size_t N>
bool contains(const std::string_view (&spellings)[N], std::string_view text) {
  return std::find(std::begin(spellings), std::end(spellings), text)
         != std::end(spellings);
}

grade rule_grade(const answer& x, bool is_correct) {
  grade result;
  result.is_correct = is_correct;
  result.score = is_correct ? 100 : 0;
  result.by = graded_by::rules;
  result.feedback = feedback_for(x, result);
  return result;
}

// Each keyword counts once however often the question lists it, matching
// match_keywords, which reports each keyword at most once.
size_t count_distinct(const std::vector<std::string>& keywords) {
  std::unordered_set<std::string_view> seen{keywords.begin(), keywords.end()};
  return seen.size();
}

} // namespace

std::optional<bool> parse_truth_value(std::string_view text) {
  auto normalized = normalize(text);
  if (contains(true_spellings, normalized))
    return true;
  if (contains(false_spellings, normalized))
    return false;
  return std::nullopt;
}

grade grade_multiple_choice(const answer& x) {
  auto chosen = normalize(x.user_answer);
  return rule_grade(x,
                    !chosen.empty() && chosen == normalize(x.correct_answer));
}

grade grade_true_false(const answer& x) {
  auto chosen = parse_truth_value(x.user_answer);
  auto expected = parse_truth_value(x.correct_answer);
  return rule_grade(x, chosen && expected && *chosen == *expected);
}

grade grade_short_answer_by_keywords(const answer& x) {
  grade result;
  result.keyword_matches = match_keywords(x.user_answer, x.correct_keywords);
  auto total = count_distinct(x.correct_keywords);
  if (total > 0) {
    auto share = 100.0 * static_cast<double>(result.keyword_matches.size())
                 / static_cast<double>(total);
    result.score = static_cast<int32_t>(std::lround(share));
  }
  result.is_correct = result.score >= correct_threshold;
  result.by = graded_by::fallback;
  flag_for_review(result, review_reasons::fallback_used);
  result.feedback = feedback_for(x, result)
                    + " (Scored by keyword matching; flagged for review.)";
  return result;
}

bool is_blank_answer(const answer& x) {
  return normalize(x.user_answer).empty();
}

grade grade_blank_answer(const answer& x) {
  grade result;
  result.by = graded_by::rules;
  result.feedback = feedback_for(x, result);
  return result;
}

grade grade_from_judgement(const answer& x, const judged_score& verdict) {
  grade result;
  result.score = std::clamp(verdict.score, 0, 100);
  result.is_correct = result.score >= correct_threshold;
  result.keyword_matches = match_keywords(x.user_answer, x.correct_keywords);
  result.by = graded_by::llm;
  if (result.is_correct && result.keyword_matches.empty())
    flag_for_review(result, review_reasons::keywords_absent);
  result.feedback = feedback_for(x, result);
  return result;
}

grade fallback_grade(const answer& x) {
  switch (x.type) {
    case question_type::multiple_choice: {
      auto result = grade_multiple_choice(x);
      result.by = graded_by::fallback;
      return result;
    }
    case question_type::true_false: {
      auto result = grade_true_false(x);
      result.by = graded_by::fallback;
      return result;
    }
    case question_type::short_answer:
      break;
  }
  return grade_short_answer_by_keywords(x);
}

grade deferred_grade(const answer&) {
  grade result;
  result.by = graded_by::fallback;
  flag_for_review(result, review_reasons::not_graded);
  result.feedback = "Not graded: the batch deadline came first. A teacher "
                    "will review this answer.";
  return result;
}

} // namespace grader::scoring
