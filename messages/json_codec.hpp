#pragma once

#include <string>
#include <string_view>

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

} // namespace grader
