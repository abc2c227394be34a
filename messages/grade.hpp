#pragma once

#include "scoring/batch_stats.hpp"
#include "scoring/grade.hpp"

namespace grader {

using scoring::batch_stats;
using scoring::grade;
using scoring::graded_by;

} // namespace grader

namespace grader::scoring {

// These value types belong to scoring/; their inspect overloads live in that
// namespace for CAF to find them by argument-dependent lookup.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, grade& x) {
  return f(x.is_correct, x.score, x.keyword_matches, x.feedback, x.by,
           x.needs_review, x.review_reasons, x.judge_scores, x.rubric_scores);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_stats& x) {
  return f(x.total_count, x.successful_count, x.failed_count, x.average_score,
           x.correct_count, x.correct_rate, x.fallback_count,
           x.needs_review_count);
}

} // namespace grader::scoring
