#pragma once

#include <cstdint>
#include <memory>

#include "net/judge_server_options.hpp"
#include "net/judge_server_stats.hpp"

namespace grader::net {

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
