#include <catch2/catch.hpp>

#include "net/http_client.hpp"
#include "net/judge_server.hpp"
#include "net/openai_codec.hpp"
#include "tests/net/loopback_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace grader::net;
using namespace std::chrono_literals;
using namespace std::string_literals;

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// -- sending ------------------------------------------------------------------

std::future<http_outcome> send_async(http_client& client, http_request req) {
  auto promise = std::make_shared<std::promise<http_outcome>>();
  auto result = promise->get_future();
  // set_value throws if a callback ever runs twice.
  client.send(std::move(req),
              [promise](http_outcome x) { promise->set_value(std::move(x)); });
  return result;
}

http_outcome wait_for(std::future<http_outcome>& outcome) {
  REQUIRE(outcome.wait_for(10s) == std::future_status::ready);
  return outcome.get();
}

http_outcome send_sync(http_client& client, http_request req) {
  auto outcome = send_async(client, std::move(req));
  return wait_for(outcome);
}

const http_response& response_of(const http_outcome& x) {
  if (auto* error = std::get_if<http_error>(&x))
    FAIL("expected a response, got " << to_string(error->code) << ": "
                                     << error->message);
  return std::get<http_response>(x);
}

const http_error& error_of(const http_outcome& x) {
  if (auto* response = std::get_if<http_response>(&x))
    FAIL("expected an error, got status " << response->status);
  return std::get<http_error>(x);
}

// -- requests to the judge ----------------------------------------------------

std::string base_url(uint16_t port, const std::string& host = "127.0.0.1",
                     const std::string& scheme = "http") {
  return scheme + "://" + host + ":" + std::to_string(port);
}

http_request chat_request(const std::string& base, const std::string& text,
                          std::chrono::milliseconds timeout = 5s) {
  grader::scoring::chat_request chat;
  chat.messages.push_back({"user", text});
  http_request result;
  result.url = base + "/v1/chat/completions";
  result.headers = {{"Content-Type", "application/json"},
                    {"Authorization", "Bearer sk-test"}};
  result.body = encode_chat_request(chat, "judge-test");
  result.timeout = timeout;
  return result;
}

http_request get_request(const std::string& url) {
  http_request result;
  result.url = url;
  result.method = "GET";
  result.timeout = 5s;
  return result;
}

judge_server_options judge_options() {
  judge_server_options result;
  result.host = "127.0.0.1";
  return result;
}

// A port nothing listens on: bound once by us, then released.
uint16_t free_port() {
  asio::io_context io;
  tcp::acceptor acceptor{io, {asio::ip::make_address("127.0.0.1"), 0}};
  return acceptor.local_endpoint().port();
}

// -- a server for responses the judge never sends -----------------------------

/// Answers every connection with the same bytes, then closes it: for
/// chunked bodies, garbage and `Connection: close`. Requests must have no
/// body (GET).
class canned_server {
public:
  explicit canned_server(std::string reply)
      : reply_(std::move(reply)),
        server_([this](tcp::socket& socket) { answer(socket); }) {}

  uint16_t port() const { return server_.port(); }

  size_t connections() const { return server_.connections(); }

private:
  void answer(tcp::socket& socket) {
    boost::system::error_code ec;
    asio::streambuf request;
    asio::read_until(socket, request, "\r\n\r\n", ec);
    asio::write(socket, asio::buffer(reply_), ec);
  }

  std::string reply_;
  grader::test::loopback_server server_;
};

// -- TLS ----------------------------------------------------------------------

/// A self-signed certificate for localhost and 127.0.0.1 in a fresh temp
/// directory, removed with it.
class self_signed_cert {
public:
  self_signed_cert() {
    auto pattern
        = (std::filesystem::temp_directory_path() / "grader-http-test-XXXXXX")
              .string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a temp directory");
    dir_ = pattern;
    auto command = "openssl req -x509 -newkey rsa:2048 -nodes -keyout '"
                   + key_file() + "' -out '" + cert_file()
                   + "' -days 1 -subj /CN=localhost -addext"
                     " 'subjectAltName=DNS:localhost,IP:127.0.0.1'"
                     " >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0)
      throw std::runtime_error("openssl cannot create a certificate");
  }

