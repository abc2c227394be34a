#pragma once

#include <cstdint>
#include <string>

#include "messages/chat.hpp"
#include "messages/ec.hpp"

namespace grader {

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
  /// Whether the endpoint refused the request's response_format.
  bool format_refused = false;
  std::string message;

  friend bool operator==(const llm_call_done& x, const llm_call_done& y) {
    return x.call_id == y.call_id && x.code == y.code && x.reply == y.reply
           && x.retryable == y.retryable && x.retry_after_ms == y.retry_after_ms
           && x.rate_limited == y.rate_limited
           && x.format_refused == y.format_refused && x.message == y.message;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_call_done& x) {
  return f(x.call_id, x.code, x.reply, x.retryable, x.retry_after_ms,
           x.rate_limited, x.format_refused, x.message);
}

} // namespace grader
