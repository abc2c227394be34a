#pragma once

// The batch result as JSON: the document `grader score` writes, and the
// summary line that ends its JSON Lines output. The writer and the reader
// of each stand side by side.

#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "messages/batch_result.hpp"

namespace grader {

/// The batch result as pretty-printed JSON in the layout of DESIGN.md
/// (`results`, `failures`, `failed_question_ids`, `batch_stats`, `metrics`).
std::string write_batch_result(const batch_result& x);

/// The last line of JSON Lines output: `{"type":"summary", "session_id",
/// "failed_question_ids", "batch_stats", "metrics"}`.
std::string write_summary_line(const batch_result& x);

/// Reads an earlier output back, as write_batch_result wrote it or as JSON
/// Lines (outcome lines plus one summary line), so that its failures can be
/// scored again. Results and failures come back in index order. Values are
/// checked as read_outcome_line checks them, and the output must agree with
/// its own `batch_stats`: counts that add up, every index below
/// `total_count` once. Text that is neither is an `ec::unreadable_input`
/// error saying where (`line 4: error.code 'oops' is unknown`).
caf::expected<batch_result> read_batch_result(std::string_view text);

} // namespace grader
