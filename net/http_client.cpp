#include "net/http_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "net/url.hpp"

namespace grader::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using callback = std::function<void(http_outcome)>;
using strand_type = asio::strand<asio::io_context::executor_type>;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

constexpr const char* user_agent = "grader/0.1";

// Longer timeouts mean none, and would overflow a steady_clock deadline.
constexpr std::chrono::milliseconds max_timeout = std::chrono::hours{24 * 365};

// -- URLs and requests --------------------------------------------------------

// Connections are shared by scheme, host and port.
std::string pool_key(const http_url& url) {
  return url.scheme() + "://" + url.authority();
}

// RFC 7230 token characters: what a method or a header name consists of.
bool is_token_char(char c) {
  static constexpr std::string_view others = "!#$%&'*+-.^_`|~";
  return std::isalnum(static_cast<unsigned char>(c))
         || others.find(c) != std::string_view::npos;
}

bool is_token(std::string_view x) {
  return !x.empty() && std::all_of(x.begin(), x.end(), is_token_char);
}

// What keeps `x` from going out as it is, or "". A CR or LF in a header
// value would end the header and let whoever chose the value (an API key
// from the environment, say) write headers of their own; the message names
// the header, never its value, which may be a secret.
std::string request_problem(const http_request& x) {
  if (!is_token(x.method))
    return "the method is not an HTTP token";
  for (auto& [name, value] : x.headers) {
    if (!is_token(name))
      return "a header name is not an HTTP token";
    if (value.find_first_of(std::string_view("\r\n\0", 3))
        != std::string::npos)
      return "the value of the header " + name
             + " contains CR, LF or NUL; it is not sent";
  }
  return {};
}

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

// -- error classification -----------------------------------------------------

// What a server that closed an idle keep-alive connection looks like to the
// next request sent on it.
bool is_closed_by_peer(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof
         || ec == asio::error::connection_reset
         || ec == asio::error::connection_aborted
         || ec == asio::error::broken_pipe
         || ec == asio::ssl::error::stream_truncated;
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_version).category();
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

// -- reading responses --------------------------------------------------------

using response_parser = http::response_parser<http::string_body>;

// The limits every response is read with, by exchanges and by
// parse_http_response alike. Headers keep Beast's limit of 8 KiB.
void limit(response_parser& parser, size_t max_response_bytes,
           bool head_request) {
  parser.body_limit(max_response_bytes);
  parser.skip(head_request);
}

// What went wrong reading a response from `from` (a host:port), once the
// connection has no better explanation (a timeout, shutting down).
http_error read_error(const beast::error_code& ec, const std::string& from,
                      size_t max_response_bytes) {
  if (ec == http::error::body_limit || ec == http::error::header_limit)
    return {http_errc::response_too_large,
            "the response from " + from + " exceeds "
              + std::to_string(max_response_bytes) + " bytes ("
              + ec.message() + ")"};
  if (is_http_parse_error(ec) && ec != http::error::partial_message)
    return {http_errc::malformed_response,
            "the response from " + from + " is not HTTP/1.1: " + ec.message()};
  return {http_errc::connection_closed,
          from + " closed the connection before a full response: "
            + ec.message()};
}

// Takes the message out of a parser that is done.
http_response to_response(response_parser& parser) {
  auto& msg = parser.get();
  http_response result;
  result.status = msg.result_int();
  for (auto& field : msg)
    result.headers.emplace_back(std::string(field.name_string()),
                                std::string(field.value()));
  result.body = std::move(msg.body());
  return result;
}

// -- connections --------------------------------------------------------------

/// One TCP (or TLS) connection to a host, and everything that does I/O for
/// it. Its strand serializes the exchange using it with close() from the
/// client's destructor.
struct connection {
  using stream_type = std::variant<plain_stream, tls_stream>;

