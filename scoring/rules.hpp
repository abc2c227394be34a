#pragma once

#include <optional>
#include <string_view>

#include "scoring/answer.hpp"
#include "scoring/grade.hpp"
#include "scoring/llm_reply.hpp"

namespace grader::scoring {

/// Reads a true/false answer in the spellings students use: true/false,
/// t/f, yes/no, y/n, 1/0, o/x, Korean 참/거짓 and 맞다/틀리다, Chinese
/// 对/错, 是/否, 正确/错误, 真/假; compared after normalize(). Nothing when
/// the text is none of these.
std::optional<bool> parse_truth_value(std::string_view text);

/// Grades a multiple-choice answer: correct, score 100, when the normalized
/// choice equals the normalized expected choice; else 0. Feedback filled in.
grade grade_multiple_choice(const answer& x);

/// Grades a true/false answer: both sides read with parse_truth_value (an
/// unreadable student answer is wrong); 100 or 0. Feedback filled in.
grade grade_true_false(const answer& x);

/// The short-answer rule used when no LLM judgement is available: the score
/// is the share of expected keywords found (rounded to a whole number),
/// correct from correct_threshold on, graded_by fallback, needs_review set.
/// Feedback filled in and says the grade came from keyword matching.
grade grade_short_answer_by_keywords(const answer& x);

/// Whether the student left the answer blank (nothing but white space).
bool is_blank_answer(const answer& x);

/// The grade of a blank answer of any type: 0, incorrect, graded_by rules;
/// no LLM is asked.
grade grade_blank_answer(const answer& x);

/// The grade of a short answer from an LLM's verdict: its score, correct
/// from correct_threshold on, the keyword matches, graded_by llm, feedback
/// filled in. A score of correct_threshold or more with no expected keyword
/// found is suspicious and sets needs_review.
grade grade_from_judgement(const answer& x, const judged_score& verdict);

/// The grade an answer gets when its scorer could not finish in time: the
/// rules for multiple choice and true/false, the keyword rule for short
/// answers; always graded_by fallback.
grade fallback_grade(const answer& x);

/// The grade of an answer there was no time left to apply even the
/// fallback rules to: score 0, graded_by fallback, needs_review set, and
/// feedback saying so, so that a person grades it.
grade deferred_grade(const answer& x);

} // namespace grader::scoring
