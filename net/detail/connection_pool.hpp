#pragma once

// The keep-alive connection pool behind http_client, with the I/O threads
// and the TLS context its connections run on.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "net/detail/connection.hpp"
#include "net/detail/host_resolver.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace grader::net::detail {

class http_exchange;

/// An exchange as the pool queues it.
using exchange_ptr = std::shared_ptr<http_exchange>;

/// Everything http_client owns: the I/O threads, the TLS context, and per
/// origin the idle connections and the requests waiting for one. Exchanges
/// hold it by shared_ptr, and shutdown() returns only once every exchange
/// has finished, so no handler outlives it.
class connection_pool {
public:
  /// Loads `options.ca_file`, if any, and starts `options.io_threads`
  /// threads. The system's trust store waits for the first HTTPS
  /// connection: loading it takes 20 ms, a tenth of a short batch.
  explicit connection_pool(http_client_options options);

  /// Starts `ex` on an idle connection to its origin, or on a new one while
  /// the origin has fewer than max_connections_per_host, else queues it
  /// until one comes back. Idle connections past idle_timeout are closed
  /// on the way.
  void checkout(const exchange_ptr& ex);

  /// Gives back a connection after an exchange, to the pool or to the next
  /// waiting request when `reusable`, else closes it and frees its slot.
  /// Called on the connection's strand.
  void checkin(connection_ptr conn, bool reusable);

  /// Swaps a dead connection for a new one to the same host, keeping its
  /// slot; nullptr when shutting down.
  connection_ptr replace(const connection_ptr& dead, const http_url& url);

  /// Fails every request with shutting_down, closes every connection and
  /// joins the I/O threads once all callbacks have run.
  void shutdown();

  /// Calls `done` with `outcome` on an I/O thread, as an exchange would:
  /// for requests that fail before they reach the pool.
  void post_outcome(std::function<void(http_outcome)> done,
                    http_outcome outcome);

  /// The counters so far.
  http_client_stats stats() const {
    return {opened_.load(), reused_.load(), stale_retries_.load(),
            resolver_.lookups()};
  }

  /// Why the TLS context lacks trust anchors it was meant to have; empty
  /// when it is fine.
  std::string tls_setup_error() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return tls_setup_error_;
  }

  /// Whether the configured `ca_file` failed to load, so that HTTPS
  /// requests would not be checked as the user asked.
  bool ca_file_failed() const {
    return ca_file_failed_;
  }

  const http_client_options& options() const {
    return options_;
  }

  boost::asio::io_context& io_context() {
    return ioc_;
  }

  /// Where connections look their host up.
  host_resolver& resolver() {
    return resolver_;
  }

  /// Whether shutdown() has begun.
  bool stopping() const {
    return stopping_.load();
  }

  void count_opened() {
    ++opened_;
  }

  void count_reused() {
    ++reused_;
  }

  void count_stale_retry() {
    ++stale_retries_;
  }

private:
  struct host_pool {
    /// Oldest first; the newest is reused, the oldest expire.
    std::vector<connection_ptr> idle;
    /// Requests waiting for a connection, first come first served.
    std::deque<exchange_ptr> waiting;
    /// Connections counted against max_connections_per_host.
    size_t open = 0;
  };

  // Requires mutex_.
  connection_ptr open_connection(host_pool& pool, const http_url& url);

  // Requires mutex_.
  void load_system_trust_store();

  const http_client_options options_;
  // Declared before everything holding sockets, so it is destroyed last.
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type>
    work_;
  host_resolver resolver_{ioc_, std::chrono::seconds{30}};
  boost::asio::ssl::context ssl_ctx_{boost::asio::ssl::context::tls_client};
  bool system_trust_store_loaded_ = false;
  // Guarded by mutex_.
  std::string tls_setup_error_;
  bool ca_file_failed_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> opened_{0};
  std::atomic<uint64_t> reused_{0};
  std::atomic<uint64_t> stale_retries_{0};
  mutable std::mutex mutex_;
  // By origin.
  std::map<std::string, host_pool> pools_;
  /// Every open connection, idle or busy, so shutdown can close them.
  std::unordered_set<connection_ptr> live_;
  std::vector<std::thread> threads_;
};

} // namespace grader::net::detail
