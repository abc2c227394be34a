#pragma once

// What the tests of net::http_client and of the pool and exchange behind it
// share: sending and waiting, requests to the judge server, a server for
// responses the judge never sends, and a self-signed certificate.

#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "net/http_client.hpp"
#include "net/judge_server.hpp"
#include "net/openai_codec.hpp"
#include "tests/net/http_outcome_checks.hpp"
#include "tests/net/loopback_server.hpp"

namespace grader::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// -- sending ------------------------------------------------------------------

/// Sends `req`; the future holds the outcome once the callback ran.
inline std::future<net::http_outcome> send_async(net::http_client& client,
                                                 net::http_request req) {
  auto promise = std::make_shared<std::promise<net::http_outcome>>();
  auto result = promise->get_future();
  // set_value throws if a callback ever runs twice.
  client.send(std::move(req), [promise](net::http_outcome x) {
    promise->set_value(std::move(x));
  });
  return result;
}

/// The outcome, waiting at most 10 s for it.
inline net::http_outcome wait_for(std::future<net::http_outcome>& outcome) {
  REQUIRE(outcome.wait_for(std::chrono::seconds{10})
          == std::future_status::ready);
  return outcome.get();
}

/// Sends `req` and waits for the outcome.
inline net::http_outcome send_sync(net::http_client& client,
                                   net::http_request req) {
  auto outcome = send_async(client, std::move(req));
  return wait_for(outcome);
}

// -- requests to the judge ----------------------------------------------------

/// `scheme://host:port`, a base URL for a server on `port`.
inline std::string base_url(uint16_t port,
                            const std::string& host = "127.0.0.1",
                            const std::string& scheme = "http") {
  return scheme + "://" + host + ":" + std::to_string(port);
}

/// A chat-completions POST to the judge at `base` asking about `text`.
inline net::http_request
chat_request(const std::string& base, const std::string& text,
             std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
  scoring::chat_request chat;
  chat.messages.push_back({"user", text});
  net::http_request result;
  result.url = base + "/v1/chat/completions";
  result.headers = {{"Content-Type", "application/json"},
                    {"Authorization", "Bearer sk-test"}};
  result.body = net::encode_chat_request(chat, "judge-test");
  result.timeout = timeout;
  return result;
}

/// A GET of `url`.
inline net::http_request get_request(const std::string& url) {
  net::http_request result;
  result.url = url;
  result.method = "GET";
  result.timeout = std::chrono::seconds{5};
  return result;
}

/// A judge server on 127.0.0.1 with a free port.
inline net::judge_server_options judge_options() {
  net::judge_server_options result;
  result.host = "127.0.0.1";
  return result;
}

/// A port nothing listens on: bound once by us, then released.
inline uint16_t free_port() {
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
  loopback_server server_;
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

/// One certificate for the whole run: making an RSA key takes a while.
inline const self_signed_cert& test_cert() {
  static const self_signed_cert cert;
  return cert;
}

} // namespace grader::test
