#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace grader::scoring {

/// The LLM calls waiting to start, by id, and the in-flight limit they
/// start under. The limit follows AIMD, as TCP does for congestion: it is
/// cut in half on a 429 (when admission also pauses for the endpoint's
/// Retry-After) and grows back by one per success, up to `max_in_flight`.
/// Calls leave oldest first, a retry ahead of calls not yet started. It
/// reads no clock: callers pass `now`, and
/// wait for `paused_until()` themselves.
class admission_queue {
public:
  using clock = std::chrono::steady_clock;

  /// `max_in_flight` of 0 counts as 1.
  explicit admission_queue(uint32_t max_in_flight);

  // -- the calls waiting ----------------------------------------------------

  /// A new call joins the back of the queue.
  void push(uint64_t id);

  /// A call back for another attempt goes ahead of every call not yet
  /// started, being older than them.
  void requeue(uint64_t id);

  /// The call that starts next if the in-flight limit has room for it,
  /// else nullopt. It stays queued: the caller may still hold it back
  /// until `paused_until()`, or for the rate window or an open circuit.
  std::optional<uint64_t> next() const;

  /// Takes the call `next` returned out of the queue, counts it in flight
  /// and returns its id.
  uint64_t pop();

  /// Takes call `id` out of the queue; returns whether it was there.
  bool remove(uint64_t id);

  /// Takes every waiting call out, oldest first, starting none: for failing
  /// them all at once.
  std::vector<uint64_t> drain();

  /// The calls waiting.
  size_t size() const noexcept {
    return waiting_.size();
  }

  bool empty() const noexcept {
    return waiting_.empty();
  }

  // -- the calls in flight --------------------------------------------------

  /// A call in flight ended, whatever its outcome.
  void finish() noexcept;

  /// A call succeeded: the limit grows by one, up to `max_in_flight`.
  void record_success() noexcept;

  /// The endpoint said it is overloaded (a 429) at `now`: the limit is cut
  /// in half, and no call starts before `now + retry_after`.
  void record_rate_limited(clock::time_point now,
                           std::chrono::milliseconds retry_after) noexcept;

  /// Calls in flight.
  size_t in_flight() const noexcept {
    return in_flight_;
  }

  /// The in-flight limit in force.
  uint32_t limit() const noexcept {
    return static_cast<uint32_t>(limit_);
  }

  /// No call starts before this (a Retry-After for everyone).
  clock::time_point paused_until() const noexcept {
    return paused_until_;
  }

private:
  uint32_t max_in_flight_;
  /// Kept as a double so that halving and growing stay exact.
  double limit_;
  size_t in_flight_ = 0;
  clock::time_point paused_until_;
  /// Oldest first.
  std::deque<uint64_t> waiting_;
};

} // namespace grader::scoring
