#pragma once

#include <string>

#include "scoring/answer.hpp"
#include "scoring/grade.hpp"

namespace grader::scoring {

/// The student-facing feedback for a score: "Correct." from
/// correct_threshold on; partial credit from partial_credit_threshold to
/// correct_threshold - 1, naming the expected keywords not found; otherwise
/// "Incorrect." with the expected choice (multiple choice, true/false) or the
/// missing keywords (short answer). Reads `g.score`, `g.keyword_matches`
/// and the answer; ignores `g.feedback`.
std::string feedback_for(const answer& x, const grade& g);

/// The explanation written when no LLM explanation is available: a short
/// templated paragraph in the language of the student's answer (Korean,
/// Chinese or English) saying why the answer earned its score.
std::string templated_explanation(const answer& x, const grade& g);

} // namespace grader::scoring
