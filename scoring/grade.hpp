#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grader::scoring {

/// Who decided a score.
enum class graded_by : uint8_t {
  /// Exact rules: multiple choice and true/false.
  rules,
  /// The LLM judge.
  llm,
  /// A fallback rule, used when the LLM path was not available in time.
  fallback,
};

/// The wire name of a grader (`"rules"`, `"llm"`, `"fallback"`).
std::string_view to_string(graded_by x);

/// The score a short answer needs to count as correct.
constexpr int32_t correct_threshold = 80;

/// The lowest score that earns partial-credit feedback.
constexpr int32_t partial_credit_threshold = 70;

/// The verdict on one answer, before it is wrapped into a result message.
struct grade {
  bool is_correct = false;
  /// From 0 to 100.
  int32_t score = 0;
  /// The expected keywords found in the answer, as the question spelled them.
  std::vector<std::string> keyword_matches;
  /// A sentence or two for the student.
  std::string feedback;
  graded_by by = graded_by::rules;
  /// Set when a person should look at this grade before it counts.
  bool needs_review = false;

  friend bool operator==(const grade& x, const grade& y) {
    return x.is_correct == y.is_correct && x.score == y.score
           && x.keyword_matches == y.keyword_matches && x.feedback == y.feedback
           && x.by == y.by && x.needs_review == y.needs_review;
  }
};

} // namespace grader::scoring