  connection(strand_type executor, std::string key, asio::ssl::context* tls)
      : strand(executor), key(std::move(key)), resolver(executor),
        resolve_timer(executor),
        stream(tls ? stream_type(std::in_place_type<tls_stream>, executor, *tls)
                   : stream_type(std::in_place_type<plain_stream>, executor)) {}

  beast::tcp_stream& tcp() {
    return std::visit(
        [](auto& s) -> beast::tcp_stream& {
          return beast::get_lowest_layer(s);
        },
        stream);
  }

  /// Aborts whatever is pending; only ever called on `strand`.
  void close() {
    resolver.cancel();
    resolve_timer.cancel();
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

  strand_type strand;
  const std::string key;
  tcp::resolver resolver;
  asio::steady_timer resolve_timer;
  stream_type stream;
  /// Bytes read past the last response stay with the connection.
  beast::flat_buffer buffer;
  /// When it went back to the pool.
  clock_type::time_point idle_since;
};

using connection_ptr = std::shared_ptr<connection>;

class exchange;
using exchange_ptr = std::shared_ptr<exchange>;

// -- the client ---------------------------------------------------------------

/// Everything http_client owns: the I/O threads, the TLS context, the pool.
/// Exchanges hold it by shared_ptr, and shutdown() returns only once every
/// exchange has finished, so no handler outlives it.
class client_core : public std::enable_shared_from_this<client_core> {
public:
  explicit client_core(http_client_options options);

  void send(http_request request, callback done);

  /// Fails every request with shutting_down, closes every connection and
  /// joins the I/O threads once all callbacks have run.
  void shutdown();

  http_client_stats stats() const {
    return {opened_.load(), reused_.load(), stale_retries_.load()};
  }

  std::string tls_setup_error() const { return tls_setup_error_; }

  // -- for exchanges ----------------------------------------------------------

  const http_client_options& options() const { return options_; }

  asio::io_context& io_context() { return ioc_; }

  bool stopping() const { return stopping_.load(); }

  void count_opened() { ++opened_; }

  void count_reused() { ++reused_; }

  void count_stale_retry() { ++stale_retries_; }

  /// Gives back a connection after an exchange, to the pool or to the next
  /// waiting request when `reusable`, else closes it and frees its slot.
  /// Called on the connection's strand.
  void checkin(connection_ptr conn, bool reusable);

  /// Swaps a dead connection for a new one to the same host, keeping its
  /// slot; nullptr when shutting down.
  connection_ptr replace(const connection_ptr& dead, const http_url& url);

private:
  struct host_pool {
    /// Oldest first; the newest is reused, the oldest expire.
    std::vector<connection_ptr> idle;
    /// Requests waiting for a connection, first come first served.
    std::deque<exchange_ptr> waiting;
    /// Connections counted against max_connections_per_host.
    size_t open = 0;
  };

  void checkout(const exchange_ptr& ex);

  // Requires mutex_.
  connection_ptr open_connection(host_pool& pool, const http_url& url);

  void post_outcome(callback done, http_outcome outcome) {
    asio::post(
        ioc_, [done = std::move(done), outcome = std::move(outcome)]() mutable {
          done(std::move(outcome));
        });
  }

  const http_client_options options_;
  // Declared before everything holding sockets, so it is destroyed last.
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::ssl::context ssl_ctx_{asio::ssl::context::tls_client};
  std::string tls_setup_error_;
  bool ca_file_failed_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> opened_{0};
  std::atomic<uint64_t> reused_{0};
  std::atomic<uint64_t> stale_retries_{0};
  std::mutex mutex_;
  std::map<std::string, host_pool> pools_;
  /// Every open connection, idle or busy, so shutdown can close them.
  std::unordered_set<connection_ptr> live_;
  std::vector<std::thread> threads_;
};

// -- exchanges ----------------------------------------------------------------

/// One send(): takes a connection, then resolve, connect, handshake, write,
/// read, one step per asynchronous operation, all on the connection's
/// strand. `request.timeout` is a deadline shared by every step, including
/// a resend after a stale connection.
class exchange : public std::enable_shared_from_this<exchange> {
public:
  exchange(std::shared_ptr<client_core> core, http_url url,
           http::request<http::string_body> request,
           std::chrono::milliseconds timeout, callback done)
      : core_(std::move(core)), url_(std::move(url)),
        request_(std::move(request)), timeout_(std::min(timeout, max_timeout)),
        done_(std::move(done)) {}

