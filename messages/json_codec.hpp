#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <caf/expected.hpp>

#include "messages/batch_reader.hpp"
#include "messages/batch_request.hpp"
#include "messages/batch_result.hpp"

namespace grader {

// read_batch, the reader of batch files, lives in messages/batch_reader.hpp
// (included above).

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
/// Every value must be one grader writes: a score of 0..100, a known
/// `graded_by` and error code, a `graded_at` time, valid UTF-8, no key twice.
/// Anything else is an `ec::unreadable_input` error saying what is wrong
/// (`score must be an integer, got string`, `score must be 0..100, got
/// 12345`).
caf::expected<outcome_line> read_outcome_line(std::string_view line);

/// Whether `line` holds one JSON value and nothing else, whatever its
/// fields: a line cut short by a crash does not, a line with a wrong value
/// does.
bool is_one_json_value(std::string_view line);

/// Reads an earlier output back, as write_batch_result wrote it or as JSON
/// Lines (result and failure lines plus one summary line), so that its
/// failures can be scored again. Results and failures come back in index
/// order. Values are checked as read_outcome_line checks them, and the
/// output must agree with its own `batch_stats`: counts that add up, every
/// index below `total_count` once. Text that is neither is an
/// `ec::unreadable_input` error saying where (`line 4: error.code 'oops' is
/// unknown`).
caf::expected<batch_result> read_batch_result(std::string_view text);

} // namespace grader
