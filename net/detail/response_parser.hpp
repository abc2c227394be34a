#pragma once

// How grader reads an HTTP response, shared by the exchange reading one off
// a connection and parse_http_response reading one from bytes, so that
// tests and fuzzing of the latter cover what the former does.

#include <cstddef>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/http_response.hpp"

namespace grader::net::detail {

/// Beast's parser for a response with its body in a string.
using response_parser
  = boost::beast::http::response_parser<boost::beast::http::string_body>;

/// Sets the limits every response is read with: a body of at most
/// `max_response_bytes`, none at all after a HEAD request, and Beast's
/// 8 KiB for the header.
void limit(response_parser& parser, size_t max_response_bytes,
           bool head_request);

/// What went wrong reading a response from `from` (a host:port), once the
/// connection has no better explanation (a timeout, shutting down): too
/// large, not HTTP, or cut short.
http_error read_error(const boost::beast::error_code& ec,
                      const std::string& from, size_t max_response_bytes);

/// Takes the message out of a parser that is done.
http_response to_response(response_parser& parser);

} // namespace grader::net::detail
