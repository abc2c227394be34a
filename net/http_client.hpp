#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace grader::net {

/// What can keep an HTTP exchange from producing a response.
enum class http_errc : uint8_t {
  /// The URL is not `http://` or `https://` with a host.
  invalid_url,
  /// The method or a header cannot be sent as given: a name that is not
  /// an HTTP token, or a value with CR, LF or NUL, which would end the
  /// header early and start another.
  invalid_request,
  /// The host name did not resolve.
  resolve_failed,
  /// No TCP connection could be made (refused, unreachable).
  connect_failed,
  /// The TLS handshake failed, e.g. the certificate was not trusted or
  /// does not match the host name.
  tls_failed,
  /// The request's time ran out (connect, write and read together).
  timeout,
  /// The server closed or reset the connection before a full response.
  connection_closed,
  /// The response body exceeded the configured cap.
  response_too_large,
  /// The bytes received are not an HTTP/1.1 response.
  malformed_response,
  /// The client is being destroyed.
  shutting_down,
};

/// The name of an error code (`"timeout"`, ...).
std::string_view to_string(http_errc x);

struct http_error {
  http_errc code = http_errc::connect_failed;
  /// Human-readable detail (never containing request headers).
  std::string message;
};

using http_headers = std::vector<std::pair<std::string, std::string>>;

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

struct http_response {
  unsigned status = 0;
  http_headers headers;
  std::string body;

  /// The value of the first header named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

/// A response, or why there is none.
using http_outcome = std::variant<http_response, http_error>;

struct http_client_options {
  /// Threads running the I/O; every exchange is asynchronous, so one or
  /// two serve hundreds of connections.
  size_t io_threads = 1;
  /// Most open connections to one host (scheme, host, port). Requests
  /// beyond it wait, first come first served, for a connection to free up.
  size_t max_connections_per_host = 64;
  /// Largest response body accepted.
  size_t max_response_bytes = 8 * 1024 * 1024;
  /// A PEM file of extra trusted certificates, added to the system store.
  std::string ca_file;
  /// Whether HTTPS checks the server's certificate and host name.
  bool verify_peer = true;
  /// How long an unused pooled connection is kept open.
  std::chrono::milliseconds idle_timeout{30'000};
};

/// Reads `bytes` as one HTTP/1.1 response the way http_client reads what a
/// server sends, with the same parser settings: a body over
/// `max_response_bytes` or a header over 8 KiB gives `response_too_large`,
/// bytes that are not HTTP give `malformed_response`, and bytes that end
/// before the response does give `connection_closed`, as a connection
/// closed there would. Bytes after the response are ignored. With
/// `head_request`, the response has no body whatever its headers say. Pure:
/// for tests and fuzzing.
http_outcome parse_http_response(
  std::string_view bytes,
  size_t max_response_bytes = http_client_options{}.max_response_bytes,
  bool head_request = false);

/// Counters for tests and metrics.
struct http_client_stats {
  /// TCP connections opened so far.
  uint64_t connections_opened = 0;
  /// Requests sent over a connection that had served an earlier one.
  uint64_t reused = 0;
  /// Requests resent on a fresh connection because the pooled one turned
  /// out closed by the server while idle (not counted as failures).
  uint64_t stale_retries = 0;
};

/// An asynchronous HTTP/1.1 client with a keep-alive connection pool per
/// host, and HTTPS through OpenSSL. Beast stays behind this interface: no
/// caller includes Boost.
class http_client {
public:
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

  http_client_stats stats() const;

  /// Error text of the last failed attempt to load `ca_file` or the system
  /// store; empty when the TLS context is fine.
  std::string tls_setup_error() const;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace grader::net
