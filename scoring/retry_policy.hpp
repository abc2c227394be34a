#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace grader::scoring {

/// When a transiently failed LLM call gets another attempt, and after what
/// wait: exponential backoff with full jitter, never shorter than the
/// endpoint's Retry-After, within a retry budget of a fifth of all calls so
/// that a failing endpoint draws no retry storm. It keeps no counters of
/// its own; the caller passes them in, with the random source for jitter.
class retry_policy {
public:
  /// `retries` extra attempts per call at most; the backoff doubles from
  /// `base_backoff` per attempt up to `max_backoff`.
  retry_policy(uint32_t retries, std::chrono::milliseconds base_backoff,
               std::chrono::milliseconds max_backoff);

  /// Whether a call that made `attempts` attempts may make another, given
  /// the `calls` and `retries` the gateway has made so far.
  bool may_retry(uint32_t attempts, uint64_t calls,
                 uint64_t retries) const noexcept;

  /// The longest wait before attempt `attempts + 1` (`attempts` >= 1):
  /// `base_backoff * 2^(attempts - 1)`, capped at `max_backoff`.
  std::chrono::milliseconds ceiling(uint32_t attempts) const noexcept;

  /// The wait before attempt `attempts + 1`: drawn from `random` between 0
  /// and `ceiling(attempts)` (full jitter, so that calls failing together do
  /// not retry together), but at least `retry_after`.
  std::chrono::milliseconds backoff(uint32_t attempts,
                                    std::chrono::milliseconds retry_after,
                                    std::minstd_rand& random) const;

  /// The part of an endpoint's Retry-After of `asked` that a retry honours:
  /// at most `call_timeout`, as a call may take no longer. Nothing when
  /// `asked` is longer than `time_left`, the time its answer can still
  /// wait: the call should fail at once, and the answer fall back now,
  /// rather than wait for nothing (`Retry-After: 999999`).
  static std::optional<std::chrono::milliseconds>
  honoured_wait(std::chrono::milliseconds asked,
                std::chrono::milliseconds call_timeout,
                std::chrono::milliseconds time_left) noexcept;

private:
  /// `ceiling` unrounded, the upper end of the jitter.
  double ceiling_ms(uint32_t attempts) const noexcept;

  uint32_t retries_;
  std::chrono::milliseconds base_backoff_;
  std::chrono::milliseconds max_backoff_;
};

} // namespace grader::scoring
