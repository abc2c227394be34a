#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace grader::scoring {

/// Stops calls to an endpoint that keeps failing: once `threshold`
/// different calls failed transiently in a row the circuit opens, and no
/// call should start until `cooldown` has passed; then it closes again.
/// The retries of one call count once: a few poisoned requests failing
/// again and again say nothing about the endpoint. It reads no clock, so
/// callers pass `now`, and it reports each opening and closing so that the
/// caller can log it.
class circuit_breaker {
public:
  using clock = std::chrono::steady_clock;

  /// A `threshold` of 0 opens the circuit on every transient failure.
  circuit_breaker(uint32_t threshold, clock::duration cooldown);

  /// A call succeeded: the run of failures ends.
  void record_success() noexcept {
    failing_calls_.clear();
  }

  /// Call `call_id` failed transiently at `now`. Returns whether this
  /// failure opened the circuit (or, already open, kept it open for
  /// longer); the run of failures then starts anew.
  bool record_failure(clock::time_point now, uint64_t call_id);

  /// Whether no call should start at `now`.
  bool is_open(clock::time_point now) const noexcept {
    return now < open_until_;
  }

  /// When calls may start again; in the past when the circuit is closed.
  clock::time_point open_until() const noexcept {
    return open_until_;
  }

  /// Returns true once for each opening, at the first `now` past its
  /// cool-down: the circuit closed.
  bool close_if_due(clock::time_point now) noexcept;

  /// The transient failures in a row that open the circuit.
  uint32_t threshold() const noexcept {
    return threshold_;
  }

  /// How long the circuit stays open.
  clock::duration cooldown() const noexcept {
    return cooldown_;
  }

private:
  uint32_t threshold_;
  clock::duration cooldown_;
  /// The different calls that failed since the last success.
  std::vector<uint64_t> failing_calls_;
  /// Whether an opening waits to be reported closed.
  bool opened_ = false;
  clock::time_point open_until_;
};

} // namespace grader::scoring
