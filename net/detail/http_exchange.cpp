#include "net/detail/http_exchange.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "net/detail/connection_pool.hpp"

namespace grader::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr const char* user_agent = "grader/0.1";

constexpr const char* shutting_down_text = "the HTTP client is shutting down";

// Longer timeouts mean none, and would overflow a steady_clock deadline.
constexpr std::chrono::milliseconds max_timeout = std::chrono::hours{24 * 365};

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

http::request<http::string_body> make_request(http_request& x,
                                              const http_url& url) {
  http::request<http::string_body> req;
  req.method_string(x.method);
  req.target(url.target());
  req.version(11);
  auto default_port = url.tls ? 443 : 80;
  req.set(http::field::host,
          url.port == default_port ? url.host : url.authority());
  req.set(http::field::user_agent, user_agent);
  req.set(http::field::connection, "keep-alive");
  for (auto& [name, value] : x.headers)
    req.set(name, value);
  req.body() = std::move(x.body);
  req.prepare_payload();
  return req;
}

// What a server that closed an idle keep-alive connection looks like to the
// next request sent on it.
bool is_closed_by_peer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset
         || ec == asio::error::connection_aborted
         || ec == asio::error::broken_pipe
         || ec == asio::ssl::error::stream_truncated;
}

// OpenSSL's reason ("certificate verify failed"), plus why the certificate
// was rejected when the handshake got that far.
std::string tls_failure_text(const beast::error_code& ec, SSL* ssl) {
  auto text = ec.message();
  auto verify_result = SSL_get_verify_result(ssl);
  if (verify_result != X509_V_OK)
    text += std::string(" (") + X509_verify_cert_error_string(verify_result)
            + ")";
  return text;
}

} // namespace

http_exchange::http_exchange(std::shared_ptr<connection_pool> pool,
                             http_url url, http_request request, callback done)
  : pool_(std::move(pool)),
    url_(std::move(url)),
    request_(make_request(request, url_)),
    timeout_(std::min(request.timeout, max_timeout)),
    done_(std::move(done)) {
}

void http_exchange::start(connection_ptr conn, bool reused) {
  auto strand = conn->strand;
  asio::post(strand, [self = shared_from_this(), conn = std::move(conn),
                      reused]() mutable {
    self->deadline_ = clock_type::now() + self->timeout_;
    self->conn_ = std::move(conn);
    self->reused_ = reused;
    if (reused) {
      self->pool_->count_reused();
      self->write();
    } else {
      self->resolve();
    }
  });
}

void http_exchange::abandon() {
  asio::post(pool_->io_context(), [self = shared_from_this()] {
    self->finish(http_error{http_errc::shutting_down, shutting_down_text});
  });
}

// -- steps --------------------------------------------------------------------

void http_exchange::resolve() {
  if (pool_->stopping())
    return fail(http_errc::shutting_down, {});
  stage_ = "resolving the host";
  // The resolver has no timeout of its own: a timer ends the exchange,
  // and on_resolve finds it finished.
  resolving_ = true;
  conn_->resolve_timer.expires_at(deadline_);
  conn_->resolve_timer.async_wait(
    [self = shared_from_this()](beast::error_code ec) {
      if (!ec && self->resolving_)
        self->fail_timeout();
    });
  // The answer may come on another thread, or after a timeout gave the
  // connection back: it is handled on this connection's strand.
  pool_->resolver().resolve(
    url_.host, url_.port,
    [self = shared_from_this(), strand = conn_->strand](
      const beast::error_code& ec, const tcp::resolver::results_type& found) {
      asio::post(strand, [self, ec, found] { self->on_resolve(ec, found); });
    });
}

void http_exchange::on_resolve(beast::error_code ec,
                               tcp::resolver::results_type results) {
  if (finished_)
    return;
  resolving_ = false;
  conn_->resolve_timer.cancel();
  if (pool_->stopping())
    return fail(http_errc::shutting_down, {});
  if (ec)
    return fail(cause(ec, http_errc::resolve_failed),
                "cannot resolve " + url_.host + ": " + ec.message());
  stage_ = "connecting";
  conn_->tcp().expires_at(deadline_);
  conn_->tcp().async_connect(
    results,
    beast::bind_front_handler(&http_exchange::on_connect, shared_from_this()));
}

void http_exchange::on_connect(beast::error_code ec, const tcp::endpoint&) {
  if (ec && !pool_->stopping())
    pool_->resolver().forget(url_.host, url_.port);
  if (ec || pool_->stopping())
    return fail(cause(ec, http_errc::connect_failed),
                "cannot connect to " + url_.authority() + ": " + ec.message());
  pool_->count_opened();
  if (url_.tls)
    handshake();
  else
    write();
}

void http_exchange::handshake() {
  stage_ = "in the TLS handshake";
  auto& stream = std::get<tls_stream>(conn_->stream);
  beast::error_code ec;
  if (pool_->options().verify_peer) {
    stream.set_verify_mode(asio::ssl::verify_peer, ec);
    if (!ec)
      stream.set_verify_callback(asio::ssl::host_name_verification(url_.host),
                                 ec);
  } else {
    stream.set_verify_mode(asio::ssl::verify_none, ec);
  }
  if (ec)
    return fail(http_errc::tls_failed, "cannot configure TLS for "
                                         + url_.authority() + ": "
                                         + ec.message());
  // SNI names hosts only; RFC 6066 forbids sending an address.
  if (!is_ip_address(url_.host)
      && !SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str()))
    return fail(http_errc::tls_failed,
                "cannot set the TLS server name " + url_.host);
  conn_->tcp().expires_at(deadline_);
  stream.async_handshake(asio::ssl::stream_base::client,
                         beast::bind_front_handler(&http_exchange::on_handshake,
                                                   shared_from_this()));
}

