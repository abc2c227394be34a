#pragma once

// Catch2 checks that take an http_outcome apart, for tests of
// parse_http_response and of http_client.

#include <catch2/catch.hpp>

#include <variant>

#include "net/http_response.hpp"

namespace grader::test {

/// The response in `x`; fails the test, naming the error, when there is
/// none.
inline const net::http_response& response_of(const net::http_outcome& x) {
  if (auto* error = std::get_if<net::http_error>(&x))
    FAIL("expected a response, got " << to_string(error->code) << ": "
                                     << error->message);
  return std::get<net::http_response>(x);
}

/// The error in `x`; fails the test, naming the status, when there is a
/// response.
inline const net::http_error& error_of(const net::http_outcome& x) {
  if (auto* response = std::get_if<net::http_response>(&x))
    FAIL("expected an error, got status " << response->status);
  return std::get<net::http_error>(x);
}

} // namespace grader::test
