#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <utility>

namespace grader::scoring {

/// The requests-per-window and tokens-per-window limits of an LLM endpoint,
/// counted over a sliding window (a minute, as providers count). It decides
/// when the next call may start; it reads no clock, so callers pass `now`.
class rate_window {
public:
  using clock = std::chrono::steady_clock;

  /// A limit of 0 means no limit; with both 0 the window admits everything
  /// and remembers nothing.
  rate_window(uint32_t requests_per_window, uint32_t tokens_per_window,
              clock::duration window);

  /// When a call of `tokens` estimated tokens may start: `now` when the
  /// limits do not hold it back. A single call larger than the whole token
  /// limit goes alone rather than never.
  clock::time_point next_start(uint64_t tokens, clock::time_point now);

  /// Whether a call of `tokens` estimated tokens may start at `now`.
  bool admits(uint64_t tokens, clock::time_point now) {
    return next_start(tokens, now) <= now;
  }

  /// Other limits from now on; the calls of the window so far count
  /// against them.
  void set_limits(uint32_t requests_per_window,
                  uint32_t tokens_per_window) noexcept {
    requests_per_window_ = requests_per_window;
    tokens_per_window_ = tokens_per_window;
  }

  /// Counts a call of `tokens` estimated tokens that started at `now`.
  void record(uint64_t tokens, clock::time_point now);

  /// The calls it remembers; never more than started within one window.
  size_t size() const noexcept {
    return recent_.size();
  }

private:
  bool limited() const noexcept {
    return requests_per_window_ > 0 || tokens_per_window_ > 0;
  }

  /// Drops the calls that left the window.
  void forget_old_calls(clock::time_point now);

  uint32_t requests_per_window_;
  uint32_t tokens_per_window_;
  clock::duration window_;
  /// Start times and estimated tokens of the calls in the window, oldest
  /// first.
  std::deque<std::pair<clock::time_point, uint64_t>> recent_;
};

} // namespace grader::scoring
