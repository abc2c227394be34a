#include "actors/llm_gateway.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <caf/after.hpp>
#include <catch2/catch.hpp>

#include "messages/error.hpp"
#include "scoring/llm_reply.hpp"
#include "scoring/prompts.hpp"
#include "tests/fixtures/actor_test_system.hpp"
#include "tests/fixtures/deterministic_system.hpp"
#include "tests/fixtures/llm_test_setup.hpp"
#include "tests/fixtures/scripted_chat_backend.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using script = test::scripted_chat_backend;

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

caf::expected<gateway_reply> chat(caf::actor_system& sys,
                                  const llm_gateway_actor& gateway,
                                  chat_request request) {
  caf::scoped_actor self{sys};
  caf::expected<gateway_reply> result{caf::error{}};
  self->request(gateway, 10s, chat_atom_v, std::move(request))
    .receive([&](gateway_reply& x) { result = std::move(x); },
             [&](caf::error& err) { result = std::move(err); });
  return result;
}

llm_stats stats(caf::actor_system& sys, const llm_gateway_actor& gateway) {
  caf::scoped_actor self{sys};
  llm_stats result;
  self->request(gateway, 10s, stats_atom_v)
    .receive([&](llm_stats& x) { result = x; },
             [&](caf::error& err) { FAIL(sys.render(err)); });
  return result;
}

// A gateway in front of the real judge server, over HTTP: for what only a
// real endpoint shows (connections, status lines, timeouts, Retry-After
// headers).
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
    return ::chat(ts.sys, gateway, std::move(request));
  }

  llm_stats stats() {
    return ::stats(ts.sys, gateway);
  }
};

// A gateway in front of a scripted backend in memory, on the test
// coordinator: for the gateway's own decisions, with no server, no network
// and no waiting for its timers. A cool-down or a rate window passes at
// once on the simulated clock, and the tests assert on that clock.
struct scripted_fixture {
  std::shared_ptr<test::scripted_chat_backend> backend
    = std::make_shared<test::scripted_chat_backend>();
  test::deterministic_system ds;
  llm_gateway_actor gateway;

  explicit scripted_fixture(config settings = fast_settings()) {
    gateway = ds.sys.spawn(llm_gateway, backend, settings);
  }

  ~scripted_fixture() {
    // Held calls hold handles to the gateway.
    backend->drop_held();
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  }

  /// Sends `request` and returns where its reply will be, once the test
  /// runs the actors.
  std::shared_ptr<test::pending_reply<gateway_reply>>
  send_chat(chat_request request) {
    return ds.request<gateway_reply>(gateway, chat_atom_v, std::move(request));
  }

  /// The same, waiting for admission at `place`.
  std::shared_ptr<test::pending_reply<gateway_reply>>
  send_chat(chat_request request, call_place place) {
    return ds.request<gateway_reply>(gateway, chat_atom_v, std::move(request),
                                     place);
  }

  /// Sends `request` and runs, timers firing as they come due, until its
  /// reply is in.
  caf::expected<gateway_reply> chat(chat_request request) {
    return ds.ask<gateway_reply>(gateway, chat_atom_v, std::move(request));
  }

  llm_stats stats() {
    auto result = ds.ask<llm_stats>(gateway, stats_atom_v);
    if (!result)
      FAIL(ds.sys.render(result.error()));
    return *result;
  }

  /// Runs until every reply in `replies` is in; returns the simulated time
  /// from `since` to the last of them.
  caf::timespan run_until_all(
    const std::vector<std::shared_ptr<test::pending_reply<gateway_reply>>>&
      replies,
    caf::actor_clock::time_point since) {
    auto last = since;
    for (const auto& reply : replies) {
      REQUIRE(ds.run_until(*reply));
      REQUIRE(*reply->value);
      last = std::max(last, reply->at);
    }
    return last - since;
  }
};

