#pragma once

// One pooled connection of http_client: handed out by connection_pool, used
// by one http_exchange at a time.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace grader::net::detail {

using tcp = boost::asio::ip::tcp;

/// What idle times and deadlines are measured on.
using clock_type = std::chrono::steady_clock;

/// The strand every handler of one connection runs on.
using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

/// A plain HTTP connection.
using plain_stream = boost::beast::tcp_stream;

/// An HTTPS connection.
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// One TCP (or TLS) connection to a host, and everything that does I/O for
/// it. Its strand serializes the exchange using it with close() from the
/// client's destructor.
struct connection {
  using stream_type = std::variant<plain_stream, tls_stream>;

  /// A connection to the origin `key`, TLS when `tls` is given.
  connection(strand_type executor, std::string key,
             boost::asio::ssl::context* tls)
    : strand(executor),
      key(std::move(key)),
      resolve_timer(executor),
      stream(tls ? stream_type(std::in_place_type<tls_stream>, executor, *tls)
                 : stream_type(std::in_place_type<plain_stream>, executor)) {
  }

  /// The TCP layer, under TLS or not.
  boost::beast::tcp_stream& tcp() {
    return std::visit(
      [](auto& s) -> boost::beast::tcp_stream& {
        return boost::beast::get_lowest_layer(s);
      },
      stream);
  }

  /// Aborts whatever is pending; only ever called on `strand`.
  void close() {
    resolve_timer.cancel();
    boost::beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

  strand_type strand;
  /// The origin (`scheme://host:port`) whose pool it belongs to.
  const std::string key;
  /// Ends a resolve that takes longer than the exchange may.
  boost::asio::steady_timer resolve_timer;
  stream_type stream;
  /// Bytes read past the last response stay with the connection.
  boost::beast::flat_buffer buffer;
  /// When it went back to the pool.
  clock_type::time_point idle_since;
};

/// Connections are shared between the pool and the exchange using one.
using connection_ptr = std::shared_ptr<connection>;

} // namespace grader::net::detail