  const http_url& url() const { return url_; }

  /// Begins on `conn`, which is new or was idle in the pool (`reused`).
  void start(connection_ptr conn, bool reused) {
    auto strand = conn->strand;
    asio::post(strand, [self = shared_from_this(), conn = std::move(conn),
                        reused]() mutable {
      self->deadline_ = clock_type::now() + self->timeout_;
      self->conn_ = std::move(conn);
      self->reused_ = reused;
      if (reused) {
        self->core_->count_reused();
        self->write();
      } else {
        self->resolve();
      }
    });
  }

  /// Ends a request that never got a connection.
  void abandon() {
    asio::post(core_->io_context(), [self = shared_from_this()] {
      self->finish(http_error{http_errc::shutting_down, shutting_down_text});
    });
  }

private:
  static constexpr const char* shutting_down_text
      = "the HTTP client is shutting down";

  // -- steps ------------------------------------------------------------------

  void resolve() {
    if (core_->stopping())
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
    conn_->resolver.async_resolve(
        url_.host, std::to_string(url_.port),
        beast::bind_front_handler(&exchange::on_resolve, shared_from_this()));
  }

  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (finished_)
      return;
    resolving_ = false;
    conn_->resolve_timer.cancel();
    if (core_->stopping())
      return fail(http_errc::shutting_down, {});
    if (ec)
      return fail(cause(ec, http_errc::resolve_failed),
                  "cannot resolve " + url_.host + ": " + ec.message());
    stage_ = "connecting";
    conn_->tcp().expires_at(deadline_);
    conn_->tcp().async_connect(
        results,
        beast::bind_front_handler(&exchange::on_connect, shared_from_this()));
  }

  void on_connect(beast::error_code ec, const tcp::endpoint&) {
    if (ec || core_->stopping())
      return fail(cause(ec, http_errc::connect_failed),
                  "cannot connect to " + url_.authority() + ": "
                      + ec.message());
    core_->count_opened();
    if (url_.tls)
      handshake();
    else
      write();
  }

