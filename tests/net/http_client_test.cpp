#include <catch2/catch.hpp>

#include "net/http_client.hpp"
#include "tests/fixtures/http_test_support.hpp"

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <utility>

using namespace grader::net;
using namespace grader::test;
using namespace std::chrono_literals;
using namespace std::string_literals;

// -- plain requests -----------------------------------------------------------

TEST_CASE("http client posts a chat completion and gets a JSON 200", "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto outcome = send_sync(client, chat_request(base_url(judge.port()),
                                                "Score this answer."));
  auto& response = response_of(outcome);
  CHECK(response.status == 200);
  CHECK(response.header("content-type") == "application/json");
  CHECK(response.header("CONTENT-TYPE") == "application/json");
  CHECK(response.header("x-not-there").empty());
  CHECK(response.header("content-length")
        == std::to_string(response.body.size()));
  CHECK(std::holds_alternative<grader::scoring::chat_reply>(
    decode_chat_reply(response.body)));
  CHECK(judge.stats().completions == 1);
}

TEST_CASE("http client reads the judge's counters with GET /stats", "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto outcome = send_sync(client,
                           get_request(base_url(judge.port()) + "/stats"));
  auto& response = response_of(outcome);
  CHECK(response.status == 200);
  CHECK(response.body.find("\"connections_accepted\":1") != std::string::npos);
  CHECK(response.body.find("\"requests\":1") != std::string::npos);
}

TEST_CASE("http client calls back on an I/O thread, which may send again",
          "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto url = base_url(judge.port()) + "/health";
  std::promise<std::pair<http_outcome, bool>> second;
  auto test_thread = std::this_thread::get_id();
  client.send(get_request(url), [&](http_outcome) {
    client.send(get_request(url), [&, test_thread](http_outcome x) {
      second.set_value(
        {std::move(x), std::this_thread::get_id() != test_thread});
    });
  });
  auto result = second.get_future();
  REQUIRE(result.wait_for(5s) == std::future_status::ready);
  auto [outcome, on_io_thread] = result.get();
  CHECK(response_of(outcome).body == "ok");
  CHECK(on_io_thread);
}

// -- requests it refuses -----------------------------------------------------

TEST_CASE("http client rejects invalid URLs, naming the problem", "[net]") {
  http_client client;
  auto check_invalid = [&](const std::string& url, const std::string& why) {
    auto outcome = send_sync(client, get_request(url));
    auto& error = error_of(outcome);
    CHECK(error.code == http_errc::invalid_url);
    CHECK_THAT(error.message, Catch::Contains(why));
  };
  check_invalid("127.0.0.1:8080/v1", "no http:// or https:// scheme");
  check_invalid("ftp://example.com/", "scheme 'ftp'");
  check_invalid("http:///v1/chat", "no host");
  check_invalid("http://127.0.0.1:http/", "port 'http'");
  check_invalid("http://127.0.0.1:70000/", "port '70000'");
  check_invalid("https://[::1]:8443/", "IPv6");
  check_invalid("http://exa mple.com/", "host 'exa mple.com'");
  check_invalid("http://user:secret@example.com/", "user information");
  auto outcome = send_sync(client, get_request("gopher://key:secret@host/"));
  CHECK_THAT(error_of(outcome).message, !Catch::Contains("secret"));
  CHECK(client.stats().connections_opened == 0);
}

TEST_CASE("http client refuses a URL with a fragment instead of dropping it",
          "[net]") {
  judge_server judge{judge_options()};
  http_client client;
  auto outcome = send_sync(
    client, get_request(base_url(judge.port()) + "/health#section"));
  auto& error = error_of(outcome);
  CHECK(error.code == http_errc::invalid_url);
  CHECK_THAT(error.message,
             Catch::Contains("a fragment (#...) is not allowed"));
  CHECK(judge.stats().connections_accepted == 0);
}

TEST_CASE("http client refuses header values with CR, LF or NUL and sends "
          "nothing",
          "[net]") {
  canned_server server{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"};
  http_client client;
  auto url = base_url(server.port()) + "/";
  for (const auto& value : {std::string("Bearer sk-1\r\nX-Injected-Key: yes"),
                            std::string("Bearer sk-1\nX-Injected-Key: yes"),
                            std::string("Bearer sk-1\rX-Injected-Key: yes"),
                            "Bearer sk-1\0X-Injected-Key: yes"s}) {
    auto request = get_request(url);
    request.headers = {{"Authorization", value}};
    auto outcome = send_sync(client, request);
    auto& error = error_of(outcome);
    CHECK(error.code == http_errc::invalid_request);
    CHECK_THAT(error.message, Catch::Contains("the header Authorization "
                                              "contains CR, LF or NUL"));
    // The value may be a secret: it shows nowhere.
    CHECK_THAT(error.message, !Catch::Contains("sk-1"));
    CHECK_THAT(error.message, !Catch::Contains("Injected"));
  }
  SECTION("names and methods must be tokens") {
    auto bad_name = get_request(url);
    bad_name.headers = {{"X-Key\r\nX-Injected-Key", "yes"}};
    CHECK(error_of(send_sync(client, bad_name)).code
          == http_errc::invalid_request);
    auto bad_method = get_request(url);
    bad_method.method = "GET / HTTP/1.1\r\nX-Injected-Key: yes\r\n\r\nGET";
    CHECK(error_of(send_sync(client, bad_method)).code
          == http_errc::invalid_request);
  }
  CHECK(server.connections() == 0);
  CHECK(client.stats().connections_opened == 0);
}

// -- shutdown -----------------------------------------------------------------

TEST_CASE("http client destructor ends hanging and queued requests with "
          "shutting_down",
          "[net]") {
  auto options = judge_options();
  options.faults = true;
  judge_server judge{options};
  std::future<http_outcome> hanging;
  std::future<http_outcome> queued;
  auto start = std::chrono::steady_clock::now();
  {
    http_client_options client_options;
    client_options.max_connections_per_host = 1;
    http_client client{client_options};
    hanging = send_async(client, chat_request(base_url(judge.port()),
                                              "[[fault:hang]]", 30s));
    queued = send_async(client, chat_request(base_url(judge.port()),
                                             "waits for the connection"));
    // Let the first request reach the judge.
    for (int i = 0; i < 200 && judge.stats().requests == 0; ++i)
      std::this_thread::sleep_for(5ms);
    REQUIRE(judge.stats().requests == 1);
  }
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  REQUIRE(hanging.wait_for(0s) == std::future_status::ready);
  REQUIRE(queued.wait_for(0s) == std::future_status::ready);
  auto hanging_outcome = hanging.get();
  auto queued_outcome = queued.get();
  CHECK(error_of(hanging_outcome).code == http_errc::shutting_down);
  CHECK(error_of(queued_outcome).code == http_errc::shutting_down);
}
