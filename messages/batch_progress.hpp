#pragma once

#include <cstdint>
#include <string>

#include "messages/answer_outcome.hpp"

namespace grader {

/// Sent to each of a batch's progress listeners every time one of its
/// answers is settled: the counts so far and the outcome itself, so that a
/// listener can draw a progress line or journal every outcome as it happens.
struct batch_progress {
  std::string session_id;
  /// Items in the batch request (answers and rejected items).
  uint64_t total = 0;
  /// Items settled so far, this one included.
  uint64_t settled = 0;
  uint64_t failed = 0;
  /// Scored answers graded by a fallback rule.
  uint64_t fallbacks = 0;
  answer_outcome outcome;

  friend bool operator==(const batch_progress& x, const batch_progress& y) {
    return x.session_id == y.session_id && x.total == y.total
           && x.settled == y.settled && x.failed == y.failed
           && x.fallbacks == y.fallbacks && x.outcome == y.outcome;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_progress& x) {
  return f(x.session_id, x.total, x.settled, x.failed, x.fallbacks, x.outcome);
}

} // namespace grader
