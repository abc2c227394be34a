#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "scoring/call_limits.hpp"
#include "scoring/rate_window.hpp"

namespace grader::scoring {

/// The calls of each group (the batches that share one call_limits, as the
/// chunks of a remote client's batch do on a node) kept within that
/// group's limits, beside the gateway's own for every call. Group 0 and
/// groups without limits hold nothing back. It reads no clock: callers pass
/// `now`.
class call_groups {
public:
  using clock = std::chrono::steady_clock;

  /// Rates count over `window` (a minute, as providers count).
  explicit call_groups(clock::duration window) : window_(window) {
  }

  /// The group's limits from now on; no limit at all forgets the group once
  /// its calls in flight have ended. Calls already in flight count against
  /// changed limits.
  void set_limits(uint64_t group, call_limits limits);

  /// When a call of `group` estimated at `tokens` may start: `now` if it
  /// may, `clock::time_point::max()` while the group's in-flight limit is
  /// reached (a call of the group ending frees it), else when its rates
  /// allow it.
  clock::time_point next_start(uint64_t group, uint64_t tokens,
                               clock::time_point now);

  /// A call of `group` estimated at `tokens` started at `now`.
  void started(uint64_t group, uint64_t tokens, clock::time_point now);

  /// A call of `group` that started ended, whatever its outcome.
  void finished(uint64_t group);

  /// The groups kept.
  size_t size() const noexcept {
    return groups_.size();
  }

private:
  struct group {
    call_limits limits;
    rate_window rates;
    size_t in_flight = 0;
  };

  clock::duration window_;
  std::unordered_map<uint64_t, group> groups_;
};

} // namespace grader::scoring
