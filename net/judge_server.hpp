#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace grader::net {

struct judge_server_options {
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

/// Counters of what the server saw.
struct judge_server_stats {
  uint64_t connections_accepted = 0;
  uint64_t requests = 0;
  /// chat-completions requests answered with a 200.
  uint64_t completions = 0;
};

/// The built-in judge as an HTTP server speaking the OpenAI chat-completions
/// protocol (`POST /v1/chat/completions`, also `/chat/completions`), on
/// Beast, serving many keep-alive connections at once. `GET /stats` returns
/// the counters as JSON, `GET /health` "ok". A request that is not HTTP/1.1
/// gets a 400, one whose header exceeds 8 KiB a 431, one whose body exceeds
/// `max_body_bytes` a 413, and then the connection closes. When it cannot
/// accept a connection (out of file descriptors, say), it tries again after
/// a pause instead of at once.
///
/// With `faults` on, a directive in the request's messages makes the judge
/// misbehave on purpose, for tests: `[[fault:KIND]]`, or `[[fault:KIND*N]]`
/// to misbehave only the first N times it sees that same request body.
/// KIND is one of `hang` (never reply), `slow` (reply after 1 s more),
/// `429` (status 429 with `Retry-After: 1`), `500`, `503`, `401`,
/// `malformed_body` (a 200 whose body is not JSON), `malformed_content` (a
/// 200 whose content is not a score object), `out_of_range` (score 150),
/// `reset` (close the connection without a response). Without `faults`,
/// directives are ordinary text: no student answer can trigger a fault.
class judge_server {
public:
  /// Binds and starts serving. Throws std::runtime_error naming the address
  /// and reason when it cannot bind or load the TLS files.
  explicit judge_server(judge_server_options options);

  /// Stops serving and joins its threads.
  ~judge_server();

  judge_server(const judge_server&) = delete;
  judge_server& operator=(const judge_server&) = delete;

  /// The port it listens on.
  uint16_t port() const;

  judge_server_stats stats() const;

  /// Blocks until stop() is called (from another thread or a signal
  /// handler's helper thread).
  void wait();

  /// Stops accepting and closes all connections; safe from any thread.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace grader::net
