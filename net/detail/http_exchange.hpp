#pragma once

// One request and its response over one pooled connection, after the
// asynchronous Beast client examples: one step per operation, each on the
// connection's strand, a timeout before each.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/detail/connection.hpp"
#include "net/detail/response_parser.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace grader::net::detail {

class connection_pool;

/// One send(): takes a connection, then resolve, connect, handshake, write,
/// read, one step per asynchronous operation, all on the connection's
/// strand. `request.timeout` is a deadline shared by every step, including
/// a resend after a stale connection. Maps what Beast, Asio and OpenSSL
/// report to an http_error, and calls back exactly once.
class http_exchange : public std::enable_shared_from_this<http_exchange> {
public:
  /// What the exchange ends with.
  using callback = std::function<void(http_outcome)>;

  /// An exchange sending `request` (already checked: a valid method and
  /// headers) to `url`, its parsed URL, through `pool`.
  http_exchange(std::shared_ptr<connection_pool> pool, http_url url,
                http_request request, callback done);

  /// Where the request goes; the pool keys connections by its origin.
  const http_url& url() const {
    return url_;
  }

  /// Begins on `conn`, which is new or was idle in the pool (`reused`).
  void start(connection_ptr conn, bool reused);

  /// Ends a request that never got a connection.
  void abandon();

private:
  // -- steps ------------------------------------------------------------------

  void resolve();

  void on_resolve(boost::beast::error_code ec, tcp::resolver::results_type);

  void on_connect(boost::beast::error_code ec, const tcp::endpoint&);

  void handshake();

  void on_handshake(boost::beast::error_code ec);

  void write();

  void on_write(boost::beast::error_code ec, size_t);

  void read_header();

  void on_header(boost::beast::error_code ec, size_t);

  void on_body(boost::beast::error_code ec, size_t);

  void fail_reading(const boost::beast::error_code& ec);

  void succeed();

  // -- failures and retries ---------------------------------------------------

  http_errc cause(const boost::beast::error_code& ec,
                  http_errc otherwise) const;

  bool can_resend() const;

  void resend();

  void fail_timeout();

  void fail(http_errc code, std::string detail);

  void release(bool reusable);

  void finish(http_outcome outcome);

  std::shared_ptr<connection_pool> pool_;
  http_url url_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  std::chrono::milliseconds timeout_;
  callback done_;
  connection_ptr conn_;
  std::optional<response_parser> parser_;
  clock_type::time_point deadline_;
  /// What the exchange was doing, for timeout messages.
  const char* stage_ = "waiting";
  bool reused_ = false;
  bool resent_ = false;
  bool resolving_ = false;
  bool finished_ = false;
};

} // namespace grader::net::detail
