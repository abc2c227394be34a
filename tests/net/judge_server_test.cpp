#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "tests/fixtures/scratch_directory.hpp"
#include "tests/fixtures/sync_http.hpp"
#include "tests/fixtures/test_answers.hpp"

#include "net/judge_server.hpp"
#include "net/openai_codec.hpp"
#include "scoring/feedback.hpp"
#include "scoring/judge.hpp"
#include "scoring/llm_reply.hpp"
#include "scoring/prompts.hpp"

using namespace grader;
using namespace grader::net;
using namespace grader::test;
using namespace std::chrono_literals;

using json = nlohmann::json;

namespace {

const std::vector<std::string> keywords = {"light", "water", "glucose"};

// A score request whose student answer carries `extra`, e.g. a directive.
std::string score_body(const std::string& extra = {}) {
  auto x = short_answer("Plants need light and water. " + extra, keywords);
  return encode_chat_request(scoring::short_answer_prompt(x), "judge");
}

judge_server_options with_faults() {
  judge_server_options options;
  options.faults = true;
  return options;
}

judge_server_options with_latency(std::chrono::milliseconds latency) {
  judge_server_options options;
  options.latency = latency;
  return options;
}

// The content of a 200 completion.
std::string content_of(const http_result& x) {
  INFO("error: " << x.error.message());
  REQUIRE_FALSE(x.error);
  REQUIRE(x.response.result_int() == 200);
  auto reply = decode_chat_reply(x.response.body());
  REQUIRE(std::holds_alternative<scoring::chat_reply>(reply));
  return std::get<scoring::chat_reply>(reply).content;
}

scoring::judged_score verdict_of(const http_result& x) {
  auto parsed = scoring::parse_score_reply(content_of(x));
  INFO("error: " << parsed.error);
  REQUIRE(parsed.verdict);
  return *parsed.verdict;
}

unsigned status_of(const http_result& x) {
  INFO("error: " << x.error.message());
  REQUIRE_FALSE(x.error);
  return x.response.result_int();
}

// A self-signed certificate for localhost and 127.0.0.1 with its key,
// made once per test run: generating an RSA key takes a while.
struct tls_pair {
  tls_pair() {
    auto command = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key
                   + " -out " + cert
                   + " -days 1 -subj /CN=localhost"
                     " -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
                     " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
  }

  test::scratch_directory dir{"judge"};
  std::string key = dir.path("key.pem");
  std::string cert = dir.path("cert.pem");
};

const tls_pair& tls_files() {
  static const tls_pair files;
  return files;
}

// Sends `bytes` on a fresh connection and returns everything the server
// sends back until it closes the connection (or 5 s pass).
std::string raw_exchange(uint16_t port, const std::string& bytes) {
  asio::io_context io;
  beast::tcp_stream stream{io};
  stream.expires_after(5s);
  std::string reply;
  char chunk[4096];
  std::function<void(beast::error_code, size_t)> on_read
    = [&](beast::error_code ec, size_t n) {
        reply.append(chunk, n);
        if (!ec)
          stream.async_read_some(asio::buffer(chunk), on_read);
      };
  stream.async_connect({asio::ip::make_address("127.0.0.1"), port},
                       [&](beast::error_code ec) {
                         if (ec)
                           return;
                         asio::async_write(stream, asio::buffer(bytes),
                                           [](beast::error_code, size_t) {});
                         stream.async_read_some(asio::buffer(chunk), on_read);
                       });
  io.run();
  return reply;
}

// The status line of a raw reply.
std::string status_line(const std::string& reply) {
  return reply.substr(0, reply.find("\r\n"));
}

} // namespace

TEST_CASE("judge server answers a score request with a score object", "[net]") {
  judge_server server{judge_server_options{}};
  REQUIRE(server.port() != 0);
  sync_http client{server.port()};
  REQUIRE_FALSE(client.connect_error());
  auto result = client.post(score_body());
  CHECK(result.response[http::field::content_type] == "application/json");
  CHECK(
    verdict_of(result)
    == scoring::judge_short_answer("Plants need light and water. ", keywords));
}

TEST_CASE("judge server answers an explanation request with text", "[net]") {
  judge_server server{judge_server_options{}};
  auto x = short_answer("Plants need light.", keywords);
  scoring::grade g;
  g.score = 30;
  g.keyword_matches = {"light"};
  auto body = encode_chat_request(scoring::explanation_prompt(x, g), "judge");
  sync_http client{server.port()};
  CHECK(content_of(client.post(body)) == scoring::templated_explanation(x, g));
}

