#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace grader::scoring {

/// An LLM's verdict on a short answer.
struct judged_score {
  /// From 0 to 100.
  int32_t score = 0;
  std::string reasoning;

  friend bool operator==(const judged_score& x, const judged_score& y) {
    return x.score == y.score && x.reasoning == y.reasoning;
  }
};

/// The outcome of reading a score reply: a verdict, or why there is none.
struct score_reply {
  std::optional<judged_score> verdict;
  /// Says what was wrong when `verdict` is empty.
  std::string error;
};

/// Reads the content of a score reply strictly: the first JSON object in
/// `content` (models like to wrap it in prose or a ```json fence) must have
/// a numeric `score` (an integer, or a number that is rounded), which is
/// clamped to 0-100; `reasoning` is optional text. Anything else (no
/// object, broken JSON, a missing or non-numeric score, NaN) is an error
/// naming what was wrong.
score_reply parse_score_reply(std::string_view content);

} // namespace grader::scoring
