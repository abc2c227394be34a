#pragma once

#include <cstdint>
#include <string>

#include "messages/chat.hpp"
#include "messages/ec.hpp"

namespace grader {

/// The LLM gateway's reply to one chat request.
struct gateway_reply {
  chat_reply reply;
  /// Attempts after the first that this reply took.
  uint32_t retries = 0;
  /// Whether it came from the reply cache or rode along on an identical
  /// call already in flight (no call of its own).
  bool shared = false;

  friend bool operator==(const gateway_reply& x, const gateway_reply& y) {
    return x.reply == y.reply && x.retries == y.retries
           && x.shared == y.shared;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gateway_reply& x) {
  return f(x.reply, x.retries, x.shared);
}

/// The end of one call to the LLM backend, as the I/O side reports it to
/// the gateway actor.
struct llm_call_done {
  uint64_t call_id = 0;
  /// ec::none on success; else the error this call ends with, unless it is
  /// retried.
  ec code = ec::none;
  chat_reply reply;
  /// Whether another attempt may succeed.
  bool retryable = false;
  /// The wait the endpoint asked for before the next attempt.
  uint32_t retry_after_ms = 0;
  /// Whether the endpoint said it is rate limiting (HTTP 429).
  bool rate_limited = false;
  std::string message;

  friend bool operator==(const llm_call_done& x, const llm_call_done& y) {
    return x.call_id == y.call_id && x.code == y.code && x.reply == y.reply
           && x.retryable == y.retryable
           && x.retry_after_ms == y.retry_after_ms
           && x.rate_limited == y.rate_limited && x.message == y.message;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_call_done& x) {
  return f(x.call_id, x.code, x.reply, x.retryable, x.retry_after_ms,
           x.rate_limited, x.message);
}

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
  return f(x.calls, x.retries, x.failures, x.prompt_tokens,
           x.completion_tokens, x.in_flight_high_water, x.cache_hits,
           x.coalesced, x.abandoned);
}

} // namespace grader
