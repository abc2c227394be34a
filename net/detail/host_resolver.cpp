#include "net/detail/host_resolver.hpp"

#include <utility>

namespace grader::net::detail {

namespace {

std::string key_of(const std::string& host, uint16_t port) {
  return host + ":" + std::to_string(port);
}

} // namespace

host_resolver::host_resolver(boost::asio::io_context& io,
                             clock_type::duration ttl)
  : ttl_(ttl), resolver_(io) {
}

void host_resolver::resolve(const std::string& host, uint16_t port,
                            callback done) {
  auto key = key_of(host, port);
  addresses known;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto& e = entries_[key];
    if (e.looking_up) {
      e.waiting.push_back(std::move(done));
      return;
    }
    if (e.known.empty() || clock_type::now() >= e.expires) {
      e.looking_up = true;
      e.waiting.push_back(std::move(done));
      ++lookups_;
      resolver_.async_resolve(host, std::to_string(port),
                              [this, key](const boost::system::error_code& ec,
                                          addresses found) {
                                on_resolved(key, ec, found);
                              });
      return;
    }
    known = e.known;
  }
  done({}, known);
}

void host_resolver::on_resolved(const std::string& key,
                                const boost::system::error_code& ec,
                                const addresses& found) {
  std::vector<callback> waiting;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto& e = entries_[key];
    e.looking_up = false;
    waiting.swap(e.waiting);
    if (!ec) {
      e.known = found;
      e.expires = clock_type::now() + ttl_;
    }
  }
  for (auto& done : waiting)
    done(ec, found);
}

void host_resolver::forget(const std::string& host, uint16_t port) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto e = entries_.find(key_of(host, port));
  if (e != entries_.end())
    e->second.known = {};
}

void host_resolver::cancel() {
  std::lock_guard<std::mutex> guard{mutex_};
  resolver_.cancel();
}

uint64_t host_resolver::lookups() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return lookups_;
}

} // namespace grader::net::detail
