#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scoring/answer.hpp"
#include "scoring/chat.hpp"
#include "scoring/grade.hpp"
#include "scoring/llm_reply.hpp"

namespace grader::scoring {

/// The built-in judge's verdict on a short answer, deterministic and
/// offline: mostly keyword coverage (as match_keywords finds it), plus a
/// little for how much of the keywords' wording the answer shares
/// (character-bigram overlap), so that a near miss scores above nothing.
/// A blank answer scores 0. The reasoning names the keywords found and
/// missing, in English.
judged_score judge_short_answer(std::string_view student_answer,
                                const std::vector<std::string>& keywords);

/// The built-in judge's points for each criterion of `rubric`: a
/// criterion's points times the share of its wording (character bigrams)
/// the answer holds, a share of 0.8 or more earning them all, rounded;
/// deterministic, in any language. A blank answer earns nothing.
judged_score judge_rubric(std::string_view student_answer,
                          const std::vector<rubric_criterion>& rubric);

/// The built-in judge's explanation of a grade: the templated explanation
/// (see feedback.hpp) in the language of the student's answer.
std::string judge_explanation(const answer& x, const grade& g);

/// The built-in judge's reply to a request built by short_answer_prompt or
/// explanation_prompt, as a model would give it: it reads the data object
/// on the last line of the last user message and answers with a score
/// object (`{"score": N, "reasoning": "..."}`, or with a rubric in the
/// data `{"rubric_scores": [...], "reasoning": "..."}`) or with the
/// explanation text. Usage counts a token per 4 bytes, at least 1. A request it
/// cannot read gets a content saying so, which parse_score_reply rejects. A
/// seeded request at a temperature above 0 has its score moved by up to 10
/// points per unit of temperature either way, as a model's samples vary: the
/// same seed, temperature and answer always move it alike.
chat_reply judge_reply(const chat_request& x);

} // namespace grader::scoring
