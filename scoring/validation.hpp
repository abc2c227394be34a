#pragma once

#include <string>
#include <vector>

#include "scoring/answer.hpp"
#include "scoring/answer_limits.hpp"

namespace grader::scoring {

/// Every problem that keeps `x` from being scored, one message each, naming
/// the field first (`correct_keywords required for short_answer`,
/// `difficulty must be from 1 to 10, got 42`). Empty when `x` is valid.
///
/// Checked: `user_id` and `question_id` not blank; every text field valid
/// UTF-8; `correct_answer` present for multiple choice and true/false, and a
/// recognised truth value for true/false; `correct_keywords` present for
/// short answers, none blank; `difficulty` 0 (not given) or 1 to 10. A blank
/// `user_answer` is valid: the student left the question empty and scores 0.
///
/// `user_answer`, `correct_answer`, the number of keywords and each keyword
/// must keep within `limits` (`user_answer is 10485760 bytes, over the limit
/// of 20000 (--max-answer-bytes)`); a field over its limit gets no further
/// checks, so a huge field is neither scanned nor quoted in a message.
std::vector<std::string> validate(const answer& x,
                                  const answer_limits& limits = {});

/// All problems of `validate` joined into one line with "; ".
std::string join_problems(const std::vector<std::string>& problems);

} // namespace grader::scoring
