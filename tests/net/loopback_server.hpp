#pragma once

// A blocking test server on 127.0.0.1: one thread accepts connections one
// at a time and hands each to a handler, for responses the judge server
// never sends (garbage, chunked bodies) or to record what a client sent.

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio/ip/tcp.hpp>

namespace grader::test {

class loopback_server {
public:
  using socket_type = boost::asio::ip::tcp::socket;

  /// Starts serving on a free port; `handle` gets each accepted socket and
  /// may leave it open (the server shuts it down afterwards).
  explicit loopback_server(std::function<void(socket_type&)> handle)
      : handle_(std::move(handle)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        thread_([this] { serve(); }) {}

  ~loopback_server() {
    stopping_ = true;
    // Wakes the blocking accept.
    socket_type wake{io_};
    boost::system::error_code ignored;
    wake.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }

  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  uint16_t port() const { return acceptor_.local_endpoint().port(); }

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(port());
  }

  /// Connections accepted so far.
  size_t connections() const { return connections_; }

private:
  void serve() {
    for (;;) {
      socket_type socket{io_};
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_)
        return;
      ++connections_;
      handle_(socket);
      socket.shutdown(socket_type::shutdown_both, ec);
    }
  }

  std::function<void(socket_type&)> handle_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> connections_{0};
  std::thread thread_;
};

} // namespace grader::test