TEST_CASE("judge server serves a keep-alive connection and counts it",
          "[net]") {
  judge_server server{judge_server_options{}};
  sync_http client{server.port()};
  for (int i = 0; i < 3; ++i)
    CHECK(verdict_of(client.post(score_body())).score > 0);
  CHECK(status_of(client.get("/health")) == 200);
  auto stats = server.stats();
  CHECK(stats.connections_accepted == 1);
  CHECK(stats.requests == 4);
  CHECK(stats.completions == 3);

  SECTION("GET /stats reports the counters, its own request included") {
    sync_http other{server.port()};
    auto result = other.get("/stats");
    REQUIRE(status_of(result) == 200);
    CHECK(json::parse(result.response.body())
          == json{{"connections_accepted", 2},
                  {"requests", 5},
                  {"completions", 3},
                  {"in_flight", 1},
                  {"most_in_flight", 1},
                  {"format_refusals", 0}});
  }
}

TEST_CASE("judge server answers bad requests with errors", "[net]") {
  judge_server server{judge_server_options{}};
  sync_http client{server.port()};
  CHECK(status_of(client.get("/v1/chat/completions")) == 405);
  CHECK(status_of(client.get("/v1/models")) == 404);
  auto health = client.get("/health");
  CHECK(status_of(health) == 200);
  CHECK(health.response.body() == "ok");
  auto bad = client.post(R"({"messages": 3})");
  REQUIRE(status_of(bad) == 400);
  CHECK(json::parse(bad.response.body())["error"]["message"]
        == "request has no messages array");
  auto huge = client.post(std::string(2 * 1024 * 1024, 'x'));
  CHECK(status_of(huge) == 413);
  CHECK_FALSE(huge.response.keep_alive());
}

TEST_CASE("judge server leaves a hanging request unanswered", "[net]") {
  judge_server server{with_faults()};
  sync_http client{server.port()};
  auto result = client.post(score_body("[[fault:hang]]"), 300ms);
  CHECK(result.error == beast::error::timeout);
  CHECK(result.elapsed >= 300ms);
  CHECK(server.stats().completions == 0);
}

TEST_CASE("judge server resets the connection on a reset fault", "[net]") {
  judge_server server{with_faults()};
  sync_http client{server.port()};
  auto result = client.post(score_body("[[fault:reset]]"), 2s);
  CHECK(result.error);
  CHECK(result.error != beast::error::timeout);
}

TEST_CASE("judge server answers status faults with error bodies", "[net]") {
  judge_server server{with_faults()};
  sync_http client{server.port()};

  auto limited = client.post(score_body("[[fault:429]]"));
  REQUIRE(status_of(limited) == 429);
  CHECK(limited.response["Retry-After"] == "1");
  CHECK(
    json::parse(limited.response.body())
    == json{{"error", {{"message", "rate limited"}, {"type", "rate_limit"}}}});
  for (auto status : {500u, 503u, 401u}) {
    auto directive = "[[fault:" + std::to_string(status) + "]]";
    auto result = client.post(score_body(directive));
    CHECK(status_of(result) == status);
    CHECK(json::parse(result.response.body())["error"]["message"].is_string());
  }
  CHECK(server.stats().connections_accepted == 1);
}

TEST_CASE("judge server answers content faults with a 200", "[net]") {
  judge_server server{with_faults()};
  sync_http client{server.port()};

  auto body = client.post(score_body("[[fault:malformed_body]]"));
  REQUIRE(status_of(body) == 200);
  CHECK(std::get<std::string>(decode_chat_reply(body.response.body()))
        == "response body is not JSON");

  auto content
    = content_of(client.post(score_body("[[fault:malformed_content]]")));
  CHECK(scoring::parse_score_reply(content).error
        == "reply has no JSON object");

  auto out_of_range = client.post(score_body("[[fault:out_of_range]]"));
  CHECK(json::parse(content_of(out_of_range))["score"] == 150);
  CHECK(verdict_of(out_of_range).score == 100);
}

TEST_CASE("judge server misbehaves once for a fault counted once", "[net]") {
  judge_server server{with_faults()};
  sync_http client{server.port()};
  auto body = score_body("[[fault:500*1]]");
  CHECK(status_of(client.post(body)) == 500);
  CHECK(verdict_of(client.post(body)).score > 0);
  CHECK(verdict_of(client.post(body)).score > 0);
}

