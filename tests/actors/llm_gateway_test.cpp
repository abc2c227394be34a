#include "actors/llm_gateway.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <caf/after.hpp>
#include <catch2/catch.hpp>

#include "messages/error.hpp"
#include "scoring/llm_reply.hpp"
#include "scoring/prompts.hpp"
#include "tests/actor_test_system.hpp"
#include "tests/llm_test_setup.hpp"
#include "tests/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

config fast_settings() {
  config settings;
  settings.llm_timeout = 2s;
  settings.base_backoff = 10ms;
  settings.max_backoff = 50ms;
  return settings;
}

chat_request score_request(const std::string& text) {
  return scoring::short_answer_prompt(
    test::short_answer(text, {"sunlight", "chlorophyll"}));
}

struct gateway_fixture {
  test::judge_fixture judge;
  test::test_system ts;
  llm_gateway_actor gateway;

  explicit gateway_fixture(config settings = fast_settings(),
                           size_t max_connections = 64,
                           std::chrono::milliseconds latency = 0ms)
    : judge(latency) {
    gateway = ts.sys.spawn(llm_gateway, judge.backend(max_connections),
                           settings);
  }

  ~gateway_fixture() {
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  }

  caf::expected<gateway_reply> chat(chat_request request) {
    caf::scoped_actor self{ts.sys};
    caf::expected<gateway_reply> result{caf::error{}};
    self->request(gateway, 10s, chat_atom_v, std::move(request))
      .receive([&](gateway_reply& x) { result = std::move(x); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  llm_stats stats() {
    caf::scoped_actor self{ts.sys};
    llm_stats result;
    self->request(gateway, 10s, stats_atom_v)
      .receive([&](llm_stats& x) { result = x; },
               [&](caf::error& err) { FAIL(ts.sys.render(err)); });
    return result;
  }
};

} // namespace

TEST_CASE("gateway returns the judge's completion and counts it",
          "[actors][llm]") {
  gateway_fixture f;
  auto reply = f.chat(score_request("Sunlight and chlorophyll make sugar."));
  REQUIRE(reply);
  auto parsed = scoring::parse_score_reply(reply->reply.content);
  REQUIRE(parsed.verdict);
  CHECK(parsed.verdict->score >= 90);
  CHECK(reply->retries == 0);
  CHECK_FALSE(reply->shared);
  auto stats = f.stats();
  CHECK(stats.calls == 1);
  CHECK(stats.prompt_tokens == reply->reply.usage.prompt_tokens);
  CHECK(stats.prompt_tokens > 0);
  CHECK(f.judge.server.stats().completions == 1);
}

TEST_CASE("gateway keeps at most its limit of calls in flight",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.max_in_flight = 4;
  gateway_fixture f{settings, 64, 30ms};
  caf::scoped_actor self{f.ts.sys};
  constexpr int requests = 40;
  for (int i = 0; i < requests; ++i)
    self->send(f.gateway, chat_atom_v,
               score_request("answer number " + std::to_string(i)));
  int replies = 0;
  for (int i = 0; i < requests; ++i)
    self->receive([&](const gateway_reply&) { ++replies; },
                  caf::after(10s) >> [] { FAIL("no reply within 10 s"); });
  CHECK(replies == requests);
  auto stats = f.stats();
  CHECK(stats.calls == requests);
  CHECK(stats.in_flight_high_water <= 4);
  CHECK(f.judge.server.stats().connections_accepted <= 4);
}

TEST_CASE("gateway retries a 429 after its Retry-After and then succeeds",
          "[actors][llm]") {
  gateway_fixture f;
  auto started = clock_type::now();
  auto reply = f.chat(score_request("[[fault:429*1]] sunlight"));
  auto took = clock_type::now() - started;
  REQUIRE(reply);
  CHECK(reply->retries == 1);
  CHECK(took >= 900ms);
  CHECK(took < 3s);
  CHECK(f.stats().retries == 1);
}

TEST_CASE("gateway fails a 401 at once without retrying", "[actors][llm]") {
  gateway_fixture f;
  auto started = clock_type::now();
  auto reply = f.chat(score_request("[[fault:401]] sunlight"));
  auto took = clock_type::now() - started;
  REQUIRE_FALSE(reply);
  CHECK(reply.error() == ec::llm_refused);
  CHECK(error_text(reply.error()).find("HTTP 401") != std::string::npos);
  // The key must never show in an error.
  CHECK(error_text(reply.error()).find("sk-test-secret") == std::string::npos);
  CHECK(took < 1s);
  auto stats = f.stats();
  CHECK(stats.retries == 0);
  CHECK(stats.failures == 1);
  CHECK(f.judge.server.stats().requests == 1);
}

TEST_CASE("gateway retries server errors and resets until they pass",
          "[actors][llm]") {
  gateway_fixture f;
  for (std::string fault : {"500*2", "503*1", "reset*1", "malformed_body*1"}) {
    INFO(fault);
    auto reply = f.chat(score_request("[[fault:" + fault + "]] sunlight"));
    REQUIRE(reply);
    // A reset on a pooled connection looks like one the server closed while
    // idle, which the HTTP client resends by itself: no gateway retry then.
    if (fault != "reset*1")
      CHECK(reply->retries == (fault == "500*2" ? 2u : 1u));
    CHECK(scoring::parse_score_reply(reply->reply.content).verdict);
  }
}

TEST_CASE("gateway gives up on a hung endpoint after its retries",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.llm_timeout = 150ms;
  settings.retries = 1;
  gateway_fixture f{settings};
  auto started = clock_type::now();
  auto reply = f.chat(score_request("[[fault:hang]] sunlight"));
  auto took = clock_type::now() - started;
  REQUIRE_FALSE(reply);
  CHECK(reply.error() == ec::llm_unavailable);
  CHECK(error_text(reply.error()).find("timeout") != std::string::npos);
  CHECK(took >= 300ms);
  CHECK(took < 2s);
}

TEST_CASE("gateway answers identical requests with one call", "[actors][llm]") {
  gateway_fixture f{fast_settings(), 64, 100ms};
  caf::scoped_actor self{f.ts.sys};
  auto request = score_request("chlorophyll catches sunlight");
  self->send(f.gateway, chat_atom_v, request);
  self->send(f.gateway, chat_atom_v, request);
  std::vector<gateway_reply> replies;
  for (int i = 0; i < 2; ++i)
    self->receive([&](gateway_reply& x) { replies.push_back(x); },
                  caf::after(5s) >> [] { FAIL("no reply within 5 s"); });
  REQUIRE(replies.size() == 2);
  CHECK(replies[0].reply == replies[1].reply);
  CHECK(replies[0].shared != replies[1].shared);
  // A third, later, comes from the cache.
  auto third = f.chat(request);
  REQUIRE(third);
  CHECK(third->shared);
  CHECK(third->reply == replies[0].reply);
  auto stats = f.stats();
  CHECK(stats.calls == 1);
  CHECK(stats.coalesced == 1);
  CHECK(stats.cache_hits == 1);
  CHECK(f.judge.server.stats().completions == 1);
}

TEST_CASE("gateway stops calling for a cool-down after failures in a row",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.retries = 0;
  settings.circuit_threshold = 2;
  settings.circuit_cooldown = 400ms;
  gateway_fixture f{settings};
  CHECK_FALSE(f.chat(score_request("[[fault:503]] one")));
  CHECK_FALSE(f.chat(score_request("[[fault:503]] two")));
  // The circuit is open: a healthy request waits out the cool-down.
  auto started = clock_type::now();
  auto reply = f.chat(score_request("sunlight"));
  auto took = clock_type::now() - started;
  REQUIRE(reply);
  CHECK(took >= 300ms);
  CHECK(took < 2s);
}

TEST_CASE("gateway keeps to its requests-per-window limit", "[actors][llm]") {
  auto settings = fast_settings();
  settings.requests_per_minute = 2;
  settings.rate_window = 300ms;
  gateway_fixture f{settings};
  caf::scoped_actor self{f.ts.sys};
  auto started = clock_type::now();
  for (int i = 0; i < 5; ++i)
    self->send(f.gateway, chat_atom_v,
               score_request("rate " + std::to_string(i)));
  for (int i = 0; i < 5; ++i)
    self->receive([](const gateway_reply&) {},
                  caf::after(5s) >> [] { FAIL("no reply within 5 s"); });
  auto took = clock_type::now() - started;
  // Two calls per window: the fifth starts in the third window.
  CHECK(took >= 600ms);
  CHECK(took < 3s);
  CHECK(f.stats().calls == 5);
}

TEST_CASE("gateway keeps to its tokens-per-window limit", "[actors][llm]") {
  auto settings = fast_settings();
  auto request = score_request("tokens");
  // Room for one call's estimated tokens per window, not two.
  uint64_t bytes = 0;
  for (const auto& message : request.messages)
    bytes += message.content.size();
  settings.tokens_per_minute
    = static_cast<uint32_t>(bytes / 4 + request.max_tokens + 10);
  settings.rate_window = 300ms;
  gateway_fixture f{settings};
  caf::scoped_actor self{f.ts.sys};
  auto started = clock_type::now();
  for (int i = 0; i < 3; ++i)
    self->send(f.gateway, chat_atom_v,
               score_request("tokens " + std::to_string(i)));
  for (int i = 0; i < 3; ++i)
    self->receive([](const gateway_reply&) {},
                  caf::after(5s) >> [] { FAIL("no reply within 5 s"); });
  auto took = clock_type::now() - started;
  CHECK(took >= 600ms);
  CHECK(took < 3s);
}

TEST_CASE("gateway pauses everyone for a 429's Retry-After", "[actors][llm]") {
  gateway_fixture f;
  caf::scoped_actor self{f.ts.sys};
  auto started = clock_type::now();
  self->send(f.gateway, chat_atom_v, score_request("[[fault:429*1]] first"));
  // Sent after the 429 came back: it waits out the pause although its own
  // call would succeed.
  self->receive(caf::after(200ms) >> [] {});
  std::chrono::steady_clock::duration healthy_took{};
  self->request(f.gateway, 5s, chat_atom_v, score_request("healthy"))
    .receive([&](const gateway_reply&) {
               healthy_took = clock_type::now() - started;
             },
             [&](caf::error& err) { FAIL(f.ts.sys.render(err)); });
  self->receive([](const gateway_reply&) {},
                caf::after(5s) >> [] { FAIL("no reply within 5 s"); });
  CHECK(healthy_took >= 900ms);
}

TEST_CASE("gateway drops waiting calls whose requesters are gone",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.max_in_flight = 1;
  gateway_fixture f{settings, 64, 300ms};
  caf::scoped_actor first{f.ts.sys};
  first->send(f.gateway, chat_atom_v, score_request("first"));
  {
    // A requester that gives up while its call still waits for admission,
    // as a scorer does when its batch is cancelled.
    caf::scoped_actor gone{f.ts.sys};
    gone->send(f.gateway, chat_atom_v, score_request("second"));
    gone->receive(caf::after(50ms) >> [] {});
  }
  first->receive([](const gateway_reply&) {},
                 caf::after(5s) >> [] { FAIL("no reply within 5 s"); });
  // Give the gateway the time it would need for a second call.
  first->receive(caf::after(500ms) >> [] {});
  auto stats = f.stats();
  CHECK(stats.abandoned == 1);
  CHECK(f.judge.server.stats().completions == 1);
}
