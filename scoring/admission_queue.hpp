#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "scoring/call_place.hpp"

namespace grader::scoring {

/// The LLM calls waiting to start, by id, and the in-flight limit they
/// start under. Calls leave by their call_place: interactive batches before
/// bulk ones, then the batches in turn (round-robin, so that a small batch
/// is not stuck behind a big one on the same gateway), then within a batch
/// the oldest ticket first, a retry ahead of new calls at the same place.
/// The limit follows AIMD, as TCP does for congestion: it is cut in half on
/// a 429 (the call that got it waits out its Retry-After alone; see
/// llm_gateway) and
/// grows back by one per success and one per second, up to
/// `max_in_flight`. It reads no clock:
/// callers pass `now`.
class admission_queue {
public:
  using clock = std::chrono::steady_clock;

  /// `max_in_flight` of 0 counts as 1.
  explicit admission_queue(uint32_t max_in_flight);

  // -- the calls waiting ----------------------------------------------------

  /// A new call waits at `place`, behind the calls already there.
  void push(uint64_t id, call_place place = {});

  /// A call back for another attempt waits at `place` (its answer's, kept),
  /// ahead of every new call at that place.
  void requeue(uint64_t id, call_place place = {});

  /// Says whether a call may start now, for the limits of its own that the
  /// queue does not know (see call_groups).
  using start_check = std::function<bool(uint64_t id)>;

  /// The call that starts next if the in-flight limit has room for it,
  /// else nullopt. A batch whose first call `may_start` holds back is
  /// passed over for this turn. The call stays queued: the caller may
  /// still hold it back for the rate window or an open circuit.
  std::optional<uint64_t> next(const start_check& may_start = {}) const;

  /// Takes call `id`, one `next` returned, out of the queue, counts it in
  /// flight, passes the turn to the next batch and returns `id`.
  uint64_t pop(uint64_t id);

  /// Takes the call `next()` returns (there must be one) out, as `pop(id)`.
  uint64_t pop() {
    return pop(*next());
  }

  /// Takes call `id` out of the queue; returns whether it was there.
  bool remove(uint64_t id);

  /// Takes every waiting call out, starting none: for failing them all at
  /// once.
  std::vector<uint64_t> drain();

  /// The calls waiting.
  size_t size() const noexcept {
    return where_.size();
  }

  bool empty() const noexcept {
    return where_.empty();
  }

  // -- the calls in flight --------------------------------------------------

  /// A call in flight ended, whatever its outcome.
  void finish() noexcept;

  /// A call succeeded: the limit grows by one, up to `max_in_flight`.
  void record_success() noexcept;

  /// Time passed to `now`: the limit also grows by one per second since the
  /// last 429 or growth, so that a limit cut while every call waits out a
  /// pause (no successes to grow it) is back when the pause ends.
  void record_time(clock::time_point now) noexcept;

  /// The endpoint said it is overloaded (a 429) at `now`: the limit is cut
  /// in half.
  void record_rate_limited(clock::time_point now) noexcept;

  /// Calls in flight.
  size_t in_flight() const noexcept {
    return in_flight_;
  }

  /// The in-flight limit in force.
  uint32_t limit() const noexcept {
    return static_cast<uint32_t>(limit_);
  }

private:
  /// Orders the calls of one batch: oldest ticket, then retries before new
  /// calls, then arrival.
  struct order {
    uint64_t ticket;
    bool fresh;
    uint64_t arrival;

    friend bool operator<(const order& x, const order& y) {
      return std::tie(x.ticket, x.fresh, x.arrival)
             < std::tie(y.ticket, y.fresh, y.arrival);
    }
  };

  /// The calls of one priority: per batch in order, and the batches with
  /// calls waiting in the order of their turns.
  struct tier {
    std::map<uint64_t, std::map<order, uint64_t>> batches;
    std::deque<uint64_t> turns;
  };

  /// Where a waiting call is.
  struct position {
    size_t tier;
    uint64_t batch;
    order key;
  };

  void enqueue(uint64_t id, call_place place, bool fresh);

  void erase(const position& at);

  uint32_t max_in_flight_;
  /// Kept as a double so that halving and growing stay exact.
  double limit_;
  size_t in_flight_ = 0;
  /// When the limit last shrank or grew with time.
  clock::time_point last_change_;
  /// Interactive, then bulk.
  tier tiers_[2];
  std::unordered_map<uint64_t, position> where_;
  uint64_t arrivals_ = 0;
};

} // namespace grader::scoring
