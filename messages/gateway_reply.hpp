#pragma once

#include <cstdint>

#include "messages/chat.hpp"

namespace grader {

/// The LLM gateway's reply to one chat request.
struct gateway_reply {
  chat_reply reply;
  /// Attempts after the first that this reply took.
  uint32_t retries = 0;
  /// Whether it came from the reply cache or rode along on an identical
  /// call already in flight (no call of its own).
  bool shared = false;
  /// The response_format the reply was asked with: weaker than the
  /// request's when the endpoint refused the stronger one.
  response_format format = response_format::text;
  /// Why, when this very call's refusal made the gateway step down (once
  /// per step and endpoint): "the endpoint refused json_schema (...)".
  std::string format_note;

  friend bool operator==(const gateway_reply& x, const gateway_reply& y) {
    return x.reply == y.reply && x.retries == y.retries && x.shared == y.shared
           && x.format == y.format && x.format_note == y.format_note;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gateway_reply& x) {
  return f(x.reply, x.retries, x.shared, x.format, x.format_note);
}

} // namespace grader