  ~self_signed_cert() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string cert_file() const { return (dir_ / "cert.pem").string(); }

  std::string key_file() const { return (dir_ / "key.pem").string(); }

private:
  std::filesystem::path dir_;
};

// One certificate for the whole run: making an RSA key takes a while.
const self_signed_cert& test_cert() {
  static const self_signed_cert cert;
  return cert;
}

} // namespace

// -- plain requests -----------------------------------------------------------

TEST_CASE("http client posts a chat completion and gets a JSON 200", "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto outcome = send_sync(
      client, chat_request(base_url(judge.port()), "Score this answer."));
  auto& response = response_of(outcome);
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "application/json");
  CHECK(response.header("CONTENT-TYPE") == "application/json");
  CHECK(response.header("x-not-there").empty());
  CHECK(response.header("content-length")
        == std::to_string(response.body.size()));
  CHECK(std::holds_alternative<grader::scoring::chat_reply>(
      decode_chat_reply(response.body)));
  CHECK(judge.stats().completions == 1);
}

TEST_CASE("http client reads the judge's counters with GET /stats", "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto outcome
      = send_sync(client, get_request(base_url(judge.port()) + "/stats"));
  auto& response = response_of(outcome);
  CHECK(response.status == 200);
  CHECK(response.body.find("\"connections_accepted\":1") != std::string::npos);
  CHECK(response.body.find("\"requests\":1") != std::string::npos);
}

TEST_CASE("http client calls back on an I/O thread, which may send again",
          "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto url = base_url(judge.port()) + "/health";
  std::promise<std::pair<http_outcome, bool>> second;
  auto test_thread = std::this_thread::get_id();
  client.send(get_request(url), [&](http_outcome) {
    client.send(get_request(url), [&, test_thread](http_outcome x) {
      second.set_value(
          {std::move(x), std::this_thread::get_id() != test_thread});
    });
  });
  auto result = second.get_future();
  REQUIRE(result.wait_for(5s) == std::future_status::ready);
  auto [outcome, on_io_thread] = result.get();
  CHECK(response_of(outcome).body == "ok");
  CHECK(on_io_thread);
}

// -- the pool -----------------------------------------------------------------

TEST_CASE("http client sends sequential requests over one connection",
          "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  constexpr uint64_t n = 10;
  for (uint64_t i = 0; i < n; ++i) {
    auto outcome
        = send_sync(client, chat_request(base_url(judge.port()),
                                         "answer " + std::to_string(i)));
    CHECK(response_of(outcome).status == 200);
  }
  CHECK(judge.stats().connections_accepted == 1);
  CHECK(client.stats().connections_opened == 1);
  CHECK(client.stats().reused == n - 1);
  CHECK(client.stats().stale_retries == 0);
}

TEST_CASE("http client keeps 100 concurrent requests within the per-host "
          "connection cap",
          "[net]") {
  auto options = judge_options();
  options.latency = 5ms;
  options.threads = 2;
  judge_server judge{options};
  http_client_options client_options;
  client_options.io_threads = 2;
  client_options.max_connections_per_host = 8;
  http_client client{client_options};
  std::vector<std::future<http_outcome>> outcomes;
  for (int i = 0; i < 100; ++i)
    outcomes.push_back(send_async(
        client, chat_request(base_url(judge.port()),
                             "concurrent answer " + std::to_string(i))));
  size_t ok = 0;
  for (auto& outcome : outcomes) {
    auto x = wait_for(outcome);
    if (response_of(x).status == 200)
      ++ok;
  }
  CHECK(ok == 100);
  CHECK(judge.stats().connections_accepted <= 8);
  CHECK(client.stats().connections_opened <= 8);
  CHECK(client.stats().reused >= 92);
}