void http_exchange::on_handshake(beast::error_code ec) {
  if (ec || pool_->stopping()) {
    auto* ssl = std::get<tls_stream>(conn_->stream).native_handle();
    return fail(cause(ec, http_errc::tls_failed),
                "TLS handshake with " + url_.authority()
                  + " failed: " + tls_failure_text(ec, ssl));
  }
  write();
}

void http_exchange::write() {
  if (pool_->stopping())
    return fail(http_errc::shutting_down, {});
  stage_ = "sending the request";
  conn_->tcp().expires_at(deadline_);
  std::visit(
    [this](auto& stream) {
      http::async_write(stream, request_,
                        beast::bind_front_handler(&http_exchange::on_write,
                                                  shared_from_this()));
    },
    conn_->stream);
}

void http_exchange::on_write(beast::error_code ec, size_t) {
  if (ec && is_closed_by_peer(ec) && can_resend())
    return resend();
  if (ec || pool_->stopping())
    return fail(cause(ec, http_errc::connection_closed),
                "cannot send the request to " + url_.authority() + ": "
                  + ec.message());
  read_header();
}

// The header is read on its own because Beast 1.74 drops the body_limit
// error for a Content-Length when the body arrives in the same read as
// the header; parsing stops after the header only when reading just it.
void http_exchange::read_header() {
  stage_ = "reading the response";
  parser_.emplace();
  // A response to HEAD announces a body it does not send.
  limit(*parser_, pool_->options().max_response_bytes,
        request_.method() == http::verb::head);
  conn_->tcp().expires_at(deadline_);
  std::visit(
    [this](auto& stream) {
      http::async_read_header(stream, conn_->buffer, *parser_,
                              beast::bind_front_handler(
                                &http_exchange::on_header, shared_from_this()));
    },
    conn_->stream);
}

void http_exchange::on_header(beast::error_code ec, size_t) {
  if (ec || pool_->stopping())
    return fail_reading(ec);
  conn_->tcp().expires_at(deadline_);
  std::visit(
    [this](auto& stream) {
      http::async_read(stream, conn_->buffer, *parser_,
                       beast::bind_front_handler(&http_exchange::on_body,
                                                 shared_from_this()));
    },
    conn_->stream);
}

void http_exchange::on_body(beast::error_code ec, size_t) {
  if (ec || pool_->stopping())
    return fail_reading(ec);
  succeed();
}

void http_exchange::fail_reading(const beast::error_code& ec) {
  bool nothing_received = !parser_->got_some() && conn_->buffer.size() == 0;
  if (is_closed_by_peer(ec) && nothing_received && can_resend())
    return resend();
  auto error = read_error(ec, url_.authority(),
                          pool_->options().max_response_bytes);
  fail(cause(ec, error.code), std::move(error.message));
}

void http_exchange::succeed() {
  // A body that ends with the connection leaves nothing to reuse.
  auto reusable = parser_->get().keep_alive() && !parser_->need_eof();
  auto result = to_response(*parser_);
  release(reusable);
  finish(std::move(result));
}

// -- failures and retries -----------------------------------------------------

// Shutdown and an expired deadline explain an error better than the
// error itself (often operation_aborted).
http_errc http_exchange::cause(const beast::error_code& ec,
                               http_errc otherwise) const {
  if (pool_->stopping())
    return http_errc::shutting_down;
  if (ec == beast::error::timeout || clock_type::now() >= deadline_)
    return http_errc::timeout;
  return otherwise;
}

// Only a connection that served earlier requests may have gone stale
// while idle; a new one failing is the server's answer.
bool http_exchange::can_resend() const {
  return reused_ && !resent_ && !pool_->stopping()
         && clock_type::now() < deadline_;
}

void http_exchange::resend() {
  resent_ = true;
  pool_->count_stale_retry();
  auto dead = std::move(conn_);
  dead->close();
  auto fresh = pool_->replace(dead, url_);
  if (!fresh)
    return finish(http_error{http_errc::shutting_down, shutting_down_text});
  reused_ = false;
  conn_ = std::move(fresh);
  asio::post(conn_->strand, [self = shared_from_this()] { self->resolve(); });
}

void http_exchange::fail_timeout() {
  fail(http_errc::timeout, {});
}

// Timeouts and shutdown get a standard message.
void http_exchange::fail(http_errc code, std::string detail) {
  if (code == http_errc::timeout)
    detail = "no response from " + url_.origin() + " within "
             + std::to_string(timeout_.count()) + " ms (timed out " + stage_
             + ")";
  else if (code == http_errc::shutting_down)
    detail = shutting_down_text;
  release(false);
  finish(http_error{code, std::move(detail)});
}

void http_exchange::release(bool reusable) {
  if (!conn_)
    return;
  resolving_ = false;
  if (reusable)
    conn_->tcp().expires_never();
  pool_->checkin(std::move(conn_), reusable);
}

void http_exchange::finish(http_outcome outcome) {
  if (finished_)
    return;
  finished_ = true;
  auto done = std::move(done_);
  done(std::move(outcome));
}

} // namespace grader::net::detail