  void handshake() {
    stage_ = "in the TLS handshake";
    auto& stream = std::get<tls_stream>(conn_->stream);
    beast::error_code ec;
    if (core_->options().verify_peer) {
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
    stream.async_handshake(
        asio::ssl::stream_base::client,
        beast::bind_front_handler(&exchange::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec || core_->stopping()) {
      auto* ssl = std::get<tls_stream>(conn_->stream).native_handle();
      return fail(cause(ec, http_errc::tls_failed),
                  "TLS handshake with " + url_.authority()
                      + " failed: " + tls_failure_text(ec, ssl));
    }
    write();
  }

  void write() {
    if (core_->stopping())
      return fail(http_errc::shutting_down, {});
    stage_ = "sending the request";
    conn_->tcp().expires_at(deadline_);
    std::visit(
        [this](auto& stream) {
          http::async_write(stream, request_,
                            beast::bind_front_handler(&exchange::on_write,
                                                      shared_from_this()));
        },
        conn_->stream);
  }

  void on_write(beast::error_code ec, size_t) {
    if (ec && is_closed_by_peer(ec) && can_resend())
      return resend();
    if (ec || core_->stopping())
      return fail(cause(ec, http_errc::connection_closed),
                  "cannot send the request to " + url_.authority() + ": "
                      + ec.message());
    read_header();
  }

  // The header is read on its own because Beast 1.74 drops the body_limit
  // error for a Content-Length when the body arrives in the same read as
  // the header; parsing stops after the header only when reading just it.
  void read_header() {
    stage_ = "reading the response";
    parser_.emplace();
    // A response to HEAD announces a body it does not send.
    limit(*parser_, core_->options().max_response_bytes,
          request_.method() == http::verb::head);
    conn_->tcp().expires_at(deadline_);
    std::visit(
        [this](auto& stream) {
          http::async_read_header(
              stream, conn_->buffer, *parser_,
              beast::bind_front_handler(&exchange::on_header,
                                        shared_from_this()));
        },
        conn_->stream);
  }

  void on_header(beast::error_code ec, size_t) {
    if (ec || core_->stopping())
      return fail_reading(ec);
    conn_->tcp().expires_at(deadline_);
    std::visit(
        [this](auto& stream) {
          http::async_read(stream, conn_->buffer, *parser_,
                           beast::bind_front_handler(&exchange::on_body,
                                                     shared_from_this()));
        },
        conn_->stream);
  }

  void on_body(beast::error_code ec, size_t) {
    if (ec || core_->stopping())
      return fail_reading(ec);
    succeed();
  }

  void fail_reading(const beast::error_code& ec) {
    bool nothing_received = !parser_->got_some() && conn_->buffer.size() == 0;
    if (is_closed_by_peer(ec) && nothing_received && can_resend())
      return resend();
    auto error = read_error(ec, url_.authority(),
                            core_->options().max_response_bytes);
    fail(cause(ec, error.code), std::move(error.message));
  }

  void succeed() {
    // A body that ends with the connection leaves nothing to reuse.
    auto reusable = parser_->get().keep_alive() && !parser_->need_eof();
    auto result = to_response(*parser_);
    release(reusable);
    finish(std::move(result));
  }

  // -- failures and retries ---------------------------------------------------

  // Shutdown and an expired deadline explain an error better than the
  // error itself (often operation_aborted).
  http_errc cause(const beast::error_code& ec, http_errc otherwise) const {
    if (core_->stopping())
      return http_errc::shutting_down;
    if (ec == beast::error::timeout || clock_type::now() >= deadline_)
      return http_errc::timeout;
    return otherwise;
  }

  // Only a connection that served earlier requests may have gone stale
  // while idle; a new one failing is the server's answer.
  bool can_resend() const {
    return reused_ && !resent_ && !core_->stopping()
           && clock_type::now() < deadline_;
  }

  void resend() {
    resent_ = true;
    core_->count_stale_retry();
    auto dead = std::move(conn_);
    dead->close();
    auto fresh = core_->replace(dead, url_);
    if (!fresh)
      return finish(http_error{http_errc::shutting_down, shutting_down_text});
    reused_ = false;
    conn_ = std::move(fresh);
    asio::post(conn_->strand, [self = shared_from_this()] { self->resolve(); });
  }

  void fail_timeout() { fail(http_errc::timeout, {}); }

  // Timeouts and shutdown get a standard message.
  void fail(http_errc code, std::string detail) {
    if (code == http_errc::timeout)
      detail = "no response from " + pool_key(url_) + " within "
               + std::to_string(timeout_.count()) + " ms (timed out " + stage_
               + ")";
    else if (code == http_errc::shutting_down)
      detail = shutting_down_text;
    release(false);
    finish(http_error{code, std::move(detail)});
  }

  void release(bool reusable) {
    if (!conn_)
      return;
    resolving_ = false;
    if (reusable)
      conn_->tcp().expires_never();
    core_->checkin(std::move(conn_), reusable);
  }

  void finish(http_outcome outcome) {
    if (finished_)
      return;
    finished_ = true;
    auto done = std::move(done_);
    done(std::move(outcome));
  }

  std::shared_ptr<client_core> core_;
  http_url url_;
  http::request<http::string_body> request_;
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

// -- client_core --------------------------------------------------------------

client_core::client_core(http_client_options options)
    : options_(std::move(options)), work_(asio::make_work_guard(ioc_)) {
  beast::error_code ec;
  ssl_ctx_.set_default_verify_paths(ec);
  if (ec)
    tls_setup_error_ = "cannot load the system CA store: " + ec.message();
  if (!options_.ca_file.empty()) {
    ssl_ctx_.load_verify_file(options_.ca_file, ec);
    if (ec) {
      ca_file_failed_ = true;
      tls_setup_error_
          = "cannot load the CA file " + options_.ca_file + ": " + ec.message();
    }
  }
  auto n = std::max<size_t>(1, options_.io_threads);
  threads_.reserve(n);
  for (size_t i = 0; i < n; ++i)
    threads_.emplace_back([this] { ioc_.run(); });
}

void client_core::send(http_request request, callback done) {
  if (stopping())
    return post_outcome(std::move(done),
                        http_error{http_errc::shutting_down,
                                   "the HTTP client is shutting down"});
  auto parsed = parse_url(request.url);
  if (auto* problem = std::get_if<std::string>(&parsed))
    return post_outcome(std::move(done),
                        http_error{http_errc::invalid_url,
                                   "invalid URL \"" + displayed_url(request.url)
                                     + "\": " + *problem});
  if (auto problem = request_problem(request); !problem.empty())
    return post_outcome(std::move(done),
                        http_error{http_errc::invalid_request,
                                   "cannot send a request to "
                                     + displayed_url(request.url) + ": "
                                     + problem});
  auto& url = std::get<http_url>(parsed);
  if (url.tls && ca_file_failed_)
    return post_outcome(std::move(done),
                        http_error{http_errc::tls_failed, tls_setup_error_});
  auto req = make_request(request, url);
  checkout(std::make_shared<exchange>(shared_from_this(), std::move(url),
                                      std::move(req), request.timeout,
                                      std::move(done)));
}

connection_ptr client_core::open_connection(host_pool& pool,
                                            const http_url& url) {
  ++pool.open;
  auto conn = std::make_shared<connection>(
      asio::make_strand(ioc_), pool_key(url), url.tls ? &ssl_ctx_ : nullptr);
  live_.insert(conn);
  return conn;
}

void client_core::checkout(const exchange_ptr& ex) {
  connection_ptr conn;
  bool reused = false;
  std::vector<connection_ptr> expired;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping()) {
      ex->abandon();
      return;
    }
    auto key = pool_key(ex->url());
    auto& pool = pools_[key];
    auto now = clock_type::now();
    auto fresh = std::find_if(
        pool.idle.begin(), pool.idle.end(), [&](const connection_ptr& c) {
          return now - c->idle_since < options_.idle_timeout;
        });
    expired.assign(pool.idle.begin(), fresh);
    pool.idle.erase(pool.idle.begin(), fresh);
    pool.open -= expired.size();
    for (auto& c : expired)
      live_.erase(c);
    if (!pool.idle.empty()) {
      conn = std::move(pool.idle.back());
      pool.idle.pop_back();
      reused = true;
    } else if (pool.open
               < std::max<size_t>(1, options_.max_connections_per_host)) {
      conn = open_connection(pool, ex->url());
    } else {
      pool.waiting.push_back(ex);
    }
  }
  for (auto& c : expired)
    asio::post(c->strand, [c] { c->close(); });
  if (conn)
    ex->start(std::move(conn), reused);
}

void client_core::checkin(connection_ptr conn, bool reusable) {
  exchange_ptr next;
  connection_ptr next_conn;
  bool keep = false;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto& pool = pools_[conn->key];
    keep = reusable && !stopping();
    if (keep) {
      if (!pool.waiting.empty()) {
        next = std::move(pool.waiting.front());
        pool.waiting.pop_front();
        next_conn = conn;
      } else {
        conn->idle_since = clock_type::now();
        pool.idle.push_back(conn);
      }
    } else {
      --pool.open;
      live_.erase(conn);
      if (!stopping() && !pool.waiting.empty()) {
        next = std::move(pool.waiting.front());
        pool.waiting.pop_front();
        next_conn = open_connection(pool, next->url());
      }
    }
  }
  if (!keep)
    conn->close();
  if (next)
    next->start(std::move(next_conn), keep);
}