// Catches what the process writes on stderr while it lives: the operator
// log goes there.
class stderr_capture {
public:
  stderr_capture() : file_(std::tmpfile()), saved_(dup(STDERR_FILENO)) {
    std::fflush(stderr);
    dup2(fileno(file_), STDERR_FILENO);
  }

  ~stderr_capture() {
    restore();
    std::fclose(file_);
  }

  stderr_capture(const stderr_capture&) = delete;
  stderr_capture& operator=(const stderr_capture&) = delete;

  /// Stops capturing and returns what was written.
  std::string text() {
    restore();
    std::string result;
    std::rewind(file_);
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, file_))
      result.append(buffer, n);
    return result;
  }

private:
  void restore() {
    if (saved_ < 0)
      return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }

  std::FILE* file_;
  int saved_;
};

} // namespace

// -- through the real judge server --------------------------------------------

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

// -- on a scripted backend, on the test coordinator -------------------------

TEST_CASE("gateway answers identical requests with one call", "[actors][llm]") {
  scripted_fixture f;
  // The first call stays in flight until the second has joined it.
  f.backend->script({script::hang()});
  auto request = score_request("chlorophyll catches sunlight");
  auto first = f.send_chat(request);
  auto second = f.send_chat(request);
  f.ds.run();
  REQUIRE(f.backend->wait_for_held(1));
  CHECK(f.backend->release() == 1);
  REQUIRE(f.ds.run_until(*first));
  REQUIRE(f.ds.run_until(*second));
  REQUIRE(*first->value);
  REQUIRE(*second->value);
  std::vector<gateway_reply> replies{**first->value, **second->value};
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
  CHECK(f.backend->calls() == 1);
}

TEST_CASE("gateway stops calling for a cool-down after failures in a row",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.retries = 0;
  settings.circuit_threshold = 2;
  settings.circuit_cooldown = 400ms;
  scripted_fixture f{settings};
  f.backend->script({script::transient(), script::transient()});
  CHECK_FALSE(f.chat(score_request("one")));
  CHECK_FALSE(f.chat(score_request("two")));
  // The circuit is open: a healthy request waits out the cool-down.
  auto started = f.ds.now();
  auto reply = f.send_chat(score_request("sunlight"));
  f.ds.advance_time(399ms);
  CHECK_FALSE(reply->ready());
  CHECK(f.backend->calls() == 2);
  REQUIRE(f.ds.run_until(*reply));
  auto took = reply->at - started;
  REQUIRE(*reply->value);
  CHECK(took >= 400ms);
  CHECK(took < 2s);
  CHECK(f.backend->calls() == 3);
}

TEST_CASE("gateway counts the failed calls of one answer once for the "
          "circuit",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.retries = 0;
  settings.circuit_threshold = 2;
  settings.circuit_cooldown = 400ms;
  scripted_fixture f{settings};
  f.backend->script(
    {script::transient(), script::transient(), script::transient()});
  auto ask = [&](const std::string& text, uint64_t ticket) {
    call_place place{7, ticket, batch_priority::bulk};
    return f.ds.ask<gateway_reply>(f.gateway, chat_atom_v, score_request(text),
                                   place);
  };
  // One poisoned answer's score and explanation calls both fail.
  CHECK_FALSE(ask("score call", 1));
  CHECK_FALSE(ask("explanation call", 1));
  auto started = f.ds.now();
  SECTION("the circuit stays closed: another answer's call goes out at "
          "once") {
    auto reply = f.send_chat(score_request("sunlight"),
                             call_place{7, 2, batch_priority::bulk});
    f.ds.run();
    REQUIRE(reply->ready());
    CHECK_FALSE(*reply->value);
    CHECK(reply->at == started);
    SECTION("and that second answer failing opens it") {
      auto later = f.send_chat(score_request("chlorophyll"),
                               call_place{7, 3, batch_priority::bulk});
      f.ds.advance_time(399ms);
      CHECK_FALSE(later->ready());
      CHECK(f.backend->calls() == 3);
    }
  }
}

