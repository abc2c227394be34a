#include <catch2/catch.hpp>

#include "net/detail/connection_pool.hpp"
#include "tests/fixtures/http_test_support.hpp"

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

using namespace grader::net;
using namespace grader::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

// -- the pool -----------------------------------------------------------------

TEST_CASE("http client sends sequential requests over one connection",
          "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  constexpr uint64_t n = 10;
  for (uint64_t i = 0; i < n; ++i) {
    auto outcome = send_sync(client,
                             chat_request(base_url(judge.port()),
                                          "answer " + std::to_string(i)));
    CHECK(response_of(outcome).status == 200);
  }
  CHECK(judge.stats().connections_accepted == 1);
  CHECK(client.stats().connections_opened == 1);
  CHECK(client.stats().reused == n - 1);
  CHECK(client.stats().stale_retries == 0);
}

TEST_CASE("http client keeps 100 concurrent requests within the per-host "
          "connection cap",
          "[net]") {
  auto options = judge_options();
  options.latency = 5ms;
  options.threads = 2;
  judge_server judge{options};
  http_client_options client_options;
  client_options.io_threads = 2;
  client_options.max_connections_per_host = 8;
  http_client client{client_options};
  std::vector<std::future<http_outcome>> outcomes;
  for (int i = 0; i < 100; ++i)
    outcomes.push_back(send_async(
      client, chat_request(base_url(judge.port()),
                           "concurrent answer " + std::to_string(i))));
  size_t ok = 0;
  for (auto& outcome : outcomes) {
    auto x = wait_for(outcome);
    if (response_of(x).status == 200)
      ++ok;
  }
  CHECK(ok == 100);
  CHECK(judge.stats().connections_accepted <= 8);
  CHECK(client.stats().connections_opened <= 8);
  CHECK(client.stats().reused >= 92);
}

TEST_CASE("http client looks a host up once for all the connections it "
          "opens at once",
          "[net]") {
  auto options = judge_options();
  options.latency = 20ms;
  judge_server judge{options};
  http_client_options client_options;
  client_options.max_connections_per_host = 20;
  http_client client{client_options};
  std::vector<std::future<http_outcome>> outcomes;
  for (int i = 0; i < 20; ++i)
    outcomes.push_back(
      send_async(client, chat_request(base_url(judge.port(), "localhost"),
                                      "answer " + std::to_string(i))));
  for (auto& outcome : outcomes)
    CHECK(response_of(wait_for(outcome)).status == 200);
  CHECK(client.stats().connections_opened == 20);
  CHECK(client.stats().host_lookups == 1);
}

TEST_CASE("http client closes pooled connections idle beyond idle_timeout",
          "[net]") {
  judge_server judge{judge_options()};
  http_client_options options;
  options.idle_timeout = 50ms;
  http_client client{options};
  auto url = base_url(judge.port()) + "/health";
  CHECK(response_of(send_sync(client, get_request(url))).status == 200);
  std::this_thread::sleep_for(100ms);
  CHECK(response_of(send_sync(client, get_request(url))).status == 200);
  CHECK(judge.stats().connections_accepted == 2);
  CHECK(client.stats().reused == 0);
  CHECK(client.stats().stale_retries == 0);
}

TEST_CASE("http client does not reuse a connection the server closes",
          "[net]") {
  canned_server server{"HTTP/1.1 200 OK\r\n"
                       "Content-Length: 2\r\n"
                       "Connection: close\r\n\r\n"
                       "hi"};
  http_client client;
  auto url = base_url(server.port()) + "/";
  for (int i = 0; i < 2; ++i) {
    auto outcome = send_sync(client, get_request(url));
    CHECK(response_of(outcome).body == "hi");
  }
  CHECK(server.connections() == 2);
  CHECK(client.stats().connections_opened == 2);
  CHECK(client.stats().reused == 0);
}

TEST_CASE("http client resends once when a pooled connection went stale",
          "[net]") {
  http_client client;
  auto options = judge_options();
  SECTION("the first judge serves a request, then stops with the "
          "connection idle in the pool") {
    {
      judge_server first{options};
      options.port = first.port();
      auto outcome = send_sync(client,
                               chat_request(base_url(options.port), "first"));
      REQUIRE(response_of(outcome).status == 200);
    }
    SECTION("a second judge on the same port gets the request on a fresh "
            "connection") {
      judge_server second{options};
      auto outcome = send_sync(client,
                               chat_request(base_url(options.port), "second"));
      CHECK(response_of(outcome).status == 200);
      CHECK(second.stats().connections_accepted == 1);
      CHECK(second.stats().completions == 1);
      auto stats = client.stats();
      CHECK(stats.stale_retries == 1);
      CHECK(stats.reused == 1);
      CHECK(stats.connections_opened == 2);
    }
  }
}