TEST_CASE("http client closes pooled connections idle beyond idle_timeout",
          "[net]") {
  judge_server judge{judge_options()};
  http_client_options options;
  options.idle_timeout = 50ms;
  http_client client{options};
  auto url = base_url(judge.port()) + "/health";
  CHECK(response_of(send_sync(client, get_request(url))).status == 200);
  std::this_thread::sleep_for(100ms);
  CHECK(response_of(send_sync(client, get_request(url))).status == 200);
  CHECK(judge.stats().connections_accepted == 2);
  CHECK(client.stats().reused == 0);
  CHECK(client.stats().stale_retries == 0);
}

TEST_CASE("http client does not reuse a connection the server closes",
          "[net]") {
  canned_server server{"HTTP/1.1 200 OK\r\n"
                       "Content-Length: 2\r\n"
                       "Connection: close\r\n\r\n"
                       "hi"};
  http_client client;
  auto url = base_url(server.port()) + "/";
  for (int i = 0; i < 2; ++i) {
    auto outcome = send_sync(client, get_request(url));
    CHECK(response_of(outcome).body == "hi");
  }
  CHECK(server.connections() == 2);
  CHECK(client.stats().connections_opened == 2);
  CHECK(client.stats().reused == 0);
}

TEST_CASE("http client resends once when a pooled connection went stale",
          "[net]") {
  http_client client;
  auto options = judge_options();
  SECTION("the first judge serves a request, then stops with the "
          "connection idle in the pool") {
    {
      judge_server first{options};
      options.port = first.port();
      auto outcome
          = send_sync(client, chat_request(base_url(options.port), "first"));
      REQUIRE(response_of(outcome).status == 200);
    }
    SECTION("a second judge on the same port gets the request on a fresh "
            "connection") {
      judge_server second{options};
      auto outcome
          = send_sync(client, chat_request(base_url(options.port), "second"));
      CHECK(response_of(outcome).status == 200);
      CHECK(second.stats().connections_accepted == 1);
      CHECK(second.stats().completions == 1);
      auto stats = client.stats();
      CHECK(stats.stale_retries == 1);
      CHECK(stats.reused == 1);
      CHECK(stats.connections_opened == 2);
    }
  }
}

// -- failures -----------------------------------------------------------------

TEST_CASE("http client times out on a judge slower than the request timeout",
          "[net]") {
  auto options = judge_options();
  options.latency = 2000ms;
  judge_server judge{options};
  http_client client;
  auto start = std::chrono::steady_clock::now();
  auto outcome
      = send_sync(client, chat_request(base_url(judge.port()), "slow", 200ms));
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

TEST_CASE("http client rejects invalid URLs, naming the problem", "[net]") {
  http_client client;
  auto check_invalid = [&](const std::string& url, const std::string& why) {
    auto outcome = send_sync(client, get_request(url));
    auto& error = error_of(outcome);
    CHECK(error.code == http_errc::invalid_url);
    CHECK_THAT(error.message, Catch::Contains(why));
  };
  check_invalid("127.0.0.1:8080/v1", "no http:// or https:// scheme");
  check_invalid("ftp://example.com/", "scheme 'ftp'");
  check_invalid("http:///v1/chat", "no host");
  check_invalid("http://127.0.0.1:http/", "port 'http'");
  check_invalid("http://127.0.0.1:70000/", "port '70000'");
  check_invalid("https://[::1]:8443/", "IPv6");
  check_invalid("http://exa mple.com/", "host 'exa mple.com'");
  check_invalid("http://user:secret@example.com/", "user information");
  auto outcome = send_sync(client, get_request("gopher://key:secret@host/"));
  CHECK_THAT(error_of(outcome).message, !Catch::Contains("secret"));
  CHECK(client.stats().connections_opened == 0);
}

TEST_CASE("http client refuses a URL with a fragment instead of dropping it",
          "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto outcome = send_sync(
      client, get_request(base_url(judge.port()) + "/health#section"));
  auto& error = error_of(outcome);
  CHECK(error.code == http_errc::invalid_url);
  CHECK_THAT(error.message, Catch::Contains("a fragment (#...) is not allowed"));
  CHECK(judge.stats().connections_accepted == 0);
}

