#pragma once

#include <cstddef>
#include <cstdint>
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

/// Why an exchange produced no response: a code to act on and a message
/// for people.
struct http_error {
  http_errc code = http_errc::connect_failed;
  /// Human-readable detail (never containing request headers).
  std::string message;
};

/// Header fields in the order they were sent, names as written.
using http_headers = std::vector<std::pair<std::string, std::string>>;

/// A complete response as the server sent it, whatever its status.
struct http_response {
  unsigned status = 0;
  http_headers headers;
  std::string body;

  /// The value of the first header named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

/// A response, or why there is none.
using http_outcome = std::variant<http_response, http_error>;

/// The largest response body http_client accepts unless told otherwise:
/// far more than any chat reply, little enough that a runaway server cannot
/// exhaust memory.
inline constexpr size_t default_max_response_bytes = 8 * 1024 * 1024;

/// Reads `bytes` as one HTTP/1.1 response the way http_client reads what a
/// server sends, with the same parser settings: a body over
/// `max_response_bytes` or a header over 8 KiB gives `response_too_large`,
/// bytes that are not HTTP give `malformed_response`, and bytes that end
/// before the response does give `connection_closed`, as a connection
/// closed there would. Bytes after the response are ignored. With
/// `head_request`, the response has no body whatever its headers say. Pure:
/// for tests and fuzzing.
http_outcome
parse_http_response(std::string_view bytes,
                    size_t max_response_bytes = default_max_response_bytes,
                    bool head_request = false);

} // namespace grader::net
