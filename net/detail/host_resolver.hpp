#pragma once

// Host name look-ups shared by every connection of one http_client.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include "net/detail/connection.hpp"

namespace grader::net::detail {

/// Looks a host up once for many connections. Asio runs every look-up of
/// an io_context on one background thread, one after the other, so a
/// thousand connections opened at once, each resolving for itself, wait
/// for a thousand look-ups (about 80 ms even for 127.0.0.1, seconds for a
/// name that needs DNS). Here the connections asking while a look-up runs
/// wait for its answer, and the answer is kept for `ttl`.
class host_resolver {
public:
  using addresses = tcp::resolver::results_type;
  using callback
    = std::function<void(const boost::system::error_code&, const addresses&)>;

  host_resolver(boost::asio::io_context& io, clock_type::duration ttl);

  /// Calls `done` once with the addresses of `host`:`port`: at once from
  /// this thread when they are known, else from an I/O thread when the
  /// look-up ends. A failed look-up is not kept: the next call tries again.
  void resolve(const std::string& host, uint16_t port, callback done);

  /// Drops what is known of `host`:`port`, after its addresses failed to
  /// connect (the host may have moved).
  void forget(const std::string& host, uint16_t port);

  /// Ends the look-ups under way; their callers get operation_aborted.
  void cancel();

  /// Look-ups started so far.
  uint64_t lookups() const;

private:
  struct entry {
    addresses known;
    clock_type::time_point expires;
    bool looking_up = false;
    std::vector<callback> waiting;
  };

  void on_resolved(const std::string& key, const boost::system::error_code& ec,
                   const addresses& found);

  const clock_type::duration ttl_;
  mutable std::mutex mutex_;
  // The resolver is not safe to share between threads: only used under
  // mutex_.
  tcp::resolver resolver_;
  // By "host:port".
  std::map<std::string, entry> entries_;
  uint64_t lookups_ = 0;
};

} // namespace grader::net::detail