TEST_CASE("http client refuses header values with CR, LF or NUL and sends "
          "nothing",
          "[net]") {
  canned_server server{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"};
  http_client client;
  auto url = base_url(server.port()) + "/";
  for (const auto& value :
       {std::string("Bearer sk-1\r\nX-Injected-Key: yes"),
        std::string("Bearer sk-1\nX-Injected-Key: yes"),
        std::string("Bearer sk-1\rX-Injected-Key: yes"),
        "Bearer sk-1\0X-Injected-Key: yes"s}) {
    auto request = get_request(url);
    request.headers = {{"Authorization", value}};
    auto outcome = send_sync(client, request);
    auto& error = error_of(outcome);
    CHECK(error.code == http_errc::invalid_request);
    CHECK_THAT(error.message, Catch::Contains("the header Authorization "
                                              "contains CR, LF or NUL"));
    // The value may be a secret: it shows nowhere.
    CHECK_THAT(error.message, !Catch::Contains("sk-1"));
    CHECK_THAT(error.message, !Catch::Contains("Injected"));
  }
  SECTION("names and methods must be tokens") {
    auto bad_name = get_request(url);
    bad_name.headers = {{"X-Key\r\nX-Injected-Key", "yes"}};
    CHECK(error_of(send_sync(client, bad_name)).code
          == http_errc::invalid_request);
    auto bad_method = get_request(url);
    bad_method.method = "GET / HTTP/1.1\r\nX-Injected-Key: yes\r\n\r\nGET";
    CHECK(error_of(send_sync(client, bad_method)).code
          == http_errc::invalid_request);
  }
  CHECK(server.connections() == 0);
  CHECK(client.stats().connections_opened == 0);
}

TEST_CASE("http client reports response_too_large for a body over the cap",
          "[net]") {
  judge_server judge{judge_options()};
  http_client_options options;
  options.max_response_bytes = 16;
  http_client client{options};
  auto outcome
      = send_sync(client, chat_request(base_url(judge.port()), "long"));
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
  auto outcome = send_sync(
      client, chat_request(base_url(judge.port()), "[[fault:reset]]"));
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

// -- shutdown -----------------------------------------------------------------

TEST_CASE("http client destructor ends hanging and queued requests with "
          "shutting_down",
          "[net]") {
  auto options = judge_options();
  options.faults = true;
  judge_server judge{options};
  std::future<http_outcome> hanging;
  std::future<http_outcome> queued;
  auto start = std::chrono::steady_clock::now();
  {
    http_client_options client_options;
    client_options.max_connections_per_host = 1;
    http_client client{client_options};
    hanging = send_async(
        client, chat_request(base_url(judge.port()), "[[fault:hang]]", 30s));
    queued = send_async(client, chat_request(base_url(judge.port()),
                                             "waits for the connection"));
    // Let the first request reach the judge.
    for (int i = 0; i < 200 && judge.stats().requests == 0; ++i)
      std::this_thread::sleep_for(5ms);
    REQUIRE(judge.stats().requests == 1);
  }
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  REQUIRE(hanging.wait_for(0s) == std::future_status::ready);
  REQUIRE(queued.wait_for(0s) == std::future_status::ready);
  auto hanging_outcome = hanging.get();
  auto queued_outcome = queued.get();
  CHECK(error_of(hanging_outcome).code == http_errc::shutting_down);
  CHECK(error_of(queued_outcome).code == http_errc::shutting_down);
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
        client, chat_request(base_url(judge.port(), "127.0.0.1", "https"),
                             "by address"));
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

// -- reading responses --------------------------------------------------------

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
    for (auto text : {"SSH-2.0-OpenSSH_9.2\r\n\r\n",
                      "HTTP/1.1 abc OK\r\n\r\n",
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
                      "11\r\n" + big + "\r\n0\r\n\r\n"}) {
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
    CHECK(response_of(parse_http_response(
              "HTTP/1.1 200 OK\r\nContent-Length: 16\r\n\r\n"
              + std::string(16, 'x'), 16))
              .body.size()
          == 16);
  }
}
