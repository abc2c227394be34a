#include "net/judge_server.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "net/judge_handler.hpp"

namespace grader::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

// A client that sends nothing for this long loses its connection.
constexpr std::chrono::seconds idle_timeout{30};

// Time allowed for a TLS handshake or shutdown, or for writing a response.
constexpr std::chrono::seconds io_timeout{30};

// How long a closing connection reads what the client still sends.
constexpr std::chrono::seconds linger_timeout{5};

// How long to wait before accepting again after accepting failed. Out of
// file descriptors, the connection stays queued and accepting again at once
// fails at once, forever; closing connections takes longer than this.
constexpr std::chrono::milliseconds accept_backoff{50};

// The request parser's limit on the start line and header fields; Beast's
// default, named because a 431 reports it.
constexpr uint32_t header_limit = 8 * 1024;

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_version).category();
}

// A connection the server can close from outside its own handlers.
class connection {
public:
  virtual ~connection() = default;

  // Closes the connection on its own strand; safe from any thread.
  virtual void close() = 0;
};

// What the server shares with its connections. Connections hold it, so it
// outlives the last of them, even those destroyed with the io_context.
struct server_state {
  server_state(const judge_server_options& options,
               asio::thread_pool::executor_type grading)
    : handler(options), grading(grading), body_limit(options.max_body_bytes) {
  }

  judge_handler handler;
  // Where requests are graded, off the threads serving connections. The
  // pool belongs to judge_server and is joined before the io_context goes.
  asio::thread_pool::executor_type grading;
  const uint64_t body_limit;
  std::mutex mutex;
  // Signalled when `stopping` is set.
  std::condition_variable stopped;
  bool stopping = false;
  std::unordered_map<connection*, std::weak_ptr<connection>> connections;

  // Registers `x` so that stop() can close it; false once stopping.
  bool add(const std::shared_ptr<connection>& x) {
    std::lock_guard<std::mutex> guard{mutex};
    if (stopping)
      return false;
    connections.emplace(x.get(), x);
    return true;
  }

  void remove(connection* x) {
    std::lock_guard<std::mutex> guard{mutex};
    connections.erase(x);
  }

  std::vector<std::shared_ptr<connection>> live_connections() {
    std::vector<std::shared_ptr<connection>> result;
    std::lock_guard<std::mutex> guard{mutex};
    for (auto& entry : connections) {
      if (auto x = entry.second.lock())
        result.push_back(std::move(x));
    }
    return result;
  }
};

std::string_view view(beast::string_view x) {
  return {x.data(), x.size()};
}

