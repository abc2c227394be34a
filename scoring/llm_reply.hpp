#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/rubric.hpp"

namespace grader::scoring {

/// An LLM's verdict on a short answer.
struct judged_score {
  /// From 0 to 100.
  int32_t score = 0;
  std::string reasoning;
  /// With a rubric, the points given each criterion; `score` is their
  /// scaled sum.
  std::vector<int32_t> rubric_scores;

  friend bool operator==(const judged_score& x, const judged_score& y) {
    return x.score == y.score && x.reasoning == y.reasoning
           && x.rubric_scores == y.rubric_scores;
  }
};

/// The outcome of reading a score reply: a verdict, or why there is none.
struct score_reply {
  std::optional<judged_score> verdict;
  /// Says what was wrong when `verdict` is empty.
  std::string error;
  /// Set when the reply held several objects with different scores, as when
  /// the model quotes a student's own `{"score": 100}` before or after its
  /// verdict: `verdict` is the best guess, but a person should check it, so
  /// the grade made from it needs review.
  bool ambiguous = false;
};

/// Reads the content of a score reply strictly. The verdict is a JSON
/// object with a numeric `score` (an integer, or a number that is rounded),
/// clamped to 0-100, and an optional `reasoning` text. A reply that is one
/// object alone (white space and a ```json fence around it allowed) is that
/// verdict, whatever its strings quote. Otherwise, since models wrap the
/// object in prose, the verdict is the last top-level object there with a
/// numeric `score` and a `reasoning`, or failing that the last with a
/// numeric `score`; objects nested in another are never verdicts. When the
/// objects with a score disagree, the reply is `ambiguous`. No object,
/// broken JSON, a missing or non-numeric score or NaN is an error naming
/// what was wrong.
///
/// With a `rubric`, a verdict holds `rubric_scores` instead of `score`: a
/// number per criterion, in order, each clamped to its points; the score
/// is their sum over the rubric's total, scaled to 0-100 (rubric_score).
score_reply
parse_score_reply(std::string_view content,
                  const std::vector<rubric_criterion>* rubric = nullptr);

} // namespace grader::scoring