TEST_CASE("judge server ignores directives without faults", "[net]") {
  judge_server server{judge_server_options{}};
  sync_http client{server.port()};
  CHECK(verdict_of(client.post(score_body("[[fault:500]]"))).score > 0);
  auto result = client.post(score_body("[[fault:hang]]"), 2s);
  CHECK(verdict_of(result).score > 0);
}

TEST_CASE("judge server delays replies by its latency", "[net]") {
  judge_server server{with_latency(200ms)};
  sync_http client{server.port()};
  auto result = client.post(score_body());
  CHECK(verdict_of(result).score > 0);
  CHECK(result.elapsed >= 200ms);
}

TEST_CASE("judge server delays many connections at once on one thread",
          "[net]") {
  auto options = with_latency(300ms);
  options.threads = 1;
  judge_server server{options};
  constexpr int connections = 20;
  std::vector<std::future<http_result>> results;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < connections; ++i)
    results.push_back(std::async(std::launch::async, [&server, i] {
      sync_http client{server.port()};
      return client.post(score_body(std::to_string(i)));
    }));
  for (auto& result : results) {
    auto x = result.get();
    CHECK(verdict_of(x).score > 0);
    CHECK(x.elapsed >= 300ms);
  }
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  CHECK(server.stats().connections_accepted == connections);
  // They overlapped (all 20 when the threads start within 300 ms).
  CHECK(server.stats().most_in_flight >= connections / 2);
  CHECK(server.stats().most_in_flight <= connections);
}

TEST_CASE("judge server serves keep-alive connections on several threads",
          "[net]") {
  judge_server_options options;
  options.threads = 4;
  options.jitter = 5ms;
  judge_server server{options};
  constexpr int connections = 8;
  constexpr int requests = 10;
  std::vector<std::future<int>> scored;
  for (int i = 0; i < connections; ++i)
    scored.push_back(std::async(std::launch::async, [&server, i] {
      sync_http client{server.port()};
      int count = 0;
      for (int j = 0; j < requests; ++j) {
        auto result = client.post(score_body(std::to_string(i * j)));
        if (!result.error && result.response.result_int() == 200)
          ++count;
      }
      return count;
    }));
  for (auto& count : scored)
    CHECK(count.get() == requests);
  auto stats = server.stats();
  CHECK(stats.connections_accepted == connections);
  CHECK(stats.completions == connections * requests);
}

TEST_CASE("judge server speaks HTTPS with its certificate", "[net]") {
  const auto& files = tls_files();
  judge_server_options options;
  options.tls_cert_file = files.cert;
  options.tls_key_file = files.key;
  judge_server server{options};

  SECTION("a client trusting the certificate gets replies") {
    sync_http client{server.port(), files.cert};
    REQUIRE_FALSE(client.connect_error());
    CHECK(verdict_of(client.post(score_body())).score > 0);
    CHECK(verdict_of(client.post(score_body())).score > 0);
    CHECK(server.stats().connections_accepted == 1);
  }

  SECTION("a plain HTTP client gets no reply") {
    sync_http client{server.port()};
    CHECK(client.post(score_body(), 2s).error);
  }
}

TEST_CASE("judge server reports what keeps it from starting", "[net]") {
  judge_server first{judge_server_options{}};
  judge_server_options options;
  options.port = first.port();
  CHECK_THROWS_WITH(judge_server{options},
                    "cannot listen on 127.0.0.1:" + std::to_string(first.port())
                      + ": Address already in use");
  options.port = 0;
  options.host = "not-an-address";
  CHECK_THROWS_WITH(judge_server{options},
                    Catch::StartsWith("cannot listen on not-an-address:0: "));
  judge_server_options tls;
  tls.tls_cert_file = "/nonexistent/cert.pem";
  tls.tls_key_file = "/nonexistent/key.pem";
  CHECK_THROWS_WITH(judge_server{tls},
                    Catch::StartsWith("cannot load TLS certificate "
                                      "/nonexistent/cert.pem: "));
}

TEST_CASE("judge server stops from another thread", "[net]") {
  judge_server server{judge_server_options{}};
  auto waiter = std::async(std::launch::async, [&server] { server.wait(); });
  CHECK(waiter.wait_for(50ms) == std::future_status::timeout);
  std::thread{[&server] { server.stop(); }}.join();
  CHECK(waiter.wait_for(2s) == std::future_status::ready);
  server.stop();
}