// One HTTP/1.1 connection, plain or TLS, serving requests one after the
// other on its own strand. Every step is an asynchronous operation, so
// that a reply's delay never blocks the thread.
template <class Stream>
class session : public connection,
                public std::enable_shared_from_this<session<Stream>> {
public:
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

  // `args` construct the stream: a socket, and for TLS the context.
  template <class... Args>
  explicit session(std::shared_ptr<server_state> state, Args&&... args)
    : stream_(std::forward<Args>(args)...),
      delay_(stream_.get_executor()),
      state_(std::move(state)) {
  }

  ~session() override {
    end_request();
    state_->remove(this);
  }

  void start() {
    // A server that is stopping drops the connection with this session.
    if (state_->add(this->shared_from_this()))
      asio::dispatch(stream_.get_executor(), next(&session::on_start));
  }

  void close() override {
    asio::post(stream_.get_executor(), next(&session::on_close));
  }

private:
  // The completion handler for the next step: it calls `step` on this
  // session and keeps the session alive until then.
  template <class Step>
  auto next(Step step) {
    return beast::bind_front_handler(step, this->shared_from_this());
  }

  void on_start() {
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(io_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              next(&session::on_handshake));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (!ec)
      do_read();
  }

  void do_read() {
    if (closed_)
      return;
    // A fresh parser per request: a parser reads one message only.
    parser_.emplace();
    parser_->body_limit(state_->body_limit);
    parser_->header_limit(header_limit);
    beast::get_lowest_layer(stream_).expires_after(idle_timeout);
    http::async_read(stream_, buffer_, *parser_, next(&session::on_read));
  }

  void on_read(beast::error_code ec, size_t) {
    if (closed_)
      return;
    if (ec == http::error::end_of_stream) {
      do_shutdown();
      return;
    }
    // A request the parser refused still gets an answer saying why; then
    // the connection closes, as nothing after it can be read reliably.
    if (ec == http::error::body_limit) {
      version_ = parser_->get().version();
      return refuse(state_->handler.too_large(state_->body_limit));
    }
    if (ec == http::error::header_limit) {
      version_ = 11;
      return refuse(state_->handler.header_too_large(header_limit));
    }
    if (is_http_parse_error(ec) && ec != http::error::partial_message) {
      version_ = 11;
      return refuse(state_->handler.malformed(ec.message()));
    }
    // A timeout, a reset, or the client gone mid-request: nobody to answer.
    if (ec)
      return;
    auto& request = parser_->get();
    version_ = request.version();
    keep_alive_ = request.keep_alive();
    in_request_ = true;
    // The latency counts from here, as a model's would: the time spent
    // waiting for the grading pool is part of it, not added to it.
    read_at_ = std::chrono::steady_clock::now();
    state_->handler.request_started();
    // Grading may take long (a big answer, many keywords): it runs on the
    // grading pool, and the reply comes back to this connection's strand.
    asio::post(
      state_->grading,
      [self = this->shared_from_this(), strand = stream_.get_executor(),
       method = std::string(view(request.method_string())),
       target = std::string(view(request.target())),
       body = std::move(request.body()),
       authorization = std::string(view(request[http::field::authorization]))] {
        auto reply = self->state_->handler.handle(method, target, body,
                                                  authorization);
        asio::post(strand, [self, reply = std::move(reply)]() mutable {
          self->on_graded(std::move(reply));
        });
      });
  }

  void refuse(judge_response reply) {
    keep_alive_ = false;
    reply_ = std::move(reply);
    act();
  }

  void on_graded(judge_response reply) {
    if (closed_)
      return;
    reply_ = std::move(reply);
    if (reply_.delay.count() <= 0) {
      act();
      return;
    }
    delay_.expires_at(read_at_ + reply_.delay);
    delay_.async_wait(next(&session::on_delay));
  }

  void on_delay(beast::error_code ec) {
    if (!ec && !closed_)
      act();
  }

  void act() {
    switch (reply_.action) {
      case judge_action::respond:
        do_write();
        break;
      case judge_action::hang:
        do_hang();
        break;
      case judge_action::reset:
        do_reset();
        break;
    }
  }

  void do_write() {
    response_ = {};
    response_.version(version_);
    response_.result(reply_.status);
    response_.set(http::field::server, "grader-judge");
    response_.set(http::field::content_type, reply_.content_type);
    for (const auto& [name, value] : reply_.headers)
      response_.set(name, value);
    response_.keep_alive(keep_alive_);
    response_.body() = std::move(reply_.body);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(io_timeout);
    http::async_write(stream_, response_, next(&session::on_write));
  }

  void on_write(beast::error_code ec, size_t) {
    end_request();
    if (ec || closed_)
      return;
    if (keep_alive_)
      do_read();
    else
      do_shutdown();
  }

  // Keeps the connection open without a reply, as a stuck model's would.
  void do_hang() {
    beast::get_lowest_layer(stream_).expires_never();
    do_discard();
  }

  // Reads and discards whatever comes until the client closes the
  // connection or the stream's deadline passes.
  void do_discard() {
    stream_.async_read_some(asio::buffer(discarded_),
                            next(&session::on_discard));
  }

  void on_discard(beast::error_code ec, size_t) {
    if (!ec && !closed_)
      do_discard();
  }

  // A zero linger time makes close() send an RST instead of a FIN.
  void do_reset() {
    auto& socket = beast::get_lowest_layer(stream_).socket();
    beast::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
  }

  void do_shutdown() {
    if constexpr (is_tls) {
      beast::get_lowest_layer(stream_).expires_after(io_timeout);
      stream_.async_shutdown(next(&session::on_shutdown));
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      // Closing with unread bytes would reset the connection, and the
      // client, maybe still sending a body too large, would lose the reply.
      stream_.expires_after(linger_timeout);
      do_discard();
    }
  }

  void on_shutdown(beast::error_code) {
    // The session ends here either way; its destructor closes the socket.
  }

  // A request read counts as in flight until it is answered or its
  // connection ends.
  void end_request() {
    if (in_request_) {
      in_request_ = false;
      state_->handler.request_ended();
    }
  }

  void on_close() {
    closed_ = true;
    delay_.cancel();
    beast::get_lowest_layer(stream_).close();
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  judge_response reply_;
  http::response<http::string_body> response_;
  asio::steady_timer delay_;
  std::chrono::steady_clock::time_point read_at_;
  char discarded_[512];
  bool closed_ = false;
  bool in_request_ = false;
  std::shared_ptr<server_state> state_;
};

using plain_session = session<beast::tcp_stream>;
using tls_session = session<beast::ssl_stream<beast::tcp_stream>>;

// `host:port`, with an IPv6 address in brackets so the port stays apart.
std::string address_text(const std::string& host, uint16_t port) {
  auto text = host.find(':') == std::string::npos ? host : '[' + host + ']';
  return text + ':' + std::to_string(port);
}

} // namespace

