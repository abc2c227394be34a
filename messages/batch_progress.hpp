#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

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

/// The counts of a batch's progress events, kept by whoever settles its
/// answers (a coordinator, a distributor).
struct progress_counts {
  uint64_t settled = 0;
  uint64_t failed = 0;
  uint64_t fallbacks = 0;

  /// Counts one more settled item in.
  void count(const answer_outcome& x) {
    ++settled;
    if (const auto* result = std::get_if<score_result>(&x)) {
      if (result->verdict.by == graded_by::fallback)
        ++fallbacks;
    } else {
      ++failed;
    }
  }

  /// The event telling of `x`, the last item counted, in a batch of
  /// `total` items.
  batch_progress event(std::string session_id, uint64_t total,
                       answer_outcome x) const {
    return {std::move(session_id), total, settled, failed, fallbacks,
            std::move(x)};
  }
};

} // namespace grader
