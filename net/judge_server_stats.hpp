#pragma once

#include <cstdint>

namespace grader::net {

/// Counters of what the server saw, kept by judge_handler and shown at
/// `GET /stats`.
struct judge_server_stats {
  /// Connections the server accepted.
  uint64_t connections_accepted = 0;
  /// Requests received, malformed and refused ones too.
  uint64_t requests = 0;
  /// chat-completions requests answered with a 200.
  uint64_t completions = 0;
};

} // namespace grader::net
