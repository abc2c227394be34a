#pragma once

#include <cstdint>
#include <string>

#include "messages/score_failure.hpp"
#include "messages/score_result.hpp"

namespace grader {

/// Sent to a batch's progress listener each time one of its answers is
/// settled: the counts so far and the answer itself, so that a listener can
/// draw a progress line or journal every outcome as it happens.
struct batch_progress {
  std::string session_id;
  /// Answers in the batch.
  uint64_t total = 0;
  /// Answers settled so far, this one included.
  uint64_t settled = 0;
  uint64_t failed = 0;
  /// Scored answers graded by a fallback rule.
  uint64_t fallbacks = 0;
  /// Whether this answer was scored (`result`) or failed (`failure`).
  bool scored = false;
  score_result result;
  score_failure failure;

  friend bool operator==(const batch_progress& x, const batch_progress& y) {
    return x.session_id == y.session_id && x.total == y.total
           && x.settled == y.settled && x.failed == y.failed
           && x.fallbacks == y.fallbacks && x.scored == y.scored
           && x.result == y.result && x.failure == y.failure;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_progress& x) {
  return f(x.session_id, x.total, x.settled, x.failed, x.fallbacks, x.scored,
           x.result, x.failure);
}

} // namespace grader
