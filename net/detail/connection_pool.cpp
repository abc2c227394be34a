#include "net/detail/connection_pool.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "net/detail/http_exchange.hpp"

namespace grader::net::detail {

namespace asio = boost::asio;

connection_pool::connection_pool(http_client_options options)
  : options_(std::move(options)), work_(asio::make_work_guard(ioc_)) {
  boost::system::error_code ec;
  if (!options_.ca_file.empty()) {
    ssl_ctx_.load_verify_file(options_.ca_file, ec);
    if (ec) {
      ca_file_failed_ = true;
      tls_setup_error_ = "cannot load the CA file " + options_.ca_file + ": "
                         + ec.message();
    }
  }
  auto n = std::max<size_t>(1, options_.io_threads);
  threads_.reserve(n);
  for (size_t i = 0; i < n; ++i)
    threads_.emplace_back([this] { ioc_.run(); });
}

void connection_pool::post_outcome(std::function<void(http_outcome)> done,
                                   http_outcome outcome) {
  asio::post(ioc_,
             [done = std::move(done), outcome = std::move(outcome)]() mutable {
               done(std::move(outcome));
             });
}

void connection_pool::load_system_trust_store() {
  if (system_trust_store_loaded_)
    return;
  system_trust_store_loaded_ = true;
  boost::system::error_code ec;
  ssl_ctx_.set_default_verify_paths(ec);
  if (ec && tls_setup_error_.empty())
    tls_setup_error_ = "cannot load the system CA store: " + ec.message();
}

connection_ptr connection_pool::open_connection(host_pool& pool,
                                                const http_url& url) {
  if (url.tls)
    load_system_trust_store();
  ++pool.open;
  auto conn = std::make_shared<connection>(
    asio::make_strand(ioc_), url.origin(), url.tls ? &ssl_ctx_ : nullptr);
  live_.insert(conn);
  return conn;
}

void connection_pool::checkout(const exchange_ptr& ex) {
  connection_ptr conn;
  bool reused = false;
  std::vector<connection_ptr> expired;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping()) {
      ex->abandon();
      return;
    }
    auto& pool = pools_[ex->url().origin()];
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

void connection_pool::checkin(connection_ptr conn, bool reusable) {
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

connection_ptr connection_pool::replace(const connection_ptr& dead,
                                        const http_url& url) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& pool = pools_[dead->key];
  live_.erase(dead);
  --pool.open;
  return stopping() ? nullptr : open_connection(pool, url);
}

void connection_pool::shutdown() {
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
  resolver_.cancel();
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

} // namespace grader::net::detail
