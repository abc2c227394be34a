#include <catch2/catch.hpp>

#include "net/detail/host_resolver.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>

using namespace grader::net::detail;
using namespace std::chrono_literals;

namespace {

struct resolved {
  boost::system::error_code ec;
  std::vector<tcp::endpoint> endpoints;
};

// An io_context with a thread running it, as connection_pool has.
struct io_thread {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work
    = boost::asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};

  ~io_thread() {
    work.reset();
    thread.join();
  }
};

std::future<resolved> resolve(host_resolver& resolver, uint16_t port) {
  auto promise = std::make_shared<std::promise<resolved>>();
  auto result = promise->get_future();
  resolver.resolve("localhost", port,
                   [promise](const boost::system::error_code& ec,
                             const host_resolver::addresses& found) {
                     resolved x{ec, {}};
                     for (const auto& entry : found)
                       x.endpoints.push_back(entry.endpoint());
                     promise->set_value(std::move(x));
                   });
  return result;
}

resolved wait_for(std::future<resolved>& x) {
  REQUIRE(x.wait_for(10s) == std::future_status::ready);
  return x.get();
}

} // namespace

TEST_CASE("host resolver looks a host up once for callers asking together",
          "[net]") {
  io_thread runner;
  host_resolver resolver{runner.io, 30s};
  std::vector<std::future<resolved>> answers;
  for (int i = 0; i < 50; ++i)
    answers.push_back(resolve(resolver, 8080));
  auto first = wait_for(answers.front());
  REQUIRE_FALSE(first.ec);
  REQUIRE_FALSE(first.endpoints.empty());
  CHECK(first.endpoints.front().port() == 8080);
  for (size_t i = 1; i < answers.size(); ++i) {
    auto x = wait_for(answers[i]);
    CHECK_FALSE(x.ec);
    CHECK(x.endpoints == first.endpoints);
  }
  CHECK(resolver.lookups() == 1);
}

TEST_CASE("host resolver keeps an answer for its time to live", "[net]") {
  io_thread runner;
  SECTION("within it, a later call is answered at once, without a look-up") {
    host_resolver resolver{runner.io, 30s};
    auto first = resolve(resolver, 8080);
    wait_for(first);
    auto again = resolve(resolver, 8080);
    // Answered on this thread, so already there.
    REQUIRE(again.wait_for(0s) == std::future_status::ready);
    CHECK_FALSE(again.get().ec);
    CHECK(resolver.lookups() == 1);
    SECTION("another port is another look-up") {
      auto other = resolve(resolver, 8081);
      CHECK(wait_for(other).endpoints.front().port() == 8081);
      CHECK(resolver.lookups() == 2);
    }
    SECTION("a forgotten host is looked up again") {
      resolver.forget("localhost", 8080);
      auto after = resolve(resolver, 8080);
      CHECK_FALSE(wait_for(after).ec);
      CHECK(resolver.lookups() == 2);
    }
  }
  SECTION("past it, the host is looked up again") {
    host_resolver resolver{runner.io, 0s};
    auto first = resolve(resolver, 8080);
    wait_for(first);
    auto again = resolve(resolver, 8080);
    CHECK_FALSE(wait_for(again).ec);
    CHECK(resolver.lookups() == 2);
  }
}
