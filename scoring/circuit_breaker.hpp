#pragma once

#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

namespace grader::scoring {

/// Stops calls to an endpoint that keeps failing: once calls of
/// `threshold` different sources (answers) failed transiently in a row the
/// circuit opens, and no call should start until `cooldown` has passed;
/// then it closes again. The failures of one source count once: a few
/// poisoned answers whose calls and retries fail again and again say
/// nothing about the endpoint. It reads no clock, so
/// callers pass `now`, and it reports each opening and closing so that the
/// caller can log it.
class circuit_breaker {
public:
  using clock = std::chrono::steady_clock;
  /// What failed: the gateway names an answer by its batch and ticket.
  using source = std::pair<uint64_t, uint64_t>;

  /// A `threshold` of 0 opens the circuit on every transient failure.
  circuit_breaker(uint32_t threshold, clock::duration cooldown);

  /// A call succeeded: the run of failures ends.
  void record_success() noexcept {
    failing_.clear();
  }

  /// A call of `failed` failed transiently at `now`. Returns whether this
  /// failure opened the circuit (or, already open, kept it open for
  /// longer); the run of failures then starts anew.
  bool record_failure(clock::time_point now, source failed);

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
  /// The different sources that failed since the last success.
  std::vector<source> failing_;
  /// Whether an opening waits to be reported closed.
  bool opened_ = false;
  clock::time_point open_until_;
};

} // namespace grader::scoring
