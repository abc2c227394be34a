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

/// Why a grade needs a person's look (grade::review_reasons).
namespace review_reasons {
/// The judge's samples of the score lie further apart than allowed.
inline constexpr const char* samples_disagree = "samples_disagree";
/// The judge gave a passing score to an answer with none of the keywords.
inline constexpr const char* keywords_absent = "keywords_absent";
/// A fallback rule decided instead of the judge.
inline constexpr const char* fallback_used = "fallback_used";
/// The judge's first reply did not read as a verdict; it was asked again.
inline constexpr const char* reply_retried = "reply_retried";
/// The token budget was spent before the judge was asked.
inline constexpr const char* token_budget = "token_budget";
/// The cost limit was reached before the judge was asked.
inline constexpr const char* cost_limit = "cost_limit";
/// The judge's reply held verdicts with different scores.
inline constexpr const char* ambiguous_reply = "ambiguous_reply";
/// The batch deadline came before the answer was graded at all.
inline constexpr const char* not_graded = "not_graded";
} // namespace review_reasons

/// Whether `name` is one of the review_reasons.
bool is_review_reason(std::string_view name);

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
  /// Why, one of the review_reasons each, in the order they arose.
  std::vector<std::string> review_reasons;
  /// The judge's samples of the score when it was asked more than once
  /// (--judge-samples), in the order they were asked; `score` is what
  /// they reduce to.
  std::vector<int32_t> judge_scores;
  /// With a rubric, the points the judge gave each criterion, in the
  /// rubric's order; `score` is their sum over the rubric's total, scaled
  /// to 0-100.
  std::vector<int32_t> rubric_scores;

  friend bool operator==(const grade& x, const grade& y) {
    return x.is_correct == y.is_correct && x.score == y.score
           && x.keyword_matches == y.keyword_matches && x.feedback == y.feedback
           && x.by == y.by && x.needs_review == y.needs_review
           && x.review_reasons == y.review_reasons
           && x.judge_scores == y.judge_scores
           && x.rubric_scores == y.rubric_scores;
  }
};

/// Sets `x.needs_review` and adds `reason` (one of the review_reasons) to
/// its reasons, once.
void flag_for_review(grade& x, const char* reason);

} // namespace grader::scoring