TEST_CASE("gateway keeps to its requests-per-window limit", "[actors][llm]") {
  auto settings = fast_settings();
  settings.requests_per_minute = 2;
  settings.rate_window = 300ms;
  scripted_fixture f{settings};
  auto started = f.ds.now();
  std::vector<std::shared_ptr<test::pending_reply<gateway_reply>>> replies;
  for (int i = 0; i < 5; ++i)
    replies.push_back(f.send_chat(score_request("rate " + std::to_string(i))));
  f.ds.run();
  // Two calls per window: the fifth starts in the third window.
  CHECK(f.backend->calls() == 2);
  auto took = f.run_until_all(replies, started);
  CHECK(took >= 600ms);
  CHECK(took < 3s);
  CHECK(f.stats().calls == 5);
  CHECK(f.backend->calls() == 5);
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
  scripted_fixture f{settings};
  auto started = f.ds.now();
  std::vector<std::shared_ptr<test::pending_reply<gateway_reply>>> replies;
  for (int i = 0; i < 3; ++i)
    replies.push_back(
      f.send_chat(score_request("tokens " + std::to_string(i))));
  f.ds.run();
  CHECK(f.backend->calls() == 1);
  auto took = f.run_until_all(replies, started);
  CHECK(took >= 600ms);
  CHECK(took < 3s);
}

TEST_CASE("gateway keeps a group of batches within its own in-flight "
          "limit while other batches go on",
          "[actors][llm]") {
  scripted_fixture f;
  f.backend->script(std::vector<script::step>(6, script::hang()));
  caf::anon_send(f.gateway, limits_atom_v, uint64_t{5}, call_limits{2, 0, 0});
  std::vector<std::shared_ptr<test::pending_reply<gateway_reply>>> replies;
  // Two chunks of one remote batch (group 5), and a batch of no group.
  for (uint64_t i = 0; i < 4; ++i)
    replies.push_back(f.send_chat(
      score_request("grouped " + std::to_string(i)),
      call_place{10 + i % 2, i, batch_priority::interactive, 0, 5}));
  for (uint64_t i = 0; i < 2; ++i)
    replies.push_back(f.send_chat(score_request("alone " + std::to_string(i)),
                                  call_place{20, i}));
  f.ds.run();
  auto grouped_calls = [&] {
    size_t n = 0;
    for (const auto& request : f.backend->requests())
      n += request.messages.back().content.find("grouped ")
           != std::string::npos;
    return n;
  };
  // Two of the group's four are out, and both calls of the other batch.
  REQUIRE(f.backend->wait_for_held(4));
  CHECK(f.backend->calls() == 4);
  CHECK(grouped_calls() == 2);
  // As its calls end, the group's next ones go.
  CHECK(f.backend->release() == 4);
  f.ds.run();
  REQUIRE(f.backend->wait_for_held(2));
  CHECK(f.backend->calls() == 6);
  CHECK(grouped_calls() == 4);
  f.backend->release();
  f.run_until_all(replies, f.ds.now());
}

TEST_CASE("gateway keeps a group of batches to its own requests per window",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.rate_window = 300ms;
  scripted_fixture f{settings};
  caf::anon_send(f.gateway, limits_atom_v, uint64_t{5}, call_limits{0, 2, 0});
  auto started = f.ds.now();
  std::vector<std::shared_ptr<test::pending_reply<gateway_reply>>> grouped;
  for (uint64_t i = 0; i < 5; ++i)
    grouped.push_back(
      f.send_chat(score_request("grouped " + std::to_string(i)),
                  call_place{10, i, batch_priority::interactive, 0, 5}));
  auto alone = f.send_chat(score_request("alone"), call_place{20, 0});
  f.ds.run();
  // Two a window for the group; the other batch is not held back.
  CHECK(f.backend->calls() == 3);
  REQUIRE(alone->ready());
  CHECK(alone->at == started);
  // The fifth starts in the third window.
  auto took = f.run_until_all(grouped, started);
  CHECK(took >= 600ms);
  CHECK(took < 3s);
  // No limits: the group is forgotten, and its calls go at once.
  caf::anon_send(f.gateway, limits_atom_v, uint64_t{5}, call_limits{});
  f.ds.run();
  auto after = f.ds.now();
  std::vector<std::shared_ptr<test::pending_reply<gateway_reply>>> more;
  for (uint64_t i = 0; i < 3; ++i)
    more.push_back(
      f.send_chat(score_request("free " + std::to_string(i)),
                  call_place{11, i, batch_priority::interactive, 0, 5}));
  CHECK(f.run_until_all(more, after) == caf::timespan{0});
}