struct judge_server::impl {
  explicit impl(judge_server_options opts)
    : options(std::move(opts)),
      grading(std::max<size_t>(options.grading_threads, 1)),
      state(std::make_shared<server_state>(options, grading.get_executor())),
      io(static_cast<int>(thread_count())),
      acceptor(asio::make_strand(io)),
      accept_timer(acceptor.get_executor()) {
    load_tls();
    listen();
    do_accept();
    for (size_t i = 0; i < thread_count(); ++i)
      threads.emplace_back([this] { io.run(); });
  }

  ~impl() {
    stop();
    for (auto& thread : threads)
      thread.join();
    // Grading in progress finishes; its reply goes nowhere.
    grading.join();
  }

  size_t thread_count() const {
    return std::max<size_t>(options.threads, 1);
  }

  void load_tls() {
    if (options.tls_cert_file.empty() && options.tls_key_file.empty())
      return;
    if (options.tls_cert_file.empty() || options.tls_key_file.empty())
      throw std::runtime_error("HTTPS needs both a certificate and a key file");
    tls.emplace(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                     | ssl::context::no_sslv3 | ssl::context::single_dh_use);
    beast::error_code ec;
    tls->use_certificate_chain_file(options.tls_cert_file, ec);
    if (ec)
      throw std::runtime_error("cannot load TLS certificate "
                               + options.tls_cert_file + ": " + ec.message());
    tls->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
    if (ec)
      throw std::runtime_error("cannot load TLS key " + options.tls_key_file
                               + ": " + ec.message());
  }

  void listen() {
    beast::error_code ec;
    auto fail = [&] {
      throw std::runtime_error("cannot listen on "
                               + address_text(options.host, options.port) + ": "
                               + ec.message());
    };
    auto address = asio::ip::make_address(options.host, ec);
    if (ec)
      fail();
    tcp::endpoint endpoint{address, options.port};
    acceptor.open(endpoint.protocol(), ec);
    if (ec)
      fail();
    // Lets a restarted server take its port back from TIME_WAIT sockets.
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
      acceptor.bind(endpoint, ec);
    if (!ec)
      acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      fail();
    port = acceptor.local_endpoint().port();
  }

  void do_accept() {
    // Each connection gets its own strand, so several threads may serve
    // connections while each connection's steps stay in order.
    acceptor.async_accept(asio::make_strand(io),
                          beast::bind_front_handler(&impl::on_accept, this));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open())
      return;
    // A connection the client gave up before we took it is gone from the
    // queue: the next one may be fine. Any other failure (EMFILE, ENFILE,
    // ENOBUFS) would come back at once: wait for connections to close.
    if (ec && ec != asio::error::connection_aborted) {
      accept_timer.expires_after(accept_backoff);
      accept_timer.async_wait([this](beast::error_code timer_ec) {
        if (!timer_ec && acceptor.is_open())
          do_accept();
      });
      return;
    }
    if (!ec) {
      state->handler.count_connection();
      if (tls)
        std::make_shared<tls_session>(state, std::move(socket), *tls)->start();
      else
        std::make_shared<plain_session>(state, std::move(socket))->start();
    }
    do_accept();
  }

  void stop() {
    {
      std::lock_guard<std::mutex> guard{state->mutex};
      if (state->stopping)
        return;
      state->stopping = true;
    }
    state->stopped.notify_all();
    // The acceptor belongs to its strand: close it there. Once every
    // connection is closed too, the threads run out of work and return.
    asio::post(acceptor.get_executor(), [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      accept_timer.cancel();
      for (auto& x : state->live_connections())
        x->close();
    });
  }

  void wait() {
    std::unique_lock<std::mutex> guard{state->mutex};
    state->stopped.wait(guard, [this] { return state->stopping; });
  }

  judge_server_options options;
  // Declared before the io_context, and joined in ~impl before it goes:
  // grading posts replies to connections' strands.
  asio::thread_pool grading;
  std::shared_ptr<server_state> state;
  // Declared before the io_context, so that it outlives the TLS streams
  // that the io_context's destructor may still destroy.
  std::optional<ssl::context> tls;
  asio::io_context io;
  tcp::acceptor acceptor;
  // Paces accepting after a failure; on the acceptor's strand.
  asio::steady_timer accept_timer;
  uint16_t port = 0;
  std::vector<std::thread> threads;
};

judge_server::judge_server(judge_server_options options)
  : impl_(std::make_unique<impl>(std::move(options))) {
}

judge_server::~judge_server() = default;

uint16_t judge_server::port() const {
  return impl_->port;
}

judge_server_stats judge_server::stats() const {
  return impl_->state->handler.stats();
}

void judge_server::wait() {
  impl_->wait();
}

void judge_server::stop() {
  impl_->stop();
}

} // namespace grader::net
