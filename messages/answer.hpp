#pragma once

#include "scoring/answer.hpp"

namespace grader {

using scoring::answer;
using scoring::question_type;

} // namespace grader

namespace grader::scoring {

// The answer type belongs to scoring/, so its inspect overload lives in that
// namespace for CAF to find it by argument-dependent lookup.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rubric_criterion& x) {
  return f(x.criterion, x.points);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, answer& x) {
  return f(x.index, x.answer_id, x.user_id, x.question_id, x.type,
           x.user_answer, x.correct_answer, x.correct_keywords, x.difficulty,
           x.category, x.reference_answer, x.rubric);
}

} // namespace grader::scoring
