#include <catch2/catch.hpp>

#include "net/detail/http_exchange.hpp"
#include "tests/fixtures/http_test_support.hpp"

#include <chrono>
#include <string>

using namespace grader::net;
using namespace grader::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

// -- failures -----------------------------------------------------------------

TEST_CASE("http client times out on a judge slower than the request timeout",
          "[net]") {
  auto options = judge_options();
  options.latency = 2000ms;
  judge_server judge{options};
  http_client client;
  auto start = std::chrono::steady_clock::now();
  auto outcome = send_sync(client,
                           chat_request(base_url(judge.port()), "slow", 200ms));
  auto elapsed = std::chrono::steady_clock::now() - start;
  auto& error = error_of(outcome);
  CHECK(error.code == http_errc::timeout);
  CHECK(error.message.find("200 ms") != std::string::npos);
  CHECK(elapsed >= 190ms);
  CHECK(elapsed < 1s);
}

TEST_CASE("http client reports connect_failed when nothing listens", "[net]") {
  auto port = free_port();
  http_client client;
  auto outcome = send_sync(client, get_request(base_url(port) + "/health"));
  auto& error = error_of(outcome);
  CHECK(error.code == http_errc::connect_failed);
  CHECK(error.message.find("127.0.0.1:" + std::to_string(port))
        != std::string::npos);
  CHECK(error.message.find("refused") != std::string::npos);
}

TEST_CASE("http client reports response_too_large for a body over the cap",
          "[net]") {
  judge_server judge{judge_options()};
  http_client_options options;
  options.max_response_bytes = 16;
  http_client client{options};
  auto outcome = send_sync(client,
                           chat_request(base_url(judge.port()), "long"));
  auto& error = error_of(outcome);
  CHECK(error.code == http_errc::response_too_large);
  CHECK_THAT(error.message, Catch::Contains("16 bytes"));
}

TEST_CASE("http client reports connection_closed when the judge resets",
          "[net]") {
  auto options = judge_options();
  options.faults = true;
  judge_server judge{options};
  http_client client;
  auto outcome = send_sync(client, chat_request(base_url(judge.port()),
                                                "[[fault:reset]]"));
  CHECK(error_of(outcome).code == http_errc::connection_closed);
  CHECK(client.stats().stale_retries == 0);
}

TEST_CASE("http client reports malformed_response for bytes that are not "
          "HTTP",
          "[net]") {
  canned_server server{"SSH-2.0-OpenSSH_9.2\r\n\r\n"};
  http_client client;
  auto outcome = send_sync(client, get_request(base_url(server.port())));
  CHECK(error_of(outcome).code == http_errc::malformed_response);
}

TEST_CASE("http client reads a chunked response", "[net]") {
  canned_server server{"HTTP/1.1 200 OK\r\n"
                       "Transfer-Encoding: chunked\r\n"
                       "Content-Type: text/plain\r\n\r\n"
                       "5\r\nhello\r\n"
                       "7\r\n, world\r\n"
                       "0\r\n\r\n"};
  http_client client;
  auto outcome = send_sync(client, get_request(base_url(server.port())));
  auto& response = response_of(outcome);
  CHECK(response.body == "hello, world");
  CHECK(response.header("transfer-encoding") == "chunked");
}

// -- HTTPS --------------------------------------------------------------------

TEST_CASE("http client speaks HTTPS to a judge with a self-signed "
          "certificate",
          "[net]") {
  auto& cert = test_cert();
  auto options = judge_options();
  options.tls_cert_file = cert.cert_file();
  options.tls_key_file = cert.key_file();
  judge_server judge{options};
  auto url = base_url(judge.port(), "localhost", "https");
  http_client_options client_options;
  SECTION("trusting the certificate through ca_file succeeds") {
    client_options.ca_file = cert.cert_file();
    http_client client{client_options};
    CHECK(client.tls_setup_error().empty());
    auto outcome = send_sync(client, chat_request(url, "over TLS"));
    CHECK(response_of(outcome).status == 200);
    SECTION("and the TLS connection is reused") {
      auto again = send_sync(client, chat_request(url, "again"));
      CHECK(response_of(again).status == 200);
      CHECK(client.stats().reused == 1);
      CHECK(judge.stats().connections_accepted == 1);
    }
  }
  SECTION("the certificate matches 127.0.0.1 as well") {
    client_options.ca_file = cert.cert_file();
    http_client client{client_options};
    auto outcome = send_sync(
      client,
      chat_request(base_url(judge.port(), "127.0.0.1", "https"), "by address"));
    CHECK(response_of(outcome).status == 200);
  }
  SECTION("without ca_file the handshake fails verification") {
    http_client client{client_options};
    auto outcome = send_sync(client, chat_request(url, "untrusted"));
    auto& error = error_of(outcome);
    CHECK(error.code == http_errc::tls_failed);
    CHECK_THAT(error.message, Catch::Contains("certificate verify failed"));
  }
  SECTION("with verify_peer off the certificate is not checked") {
    client_options.verify_peer = false;
    http_client client{client_options};
    auto outcome = send_sync(client, chat_request(url, "unchecked"));
    CHECK(response_of(outcome).status == 200);
  }
  SECTION("a ca_file that cannot be loaded fails HTTPS requests") {
    client_options.ca_file = cert.cert_file() + ".missing";
    http_client client{client_options};
    CHECK_THAT(client.tls_setup_error(),
               Catch::Contains(client_options.ca_file));
    auto outcome = send_sync(client, chat_request(url, "no CA"));
    auto& error = error_of(outcome);
    CHECK(error.code == http_errc::tls_failed);
    CHECK_THAT(error.message, Catch::Contains(client_options.ca_file));
  }
}
