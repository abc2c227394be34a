#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "net/http_response.hpp"

namespace grader::net {

/// One request for http_client::send: where, how, and how long it may take.
struct http_request {
  /// `http://host[:port]/path[?query]` or `https://...` (see parse_url).
  std::string url;
  std::string method = "POST";
  http_headers headers;
  std::string body;
  /// Time for the whole exchange, from taking a connection to the last
  /// byte of the response.
  std::chrono::milliseconds timeout{20'000};
};

/// How an http_client runs: its threads, pool limits and TLS trust.
struct http_client_options {
  /// Threads running the I/O; every exchange is asynchronous, so one or
  /// two serve hundreds of connections.
  size_t io_threads = 1;
  /// Most open connections to one host (scheme, host, port). Requests
  /// beyond it wait, first come first served, for a connection to free up.
  size_t max_connections_per_host = 64;
  /// Largest response body accepted.
  size_t max_response_bytes = default_max_response_bytes;
  /// A PEM file of extra trusted certificates, added to the system store.
  std::string ca_file;
  /// Whether HTTPS checks the server's certificate and host name.
  bool verify_peer = true;
  /// How long an unused pooled connection is kept open.
  std::chrono::milliseconds idle_timeout{30'000};
};

/// Counters for tests and metrics.
struct http_client_stats {
  /// TCP connections opened so far.
  uint64_t connections_opened = 0;
  /// Requests sent over a connection that had served an earlier one.
  uint64_t reused = 0;
  /// Requests resent on a fresh connection because the pooled one turned
  /// out closed by the server while idle (not counted as failures).
  uint64_t stale_retries = 0;
  /// Host name look-ups: one per host while its answer is kept, however
  /// many connections open.
  uint64_t host_lookups = 0;
};

/// An asynchronous HTTP/1.1 client with a keep-alive connection pool per
/// host, and HTTPS through OpenSSL. Beast stays behind this interface: no
/// caller includes Boost.
class http_client {
public:
  /// Starts the I/O threads and loads `ca_file`; a store that fails to
  /// load shows in tls_setup_error() (the system's once HTTPS is used).
  explicit http_client(http_client_options options = {});

  /// Cancels what is in flight (each callback then gets `shutting_down`),
  /// closes every connection and joins the I/O threads.
  ~http_client();

  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Sends `request` and calls `done` exactly once, on an I/O thread, with
  /// the outcome. Safe to call from any thread. A connection from the pool
  /// that the server closed while it sat idle is noticed, and the request
  /// goes out again on a fresh connection.
  void send(http_request request, std::function<void(http_outcome)> done);

  /// The counters so far.
  http_client_stats stats() const;

  /// Error text of the last failed attempt to load `ca_file` or the system
  /// store; empty when the TLS context is fine.
  std::string tls_setup_error() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace grader::net
