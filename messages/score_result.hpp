#pragma once

#include <cstdint>
#include <string>

#include "messages/grade.hpp"
#include "messages/llm_usage.hpp"

namespace grader {

/// A scored answer.
struct score_result {
  /// Unique identifier of this scoring attempt.
  std::string attempt_id;
  std::string session_id;
  /// Position of the answer in the batch.
  uint64_t index = 0;
  std::string answer_id;
  std::string question_id;
  std::string user_id;
  /// Score, correctness, keyword matches, feedback, who graded it.
  grade verdict;
  /// Why the answer earned its score; empty when explanations are off.
  std::string explanation;
  /// ISO 8601 UTC time the grade was decided.
  std::string graded_at;
  /// LLM calls this answer made (summed into the batch metrics, not
  /// written per answer).
  llm_usage usage;

  friend bool operator==(const score_result& x, const score_result& y) {
    return x.attempt_id == y.attempt_id && x.session_id == y.session_id
           && x.index == y.index && x.answer_id == y.answer_id
           && x.question_id == y.question_id && x.user_id == y.user_id
           && x.verdict == y.verdict && x.explanation == y.explanation
           && x.graded_at == y.graded_at && x.usage == y.usage;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, score_result& x) {
  return f(x.attempt_id, x.session_id, x.index, x.answer_id, x.question_id,
           x.user_id, x.verdict, x.explanation, x.graded_at, x.usage);
}

} // namespace grader
