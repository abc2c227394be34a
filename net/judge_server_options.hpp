#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scoring/structured_output.hpp"

namespace grader::net {

/// How a judge_server listens and how its judge behaves; judge_handler
/// reads the judge's part (latency, jitter, faults, api_key).
struct judge_server_options {
  /// The address to listen on.
  std::string host = "127.0.0.1";
  /// 0 picks a free port; read it back with judge_server::port().
  uint16_t port = 0;
  /// Added to every reply, to stand in for a model's thinking time.
  std::chrono::milliseconds latency{0};
  /// A random extra delay from 0 to this, on top of `latency`.
  std::chrono::milliseconds jitter{0};
  /// PEM certificate and key: both set means HTTPS.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// Whether fault directives in a request are obeyed (see judge_server).
  bool faults = false;
  /// The response_formats refused with a 400 naming the field, as by an
  /// endpoint without structured outputs: a client's step down is tested
  /// against it.
  std::vector<scoring::response_format> refused_formats;
  /// When set, chat-completions requests must carry
  /// `Authorization: Bearer <api_key>`, else they get a 401, as with a real
  /// provider.
  std::string api_key;
  /// Threads serving connections.
  size_t threads = 1;
  /// Threads grading requests, apart from those serving connections, so
  /// that a big or slow request delays no other connection: it waits only
  /// when this many requests are being graded at once.
  size_t grading_threads = 2;
  /// Largest request body accepted; a larger one gets a 413 and the
  /// connection closes.
  uint64_t max_body_bytes = 1024 * 1024;
};

} // namespace grader::net
