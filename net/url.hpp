#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace grader::net {

/// An `http://` or `https://` URL split into what a request needs. Only
/// parse_url makes one, so every field holds what it checked.
struct http_url {
  /// Whether the scheme is https.
  bool tls = false;
  /// A host name or IPv4 address, lower case: letters, digits, `-`, `.`
  /// and `_` only.
  std::string host;
  /// 1 to 65535; the scheme's default when the URL names none.
  uint16_t port = 0;
  /// Starts with `/`; `/` when the URL has no path.
  std::string path;
  /// What follows `?`, without it; empty when there is none.
  std::string query;

  /// "https" or "http".
  std::string scheme() const;

  /// `host:port`, always with the port.
  std::string authority() const;

  /// `scheme://host:port`, always with the port: what a connection is made
  /// to, so requests to one origin may share connections.
  std::string origin() const;

  /// What a request line names: the path, then `?query` if any.
  std::string target() const;

  /// The URL written out again, the port only when it is not the scheme's
  /// default.
  std::string text() const;
};

/// Reads `http[s]://host[:port][/path][?query]`. The scheme is case
/// insensitive. No user information (`user:password@`), no IPv6 literal,
/// no fragment (`#...`), no space or control character anywhere. On
/// failure, the variant holds what is wrong, e.g. `the port '0' is not a
/// number from 1 to 65535`; any piece of the URL it quotes is passed
/// through display escaping, and the text never quotes user information or
/// the query, which may carry credentials. Pure: no sockets, no name
/// resolution.
std::variant<http_url, std::string> parse_url(std::string_view text);

/// `text` as a message may show it: without user information and without
/// the query or fragment (either may carry credentials), control characters
/// and bytes that are not UTF-8 escaped as `\xNN`, and cut to 120 bytes.
std::string displayed_url(std::string_view text);

} // namespace grader::net
