#pragma once

// Builders for the answers tests score, so each test shows only what
// matters to it.

#include <string>
#include <vector>

#include "messages/answer.hpp"
#include "scoring/grade.hpp"

namespace grader::test {

inline answer multiple_choice(std::string question_id, std::string chosen,
                              std::string expected) {
  answer x;
  x.user_id = "u-" + question_id;
  x.question_id = std::move(question_id);
  x.type = question_type::multiple_choice;
  x.user_answer = std::move(chosen);
  x.correct_answer = std::move(expected);
  return x;
}

inline answer true_false(std::string question_id, std::string chosen,
                         std::string expected) {
  auto x = multiple_choice(std::move(question_id), std::move(chosen),
                           std::move(expected));
  x.type = question_type::true_false;
  return x;
}

inline answer short_answer(std::string question_id, std::string text,
                           std::vector<std::string> keywords) {
  answer x;
  x.user_id = "u-" + question_id;
  x.question_id = std::move(question_id);
  x.type = question_type::short_answer;
  x.user_answer = std::move(text);
  x.correct_keywords = std::move(keywords);
  return x;
}

// The same builders for tests about one answer, where ids do not matter.

inline answer multiple_choice(std::string chosen, std::string expected) {
  return multiple_choice("q-1", std::move(chosen), std::move(expected));
}

inline answer true_false(std::string chosen, std::string expected) {
  return true_false("q-1", std::move(chosen), std::move(expected));
}

inline answer short_answer(std::string text,
                           std::vector<std::string> keywords) {
  return short_answer("q-1", std::move(text), std::move(keywords));
}

/// A grade with `score` and `matches`, correct from the threshold on, as
/// the rules would see it before feedback is written.
inline scoring::grade scored(int32_t score,
                             std::vector<std::string> matches = {}) {
  scoring::grade g;
  g.score = score;
  g.is_correct = score >= scoring::correct_threshold;
  g.keyword_matches = std::move(matches);
  return g;
}

/// `n` multiple-choice answers q0..q(n-1) at positions 0..n-1; every third
/// one is wrong.
inline std::vector<answer> numbered_answers(size_t n) {
  std::vector<answer> result;
  for (size_t i = 0; i < n; ++i) {
    result.push_back(multiple_choice("q" + std::to_string(i),
                                     i % 3 == 2 ? "A" : "B", "B"));
    result.back().index = i;
  }
  return result;
}

/// `answers` at positions 0..n-1, in their order, as a batch reader would
/// number them.
inline std::vector<answer> in_positions(std::vector<answer> answers) {
  for (size_t i = 0; i < answers.size(); ++i)
    answers[i].index = i;
  return answers;
}

} // namespace grader::test
