#pragma once

#include <cstddef>

namespace grader::scoring {

/// Upper bounds on the size of one answer, checked by validate before
/// anything is scored. Every byte of an answer goes into an LLM prompt and
/// through keyword matching, so without bounds one pasted 10 MB answer
/// sends millions of prompt tokens to a paid API. The defaults suit short
/// answers; a deployment that grades essays raises them. Each field names
/// the command-line option that sets it, which validate's messages cite.
struct answer_limits {
  /// The most bytes of `user_answer` (`--max-answer-bytes`). 20,000 bytes
  /// hold about 3,000 English words or 6,600 Korean or Chinese characters,
  /// several times the longest short answer a student writes by hand, and
  /// cost at most a few thousand prompt tokens per call.
  size_t max_answer_bytes = 20000;
  /// The most entries of `correct_keywords` (`--max-keywords`). A rubric
  /// names a handful; 100 leaves room for synonyms and translations.
  size_t max_keywords = 100;
  /// The most bytes of one keyword (`--max-keyword-bytes`): a keyword is a
  /// term or a short phrase, and 200 bytes is 66 Korean characters.
  size_t max_keyword_bytes = 200;
  /// The most bytes of `correct_answer` (`--max-correct-answer-bytes`): a
  /// choice or a truth value, or a model answer quoted in the explanation
  /// prompt, which 2,000 bytes leaves room for.
  size_t max_correct_answer_bytes = 2000;
};

} // namespace grader::scoring
