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

  friend bool operator==(const gateway_reply& x, const gateway_reply& y) {
    return x.reply == y.reply && x.retries == y.retries && x.shared == y.shared;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gateway_reply& x) {
  return f(x.reply, x.retries, x.shared);
}

} // namespace grader
