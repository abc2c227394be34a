#include <catch2/catch.hpp>

#include "net/http_response.hpp"
#include "tests/fixtures/http_outcome_checks.hpp"

#include <string>

using namespace grader::net;
using namespace grader::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

TEST_CASE("parse_http_response reads what a server sends as the client does",
          "[net]") {
  SECTION("a body with Content-Length, and the bytes after it ignored") {
    auto outcome = parse_http_response("HTTP/1.1 201 Created\r\n"
                                       "Content-Type: text/plain\r\n"
                                       "Content-Length: 5\r\n\r\n"
                                       "hello"
                                       "HTTP/1.1 200 OK\r\n");
    auto& response = response_of(outcome);
    CHECK(response.status == 201);
    CHECK(response.body == "hello");
    CHECK(response.header("content-type") == "text/plain");
  }
  SECTION("a chunked body") {
    auto outcome = parse_http_response("HTTP/1.1 200 OK\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n"
                                       "5\r\nhello\r\n7\r\n, world\r\n"
                                       "0\r\n\r\n");
    CHECK(response_of(outcome).body == "hello, world");
  }
  SECTION("a body that ends with the connection") {
    auto outcome = parse_http_response("HTTP/1.1 200 OK\r\n\r\nuntil eof");
    CHECK(response_of(outcome).body == "until eof");
  }
  SECTION("no body after a HEAD request, whatever Content-Length says") {
    auto outcome = parse_http_response(
      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 16, true);
    CHECK(response_of(outcome).body.empty());
  }
  SECTION("bytes ending before the response does") {
    for (auto text : {"", "HTTP/1.1 200", "HTTP/1.1 200 OK\r\nContent-Le",
                      "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhalf",
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                      "\r\n5\r\nhel"}) {
      INFO(text);
      CHECK(error_of(parse_http_response(text)).code
            == http_errc::connection_closed);
    }
  }
  SECTION("bytes that are not HTTP") {
    for (auto text : {"SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
                      "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                      "\r\nzz\r\n"}) {
      INFO(text);
      CHECK(error_of(parse_http_response(text)).code
            == http_errc::malformed_response);
    }
  }
  SECTION("a body or header over the limits") {
    auto big = std::string(17, 'x');
    for (auto text : {"HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n" + big,
                      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n"s,
                      "HTTP/1.1 200 OK\r\n\r\n" + big,
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "11\r\n"
                        + big + "\r\n0\r\n\r\n"}) {
      INFO(text);
      auto outcome = parse_http_response(text, 16);
      auto& error = error_of(outcome);
      CHECK(error.code == http_errc::response_too_large);
      CHECK_THAT(error.message, Catch::Contains("16 bytes"));
    }
    auto header = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(9000, 'h')
                  + "\r\nContent-Length: 0\r\n\r\n";
    CHECK(error_of(parse_http_response(header)).code
          == http_errc::response_too_large);
    CHECK(response_of(
            parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n"
                                  + std::string(16, 'x'),
                                16))
            .body.size()
          == 16);
  }
}
