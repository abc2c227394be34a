#pragma once

// The batch result as JSON: the document `grader score` writes, and the
// summary line that ends its JSON Lines output. The writer and the reader
// of each stand side by side.

#include <functional>
#include <string>
#include <string_view>

#include <caf/expected.hpp>

#include "messages/batch_result.hpp"

namespace grader {

/// The two forms of output: the document, and JSON Lines.
enum class output_format {
  /// One pretty-printed document in the layout of DESIGN.md (`results`,
  /// `failures`, `failed_question_ids`, `batch_stats`, `metrics`).
  json,
  /// One line per outcome in index order, results first, then the summary
  /// line.
  jsonl,
};

/// Takes the pieces of an output in order; returns false to stop writing
/// (the file or pipe cannot take more).
using text_sink = std::function<bool(std::string_view)>;

/// Writes the batch result in `format` to `sink`, each form ending with a
/// newline, in pieces of about 64 KiB: an output of 100,000 results is never
/// held whole, as a document or as one string. Returns false when the sink
/// refused a piece.
bool write_batch_output(const batch_result& x, output_format format,
                        const text_sink& sink);

/// The document of output_format::json as one string.
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
