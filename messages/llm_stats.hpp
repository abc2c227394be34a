#pragma once

#include <cstdint>

namespace grader {

/// The gateway's counters since it started.
struct llm_stats {
  uint64_t calls = 0;
  uint64_t retries = 0;
  /// Requests that ended in an error.
  uint64_t failures = 0;
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;
  /// Most calls in flight at once.
  uint64_t in_flight_high_water = 0;
  /// Requests answered from the reply cache.
  uint64_t cache_hits = 0;
  /// Requests that joined an identical call in flight.
  uint64_t coalesced = 0;
  /// Waiting calls dropped because everyone who asked is gone (a batch
  /// cancelled or past its deadline).
  uint64_t abandoned = 0;

  friend bool operator==(const llm_stats& x, const llm_stats& y) {
    return x.calls == y.calls && x.retries == y.retries
           && x.failures == y.failures && x.prompt_tokens == y.prompt_tokens
           && x.completion_tokens == y.completion_tokens
           && x.in_flight_high_water == y.in_flight_high_water
           && x.cache_hits == y.cache_hits && x.coalesced == y.coalesced
           && x.abandoned == y.abandoned;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_stats& x) {
  return f(x.calls, x.retries, x.failures, x.prompt_tokens, x.completion_tokens,
           x.in_flight_high_water, x.cache_hits, x.coalesced, x.abandoned);
}

} // namespace grader
