#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "messages/answer.hpp"
#include "messages/batch_request.hpp"

namespace grader::app {

/// A generated batch for `grader bench`: `count` answers of one kind
/// (short_answer, or else multiple_choice), the same for the same
/// arguments. Short answers cycle through a few real
/// ones (as in examples/mixed.json), each copy with a distinct suffix
/// naming `tag` and its position, so that no two are alike and the reply
/// cache cannot answer for the judge: every short answer costs two LLM
/// calls, a score and an explanation. Multiple-choice answers cycle
/// through twelve questions and four choices.
batch_request bench_batch(question_type type, size_t count,
                          const std::string& tag);

/// A batch of `count` answers for the fault scenario: the first half short
/// answers, the second multiple choice. Every `every`-th short answer
/// carries a `[[fault:KIND]]` directive, each fault kind of `grader judge
/// --faults` that one answer can trigger alone in turn (not 401, which
/// refuses every call); the other short answers are healthy.
batch_request faulty_bench_batch(size_t count, size_t every);

/// `batch` as the JSON document `grader score` reads
/// (`{"session_id": ..., "answers": [...]}`).
std::string bench_batch_json(const batch_request& batch);

} // namespace grader::app
