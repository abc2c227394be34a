#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <caf/expected.hpp>

#include "messages/batch_request.hpp"
#include "messages/batch_result.hpp"

namespace grader {

/// Reads the text of a batch file in any of its three forms: an object
/// `{"session_id": ..., "answers": [...]}`, a bare array of answers, or JSON
/// Lines (one answer object per line). An item that is not a well-typed
/// answer does not spoil the batch: it goes under `rejected` with its index
/// and a message naming the field (`difficulty must be an integer, got
/// string`). Only input that cannot be read as a batch at all is an error
/// (`ec::unreadable_input`), whose text says where (`line 3, column 7: ...`).
caf::expected<batch_request> read_batch(std::string_view text);

/// The batch result as pretty-printed JSON in the layout of DESIGN.md
/// (`results`, `failures`, `failed_question_ids`, `batch_stats`, `metrics`).
std::string write_batch_result(const batch_result& x);

// -- JSON Lines ---------------------------------------------------------------

/// One scored answer as a line of JSON Lines output or of a journal: compact
/// JSON without the newline, `{"type":"result", ...}` followed by the fields
/// write_batch_result writes for a result.
std::string write_result_line(const score_result& x);

/// One failed answer as a line: `{"type":"failure", ...}` followed by the
/// fields write_batch_result writes under `failures`.
std::string write_failure_line(const score_failure& x);

/// The last line of JSON Lines output: `{"type":"summary", "session_id",
/// "failed_question_ids", "batch_stats", "metrics"}`.
std::string write_summary_line(const batch_result& x);

/// One line of a JSON Lines output or journal.
using outcome_line = std::variant<score_result, score_failure>;

/// Reads a line written by write_result_line or write_failure_line back into
/// the value written (a result's `usage` is not written and reads as zero).
/// Anything else is an `ec::unreadable_input` error saying what is wrong
/// (`score must be an integer, got string`).
caf::expected<outcome_line> read_outcome_line(std::string_view line);

/// Reads an earlier output back, as write_batch_result wrote it or as JSON
/// Lines (result and failure lines plus one summary line), so that its
/// failures can be scored again. Results and failures come back in index
/// order. Text that is neither is an `ec::unreadable_input` error saying
/// where (`line 4: error.code 'oops' is unknown`).
caf::expected<batch_result> read_batch_result(std::string_view text);

} // namespace grader
