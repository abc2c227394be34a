#pragma once

// One outcome (a result or a failure) as JSON: the object the batch result
// document lists, and the line of JSON Lines output and of a journal. The
// writer and the reader of each stand side by side.

#include <string>
#include <string_view>

#include <caf/expected.hpp>
#include <nlohmann/json.hpp>

#include "messages/answer_outcome.hpp"

namespace grader {

/// One outcome as a line of JSON Lines output or of a journal: compact JSON
/// without the newline, `{"type":"result", ...}` or `{"type":"failure",
/// ...}` followed by the fields the batch result document has for it.
std::string write_outcome_line(const answer_outcome& x);

/// Reads a line written by write_outcome_line back into the value written
/// (a result's `usage` is not written and reads as zero). Every value must
/// be one grader writes: a score of 0..100, a known `graded_by` and error
/// code, a `graded_at` time, valid UTF-8, no key twice. Anything else is an
/// `ec::unreadable_input` error saying what is wrong (`score must be an
/// integer, got string`, `score must be 0..100, got 12345`).
caf::expected<answer_outcome> read_outcome_line(std::string_view line);

/// Whether `line` holds one JSON value and nothing else, whatever its
/// fields: a line cut short by a crash does not, a line with a wrong value
/// does.
bool is_one_json_value(std::string_view line);

} // namespace grader

namespace grader::scoring {
class json_text;
} // namespace grader::scoring

namespace grader::detail {

class fields;
using scoring::json_text;

/// Writes the fields of a result (`results[i]` of the document, and a
/// result line after its `type`) into the object `out` is in.
void write_fields(json_text& out, const score_result& x);

/// Reads back what write_fields wrote for a result; throws field_error.
score_result read_result(const fields& in);

/// Writes the fields of a failure (`failures[i]` of the document, and a
/// failure line after its `type`).
void write_fields(json_text& out, const score_failure& x);

/// Reads back what write_fields wrote for a failure; throws field_error.
score_failure read_failure(const fields& in);

/// Appends write_outcome_line's line to `out` (without a newline): for an
/// output of many lines, with no string per line.
void append_outcome_line(std::string& out, const answer_outcome& x);

/// Reads a result or failure line by its `type`; throws field_error.
answer_outcome read_outcome(const fields& line);

} // namespace grader::detail