TEST_CASE("judge server closes hanging connections when it goes away",
          "[net]") {
  auto server = std::make_unique<judge_server>(with_faults());
  auto port = server->port();
  auto hanging = std::async(std::launch::async, [port] {
    sync_http client{port};
    return client.post(score_body("[[fault:hang]]"), 5s);
  });
  // Waits until the hanging request has arrived.
  while (server->stats().requests == 0)
    std::this_thread::sleep_for(5ms);
  auto start = std::chrono::steady_clock::now();
  server.reset();
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  auto result = hanging.get();
  CHECK(result.error);
  CHECK(result.error != beast::error::timeout);
  CHECK(result.elapsed < 2s);
}

TEST_CASE("judge server answers 400 to bytes that are not HTTP and 431 to a "
          "header too large, then closes",
          "[net]") {
  judge_server server{judge_server_options{}};
  SECTION("a request line that is not HTTP") {
    auto reply = raw_exchange(server.port(), "HELLO THERE\r\n\r\n");
    CHECK(status_line(reply) == "HTTP/1.1 400 Bad Request");
    CHECK_THAT(reply, Catch::Contains("Connection: close"));
    CHECK_THAT(reply, Catch::Contains("request is not HTTP/1.1"));
  }
  SECTION("a header field that is not one") {
    auto reply = raw_exchange(server.port(),
                              "GET /health HTTP/1.1\r\nno colon here\r\n\r\n");
    CHECK(status_line(reply) == "HTTP/1.1 400 Bad Request");
  }
  SECTION("a Content-Length that is not a number") {
    auto reply = raw_exchange(server.port(),
                              "POST /v1/chat/completions HTTP/1.1\r\n"
                              "Content-Length: lots\r\n\r\n{}");
    CHECK(status_line(reply) == "HTTP/1.1 400 Bad Request");
  }
  SECTION("a header over 8 KiB") {
    auto reply = raw_exchange(server.port(), "GET /health HTTP/1.1\r\nX-Big: "
                                               + std::string(10000, 'x')
                                               + "\r\n\r\n");
    CHECK(status_line(reply) == "HTTP/1.1 431 Request Header Fields Too Large");
    CHECK_THAT(reply, Catch::Contains("request header exceeds 8192 bytes"));
  }
  SECTION("a body over max_body_bytes, announced") {
    auto reply = raw_exchange(server.port(),
                              "POST /v1/chat/completions HTTP/1.1\r\n"
                              "Content-Length: 2000000\r\n\r\n{}");
    CHECK(status_line(reply) == "HTTP/1.1 413 Payload Too Large");
  }
  CHECK(server.stats().requests == 1);
}

TEST_CASE("judge server caps request bodies at max_body_bytes", "[net]") {
  judge_server_options options;
  options.max_body_bytes = 4000;
  judge_server server{options};
  sync_http client{server.port()};
  auto big = client.post(score_body(std::string(4000, 'x')));
  CHECK(status_of(big) == 413);
  CHECK(json::parse(big.response.body())["error"]["message"]
        == "request body exceeds 4000 bytes");
  sync_http other{server.port()};
  CHECK(verdict_of(other.post(score_body())).score > 0);
}

TEST_CASE("judge server answers a small request while it grades a big one",
          "[net]") {
  // One thread serves connections: grading on it would hold up everyone.
  judge_server_options options;
  options.threads = 1;
  judge_server server{options};
  // Random CJK characters: every character pair is new to the judge's
  // bigram counts, which makes 600 KiB take a while to grade.
  std::minstd_rand random{1};
  std::string words;
  while (words.size() < 600 * 1024) {
    auto code = 0x4e00 + random() % 20000;
    words += static_cast<char>(0xe0 | (code >> 12));
    words += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    words += static_cast<char>(0x80 | (code & 0x3f));
  }
  auto big = std::async(std::launch::async, [&] {
    sync_http client{server.port()};
    return client.post(score_body(words), 30s);
  });
  // The big request is being graded once the handler has counted it.
  while (server.stats().requests == 0)
    std::this_thread::sleep_for(1ms);
  sync_http client{server.port()};
  auto small = client.get("/health");
  CHECK(status_of(small) == 200);
  // Answered while the big one is still being graded.
  CHECK(big.wait_for(0s) == std::future_status::timeout);
  auto big_result = big.get();
  CHECK(status_of(big_result) == 200);
  CHECK(small.elapsed < big_result.elapsed);
}
