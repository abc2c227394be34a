#pragma once

#include <cstdint>
#include <string_view>

#include <caf/expected.hpp>

#include <vector>

#include "messages/batch_request.hpp"
#include "scoring/human_grade.hpp"

namespace grader {

/// The human grades of a batch's items, by index; an item read after the
/// last one with a grade may lie beyond its end.
using human_grades = std::vector<scoring::human_grade>;

/// The most items read_batch takes by default: ten times the largest
/// nightly batch the platform runs.
constexpr uint64_t default_max_answers = 1'000'000;

/// Reads the text of a batch file in any of its three forms: an object
/// `{"session_id": ..., "answers": [...]}`, a bare array of answers, or JSON
/// Lines (one answer object per line). The first value decides the form: an
/// array or an object with `answers` is the whole batch, and any text after
/// it is an error; an answer object on a line of its own followed by more
/// lines starts JSON Lines.
///
/// An item that is not a well-typed answer does not spoil the batch: it goes
/// under `rejected` with its index and a message naming the field
/// (`difficulty must be an integer, got string`, `user_id is given twice`,
/// `difficulty is out of range: 1e400`, `user_answer is not valid UTF-8`).
/// So does a line of JSON Lines that is not JSON (`line 3 is not valid
/// JSON: column 7: ...`). Only input that cannot be read as a batch at all
/// is an error (`ec::unreadable_input`), whose text says where (`line 3,
/// column 7: ...`): a syntax error or NUL byte in the document, a bad value
/// outside the answers, text after the document.
///
/// A batch of more than `max_answers` items is an error too (`more than
/// 1000000 answers (--max-answers)`): every item, even one that is only a
/// `0`, becomes an answer or a rejected entry, so their number bounds what
/// the batch holds in memory.
///
/// With `grades`, the human grade of every item (`human_score`,
/// `human_correct`) goes there at the item's index, for `grader calibrate`;
/// a bad one rejects its item (`human_score must be an integer from 0 to
/// 100, got 150`). Without, the two fields are ignored.
caf::expected<batch_request>
read_batch(std::string_view text, uint64_t max_answers = default_max_answers,
           human_grades* grades = nullptr);

} // namespace grader
