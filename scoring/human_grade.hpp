#pragma once

#include <cstdint>
#include <optional>

namespace grader::scoring {

/// What a person graded an answer, as a labelled batch carries it
/// (`human_score`, `human_correct`) for `grader calibrate`. It is only ever
/// read: nothing grader writes takes its place.
struct human_grade {
  /// From 0 to 100.
  std::optional<int32_t> score;
  /// The person's own call; when absent, a score of 80 or more.
  std::optional<bool> correct;

  /// Whether the person graded the answer at all.
  bool given() const {
    return score.has_value() || correct.has_value();
  }
};

} // namespace grader::scoring
