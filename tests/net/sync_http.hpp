#pragma once

// A small synchronous HTTP/1.1 client for tests that talk to a real server
// on 127.0.0.1: one keep-alive connection, plain or TLS, one request at a
// time, each with its own timeout. Every operation runs asynchronously on a
// private io_context, because only asynchronous Beast operations time out.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace grader::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

/// The outcome of one exchange.
struct http_result {
  /// Set when there is no complete response.
  beast::error_code error;
  http::response<http::string_body> response;
  std::chrono::milliseconds elapsed{0};
};

class sync_http {
public:
  using clock = std::chrono::steady_clock;

  /// Long enough for any reply a test expects, short enough that a broken
  /// server fails the test instead of hanging it.
  static constexpr std::chrono::milliseconds default_timeout{5000};

  /// Connects to 127.0.0.1:`port` over plain TCP.
  explicit sync_http(uint16_t port) {
    plain_.emplace(io_);
    plain_->expires_after(default_timeout);
    plain_->async_connect(endpoint(port), [this](beast::error_code ec) {
      connect_error_ = ec;
    });
    run();
  }

  /// Connects to 127.0.0.1:`port` over TLS as `localhost`, trusting only
  /// the certificate in `ca_file`.
  sync_http(uint16_t port, const std::string& ca_file) {
    tls_context_.load_verify_file(ca_file);
    tls_.emplace(io_, tls_context_);
    tls_->set_verify_mode(asio::ssl::verify_peer);
    tls_->set_verify_callback(asio::ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(tls_->native_handle(), "localhost");
    auto& layer = beast::get_lowest_layer(*tls_);
    layer.expires_after(default_timeout);
    layer.async_connect(endpoint(port), [this](beast::error_code ec) {
      connect_error_ = ec;
      if (!ec)
        tls_->async_handshake(asio::ssl::stream_base::client,
                              [this](beast::error_code e) {
                                connect_error_ = e;
                              });
    });
    run();
  }

  /// Why connecting (and, for TLS, the handshake) failed, if it did.
  beast::error_code connect_error() const {
    return connect_error_;
  }

  http_result send(http::verb method, const std::string& target,
                   const std::string& body = {},
                   std::chrono::milliseconds timeout = default_timeout) {
    if (plain_)
      return exchange(*plain_, method, target, body, timeout);
    return exchange(*tls_, method, target, body, timeout);
  }

  http_result post(const std::string& body,
                   std::chrono::milliseconds timeout = default_timeout) {
    return send(http::verb::post, "/v1/chat/completions", body, timeout);
  }

  http_result get(const std::string& target) {
    return send(http::verb::get, target);
  }

private:
  static asio::ip::tcp::endpoint endpoint(uint16_t port) {
    return {asio::ip::make_address("127.0.0.1"), port};
  }

  void run() {
    io_.restart();
    io_.run();
  }

  template <class Stream>
  http_result exchange(Stream& stream, http::verb method,
                       const std::string& target, const std::string& body,
                       std::chrono::milliseconds timeout) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "localhost");
    if (!body.empty())
      request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    http_result result;
    auto start = clock::now();
    beast::get_lowest_layer(stream).expires_after(timeout);
    http::async_write(stream, request, [&](beast::error_code ec, size_t) {
      if (ec) {
        result.error = ec;
        return;
      }
      http::async_read(stream, buffer_, result.response,
                       [&](beast::error_code e, size_t) { result.error = e; });
    });
    run();
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      clock::now() - start);
    return result;
  }

  asio::io_context io_;
  asio::ssl::context tls_context_{asio::ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  beast::error_code connect_error_;
};

} // namespace grader::test
