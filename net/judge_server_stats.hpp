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
  /// Requests read and not yet answered (a hung one until its connection
  /// closes).
  uint64_t in_flight = 0;
  /// The most requests in flight at once so far: the concurrency a client
  /// really reached.
  uint64_t most_in_flight = 0;
  /// Requests refused for their response_format (see
  /// judge_server_options::refused_formats).
  uint64_t format_refusals = 0;
};

} // namespace grader::net
