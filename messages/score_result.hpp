#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/grade.hpp"
#include "messages/llm_usage.hpp"

namespace grader {

/// Why an answer was graded by fallback rules (score_result's
/// `fallback_reason`).
namespace fallback_reasons {
/// An LLM call failed after its retries (see `llm_error`).
inline constexpr const char* llm_error = "llm_error";
/// The LLM replied twice with nothing that reads as a verdict.
inline constexpr const char* unreadable_reply = "unreadable_reply";
/// The token budget was spent before the call.
inline constexpr const char* token_budget = "token_budget";
/// The cost limit (--max-cost) was reached before the call.
inline constexpr const char* cost_limit = "cost_limit";
/// The answer took longer than the answer timeout.
inline constexpr const char* answer_timeout = "answer_timeout";
/// The batch deadline came before the answer was scored.
inline constexpr const char* deadline = "deadline";
} // namespace fallback_reasons

/// Whether `name` is one of the fallback_reasons.
inline bool is_fallback_reason(std::string_view name) {
  using namespace fallback_reasons;
  for (const char* known : {llm_error, unreadable_reply, token_budget,
                            cost_limit, answer_timeout, deadline})
    if (name == known)
      return true;
  return false;
}

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
  /// Why the answer was graded by fallback rules, empty otherwise: one of
  /// the names in fallback_reasons.
  std::string fallback_reason;
  /// The first LLM error this answer met, empty when there was none. An
  /// answer graded by the LLM may carry one too: its explanation failed.
  std::string llm_error;
  /// LLM calls this answer made (summed into the batch metrics, not
  /// written per answer).
  llm_usage usage;

  friend bool operator==(const score_result& x, const score_result& y) {
    return x.attempt_id == y.attempt_id && x.session_id == y.session_id
           && x.index == y.index && x.answer_id == y.answer_id
           && x.question_id == y.question_id && x.user_id == y.user_id
           && x.verdict == y.verdict && x.explanation == y.explanation
           && x.graded_at == y.graded_at
           && x.fallback_reason == y.fallback_reason
           && x.llm_error == y.llm_error && x.usage == y.usage;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, score_result& x) {
  return f(x.attempt_id, x.session_id, x.index, x.answer_id, x.question_id,
           x.user_id, x.verdict, x.explanation, x.graded_at, x.fallback_reason,
           x.llm_error, x.usage);
}

} // namespace grader