TEST_CASE("gateway holds back only the call that got a 429, for its "
          "Retry-After",
          "[actors][llm]") {
  scripted_fixture f;
  f.backend->script({script::rate_limited(1000ms)});
  auto started = f.ds.now();
  auto first = f.send_chat(score_request("first"));
  f.ds.run();
  // Told of the retry once the 429 is in.
  REQUIRE(first->others.size() == 1);
  CHECK(first->others[0].match_elements<retry_atom, std::string>());
  // A request sent after it goes out at once: one answer's 429 does not
  // stall the others.
  auto healthy = f.send_chat(score_request("healthy"));
  f.ds.run();
  REQUIRE(healthy->ready());
  REQUIRE(*healthy->value);
  CHECK(healthy->at == started);
  REQUIRE(f.ds.run_until(*first));
  CHECK(*first->value);
  CHECK(first->at - started >= 1000ms);
  CHECK(f.backend->calls() == 3);
}

TEST_CASE("gateway makes a call wait no longer than a call may take for a "
          "long Retry-After",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.llm_timeout = 300ms;
  scripted_fixture f{settings};
  f.backend->script({script::rate_limited(10'000ms)});
  auto started = f.ds.now();
  auto first = f.send_chat(score_request("first"));
  REQUIRE(f.ds.run_until(*first));
  CHECK(*first->value);
  // Retried after the call timeout, not after ten seconds.
  CHECK(first->at - started >= 300ms);
  CHECK(first->at - started < 1s);
}

TEST_CASE("gateway fails at once a call whose Retry-After is longer than an "
          "answer may take, and pauses no one for it",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.llm_timeout = 300ms;
  scripted_fixture f{settings};
  f.backend->script({script::rate_limited(999'999'000ms)});
  auto started = f.ds.now();
  auto first = f.send_chat(score_request("first"));
  f.ds.run();
  REQUIRE(first->ready());
  REQUIRE_FALSE(*first->value);
  CHECK(first->value->error() == ec::llm_unavailable);
  CHECK(error_text(first->value->error()).find("asked to wait 999999 s")
        != std::string::npos);
  CHECK(first->at == started);
  auto healthy = f.send_chat(score_request("healthy"));
  f.ds.run();
  REQUIRE(healthy->ready());
  CHECK(*healthy->value);
  CHECK(healthy->at == started);
  CHECK(f.backend->calls() == 2);
}

TEST_CASE("gateway fails at once a call whose Retry-After is longer than "
          "its answer can still wait",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.llm_timeout = 10s;
  scripted_fixture f{settings};
  f.backend->script({script::rate_limited(5000ms)});
  call_place place;
  SECTION("two seconds left: the call fails as the 429 comes") {
    place.patience_ms = 2000;
    auto started = f.ds.now();
    auto first = f.ds.request<gateway_reply>(f.gateway, chat_atom_v,
                                             score_request("first"), place);
    f.ds.run();
    REQUIRE(first->ready());
    REQUIRE_FALSE(*first->value);
    CHECK(error_text(first->value->error())
            .find("asked to wait 5 s, longer "
                  "than its answer can")
          != std::string::npos);
    CHECK(first->at == started);
    CHECK(f.backend->calls() == 1);
  }
  SECTION("ten seconds left: the call waits out the five") {
    place.patience_ms = 10'000;
    auto started = f.ds.now();
    auto first = f.ds.request<gateway_reply>(f.gateway, chat_atom_v,
                                             score_request("first"), place);
    REQUIRE(f.ds.run_until(*first));
    CHECK(*first->value);
    CHECK(first->at - started >= 5000ms);
    CHECK(f.backend->calls() == 2);
  }
}

TEST_CASE("gateway drops waiting calls whose requesters are gone",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.max_in_flight = 1;
  scripted_fixture f{settings};
  f.backend->script({script::hang()});
  auto first = f.send_chat(score_request("first"));
  f.ds.run();
  REQUIRE(f.backend->wait_for_held(1));
  {
    // A requester that gives up while its call still waits for admission,
    // as a scorer does when its batch is cancelled.
    caf::scoped_actor gone{f.ds.sys};
    gone->send(f.gateway, chat_atom_v, score_request("second"));
  }
  // The gateway learns of it from a down message, which on the test
  // coordinator is in before the question about its counters.
  auto stats = f.stats();
  CHECK(stats.abandoned == 1);
  CHECK(f.backend->release() == 1);
  REQUIRE(f.ds.run_until(*first));
  CHECK(*first->value);
  // Asked after the reply, so after the gateway looked for a next call.
  CHECK(f.stats().abandoned == 1);
  CHECK(f.backend->calls() == 1);
}

TEST_CASE("gateway does not retry a failed call whose requesters are gone",
          "[actors][llm]") {
  scripted_fixture f;
  f.backend->script({script::hang()});
  {
    // A scorer that gives up while its call is in flight.
    caf::scoped_actor gone{f.ds.sys};
    gone->send(f.gateway, chat_atom_v, score_request("gone"));
    f.ds.run();
  }
  f.ds.run();
  REQUIRE(f.backend->wait_for_held(1));
  CHECK(f.backend->release(script::transient()) == 1);
  f.ds.run();
  // Time for any retry to be made: none is.
  f.ds.advance_time(1s);
  CHECK(f.backend->calls() == 1);
  auto stats = f.stats();
  CHECK(stats.retries == 0);
  CHECK(stats.abandoned == 1);
}

TEST_CASE("gateway logs a 429 pause and the circuit opening and closing",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.verbose = true;
  settings.max_in_flight = 8;
  settings.retries = 0;
  settings.circuit_threshold = 2;
  settings.circuit_cooldown = 100ms;
  stderr_capture capture;
  {
    scripted_fixture f{settings};
    f.backend->script({script::rate_limited(50ms), script::transient()});
    // The 429 halves the limit; a second call failing too opens the
    // circuit.
    CHECK_FALSE(f.chat(score_request("secret answer text")));
    CHECK_FALSE(f.chat(score_request("another secret")));
    // The next call waits for the circuit to close.
    CHECK(f.chat(score_request("healthy")));
  }
  auto log = capture.text();
  CHECK(log.find("grader: llm_gateway received a 429; in-flight limit now "
                 "4; the call waits 50 ms\n")
        != std::string::npos);
  CHECK(log.find("grader: llm_gateway opened the circuit after calls of 2 "
                 "answers failed in a row; calls wait 100 ms\n")
        != std::string::npos);
  CHECK(log.find("grader: llm_gateway closed the circuit")
        != std::string::npos);
  // No request text reaches the log.
  CHECK(log.find("secret") == std::string::npos);
}

TEST_CASE("gateway writes no log unless verbose", "[actors][llm]") {
  auto settings = fast_settings();
  settings.retries = 0;
  settings.circuit_threshold = 1;
  settings.circuit_cooldown = 10ms;
  stderr_capture capture;
  {
    scripted_fixture f{settings};
    f.backend->script({script::rate_limited(10ms)});
    CHECK_FALSE(f.chat(score_request("one")));
    CHECK(f.chat(score_request("two")));
  }
  CHECK(capture.text().find("llm_gateway") == std::string::npos);
}