connection_ptr client_core::replace(const connection_ptr& dead,
                                    const http_url& url) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& pool = pools_[dead->key];
  live_.erase(dead);
  --pool.open;
  return stopping() ? nullptr : open_connection(pool, url);
}

void client_core::shutdown() {
  std::vector<exchange_ptr> waiting;
  std::vector<connection_ptr> open;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    stopping_ = true;
    for (auto& [key, pool] : pools_) {
      waiting.insert(waiting.end(), pool.waiting.begin(), pool.waiting.end());
      pool.waiting.clear();
      pool.idle.clear();
    }
    open.assign(live_.begin(), live_.end());
  }
  for (auto& ex : waiting)
    ex->abandon();
  // Closing cancels what each exchange waits for; its next step sees
  // stopping() and reports shutting_down instead of starting another.
  for (auto& conn : open)
    asio::post(conn->strand, [conn] { conn->close(); });
  work_.reset();
  for (auto& thread : threads_)
    thread.join();
}

} // namespace

// -- public interface ---------------------------------------------------------

std::string_view to_string(http_errc x) {
  switch (x) {
    case http_errc::invalid_url:
      return "invalid_url";
    case http_errc::invalid_request:
      return "invalid_request";
    case http_errc::resolve_failed:
      return "resolve_failed";
    case http_errc::connect_failed:
      return "connect_failed";
    case http_errc::tls_failed:
      return "tls_failed";
    case http_errc::timeout:
      return "timeout";
    case http_errc::connection_closed:
      return "connection_closed";
    case http_errc::response_too_large:
      return "response_too_large";
    case http_errc::malformed_response:
      return "malformed_response";
    case http_errc::shutting_down:
      return "shutting_down";
  }
  return "unknown";
}

std::string http_response::header(std::string_view name) const {
  for (auto& [key, value] : headers)
    if (beast::iequals(key, beast::string_view(name.data(), name.size())))
      return value;
  return {};
}

http_outcome parse_http_response(std::string_view bytes,
                                 size_t max_response_bytes, bool head_request) {
  static const std::string from = "the server";
  response_parser parser;
  limit(parser, max_response_bytes, head_request);
  beast::error_code ec;
  // As exchanges do: the header alone first, then the rest eagerly.
  parser.eager(false);
  while (!parser.is_done()) {
    if (parser.is_header_done())
      parser.eager(true);
    auto used = bytes.empty() ? 0
                              : parser.put(asio::buffer(bytes.data(),
                                                        bytes.size()),
                                           ec);
    bytes.remove_prefix(used);
    if (ec && ec != http::error::need_more)
      return read_error(ec, from, max_response_bytes);
    // The bytes ran out, as a connection closed here would end them.
    if (bytes.empty() || ec == http::error::need_more || used == 0) {
      if (parser.is_done())
        break;
      if (!parser.got_some())
        return read_error(http::error::partial_message, from,
                          max_response_bytes);
      parser.put_eof(ec);
      if (ec)
        return read_error(ec, from, max_response_bytes);
      break;
    }
  }
  return to_response(parser);
}

struct http_client::impl : client_core {
  using client_core::client_core;
};

http_client::http_client(http_client_options options)
    : impl_(std::make_shared<impl>(std::move(options))) {}

http_client::~http_client() {
  impl_->shutdown();
}

void http_client::send(http_request request,
                       std::function<void(http_outcome)> done) {
  impl_->send(std::move(request), std::move(done));
}

http_client_stats http_client::stats() const {
  return impl_->stats();
}

std::string http_client::tls_setup_error() const {
  return impl_->tls_setup_error();
}

} // namespace grader::net
