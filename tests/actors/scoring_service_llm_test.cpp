// The scoring service against the real judge server on 127.0.0.1: short
// answers judged by the LLM, explanations written by it, and every fault
// the judge can inject, alone and mixed in one batch.

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <caf/after.hpp>
#include <catch2/catch.hpp>

#include "actors/scoring_service.hpp"
#include "scoring/prompts.hpp"
#include "tests/fixtures/actor_test_system.hpp"
#include "tests/fixtures/llm_test_setup.hpp"
#include "tests/fixtures/recording_chat_backend.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;

namespace {

batch_options no_explanations() {
  batch_options options;
  options.explain = false;
  return options;
}

config fast_settings() {
  config settings;
  settings.llm_timeout = 300ms;
  settings.answer_timeout = 3s;
  settings.base_backoff = 10ms;
  settings.max_backoff = 50ms;
  settings.retries = 1;
  // Faults are the point here, not the circuit breaker (see the gateway's
  // own tests): keep it closed.
  settings.circuit_threshold = 1000;
  return settings;
}

answer photosynthesis(const std::string& question_id, const std::string& text) {
  return test::short_answer(question_id, text,
                            {"sunlight", "chlorophyll", "glucose"});
}

struct service_fixture {
  test::judge_fixture judge;
  test::test_system ts;
  scoring_service_actor service;

  explicit service_fixture(config settings = fast_settings())
    : service(spawn_scoring_service(ts.sys, settings, judge.backend())) {
  }

  ~service_fixture() {
    caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  }

  batch_result score(std::vector<answer> answers, batch_options options = {}) {
    batch_request batch;
    batch.session_id = "llm";
    batch.answers = test::in_positions(std::move(answers));
    batch.options = options;
    auto r = ts.score(service, batch);
    REQUIRE(r);
    return std::move(*r);
  }
};

} // namespace

TEST_CASE("service scores short answers and explanations with the LLM",
          "[actors][llm]") {
  service_fixture f;
  auto r = f.score({
    photosynthesis("full", "Chlorophyll uses sunlight to make glucose."),
    photosynthesis("part", "Plants need sunlight."),
    test::multiple_choice("mc", "B", "B"),
  });
  REQUIRE(r.results.size() == 3);
  const auto& full = r.results[0];
  CHECK(full.verdict.by == graded_by::llm);
  CHECK(full.verdict.score >= 90);
  CHECK(full.verdict.is_correct);
  CHECK_FALSE(full.verdict.needs_review);
  CHECK(full.verdict.keyword_matches.size() == 3);
  const auto& part = r.results[1];
  CHECK(part.verdict.by == graded_by::llm);
  CHECK(part.verdict.score < 70);
  CHECK(r.results[2].verdict.by == graded_by::rules);
  for (const auto& x : r.results) {
    CHECK_FALSE(x.explanation.empty());
    CHECK(x.verdict.feedback.find("templated") == std::string::npos);
  }
  // Two calls per short answer (score, explanation), one per choice.
  CHECK(r.metrics.llm_calls == 5);
  CHECK(f.judge.server.stats().completions == 5);
  CHECK(r.metrics.prompt_tokens > 0);
  CHECK(r.metrics.completion_tokens > 0);
  CHECK(r.metrics.llm == "judge at " + f.judge.base_url());
  CHECK(r.metrics.llm_error.empty());
}

TEST_CASE("service scores a blank short answer 0 without calling the LLM",
          "[actors][llm]") {
  service_fixture f;
  auto r = f.score({photosynthesis("blank", "   ")});
  REQUIRE(r.results.size() == 1);
  CHECK(r.results[0].verdict.score == 0);
  CHECK(r.results[0].verdict.by == graded_by::rules);
  CHECK(r.metrics.llm_calls == 0);
  CHECK(f.judge.server.stats().requests == 0);
}

TEST_CASE("service gives the same grade to identical answers for one call",
          "[actors][llm]") {
  service_fixture f;
  auto text = "Sunlight and chlorophyll.";
  auto r = f.score({photosynthesis("q", text), photosynthesis("q", text),
                    photosynthesis("q", text)},
                   no_explanations());
  REQUIRE(r.results.size() == 3);
  CHECK(r.results[0].verdict == r.results[1].verdict);
  CHECK(r.results[1].verdict == r.results[2].verdict);
  CHECK(f.judge.server.stats().completions == 1);
  CHECK(r.metrics.llm_calls == 1);
}

TEST_CASE("service survives every fault kind mixed in one batch",
          "[actors][llm]") {
  service_fixture f;
  auto with = [](const std::string& fault) {
    return photosynthesis(fault, "[[fault:" + fault
                                   + "]] Chlorophyll turns sunlight into "
                                     "glucose.");
  };
  auto r = f.score({
    with("hang"),
    with("slow"),
    with("429*1"),
    with("500*1"),
    with("503*1"),
    with("401"),
    with("malformed_body*1"),
    with("malformed_content"),
    with("out_of_range"),
    with("reset*1"),
    photosynthesis("healthy", "Chlorophyll turns sunlight into glucose."),
  });
  REQUIRE(r.results.size() == 11);
  CHECK(r.failures.empty());
  auto by = [&](size_t i) { return r.results[i].verdict.by; };
  // A hung endpoint: the call times out, retries run out, the keyword rule
  // decides.
  CHECK(by(0) == graded_by::fallback);
  // Slow beyond the call timeout: the same.
  CHECK(by(1) == graded_by::fallback);
  // Transient faults pass on retry.
  CHECK(by(2) == graded_by::llm);
  CHECK(by(3) == graded_by::llm);
  CHECK(by(4) == graded_by::llm);
  // A refusal is final: the keyword rule decides at once.
  CHECK(by(5) == graded_by::fallback);
  CHECK(by(6) == graded_by::llm);
  // Content that never parses: asked once more, then the keyword rule.
  CHECK(by(7) == graded_by::fallback);
  // A score out of range is clamped.
  CHECK(by(8) == graded_by::llm);
  CHECK(r.results[8].verdict.score == 100);
  CHECK(by(9) == graded_by::llm);
  CHECK(by(10) == graded_by::llm);
  for (size_t i : {0u, 1u, 5u, 7u}) {
    CHECK(r.results[i].verdict.needs_review);
    // The keyword rule found all three keywords.
    CHECK(r.results[i].verdict.score == 100);
  }
  CHECK(r.stats.fallback_count == 4);
  // Refused: the explanation is the template, and the feedback says so.
  CHECK(r.results[5].verdict.feedback.find("Explanation templated")
        != std::string::npos);
  CHECK_FALSE(r.results[5].explanation.empty());
  CHECK(r.metrics.llm_retries >= 5);
  CHECK_FALSE(r.metrics.llm_error.empty());
}

TEST_CASE("service replies by the deadline while the endpoint hangs",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.llm_timeout = 10s;
  settings.answer_timeout = 10s;
  service_fixture f{settings};
  std::vector<answer> answers;
  for (int i = 0; i < 5; ++i)
    answers.push_back(photosynthesis(
      "h" + std::to_string(i), "[[fault:hang]] sunlight " + std::to_string(i)));
  auto started = std::chrono::steady_clock::now();
  batch_options options;
  options.deadline_ms = 300;
  auto r = f.score(answers, options);
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took < 1300ms);
  REQUIRE(r.results.size() == 5);
  for (const auto& x : r.results)
    CHECK(x.verdict.by == graded_by::fallback);
}

TEST_CASE("service handles each fault kind alone", "[actors][llm]") {
  // Every fallback says why, and a failed call names its error; retries
  // count whether the call then succeeded or not.
  struct expectation {
    std::string fault;
    graded_by by;
    std::string reason;
    bool retried;
  };
  std::vector<expectation> cases{
    {"hang", graded_by::fallback, "llm_error", true},
    {"slow", graded_by::fallback, "llm_error", true},
    {"429*1", graded_by::llm, "", true},
    {"500*1", graded_by::llm, "", true},
    {"503*1", graded_by::llm, "", true},
    {"401", graded_by::fallback, "llm_error", false},
    {"500", graded_by::fallback, "llm_error", true},
    {"503", graded_by::fallback, "llm_error", true},
    {"reset", graded_by::fallback, "llm_error", true},
    {"malformed_body*1", graded_by::llm, "", true},
    {"malformed_content", graded_by::fallback, "unreadable_reply", false},
    {"out_of_range", graded_by::llm, "", false},
    {"quoted_verdict", graded_by::llm, "", false},
    {"reset*1", graded_by::llm, "", true},
  };
  for (const auto& c : cases) {
    INFO(c.fault);
    service_fixture f;
    auto r = f.score({photosynthesis("q", "[[fault:" + c.fault
                                            + "]] chlorophyll and sunlight")});
    REQUIRE(r.results.size() == 1);
    const auto& x = r.results[0];
    CHECK(x.verdict.by == c.by);
    CHECK(x.fallback_reason == c.reason);
    CHECK_FALSE(x.explanation.empty());
    CHECK((r.metrics.llm_retries > 0) == c.retried);
    if (c.fault == "quoted_verdict") {
      // The last verdict counts; that they disagree calls for a person.
      CHECK(x.verdict.score == 40);
      CHECK(x.verdict.needs_review);
    }
    if (c.reason == "llm_error") {
      CHECK_FALSE(x.llm_error.empty());
      CHECK(r.metrics.llm_error == x.llm_error);
    }
  }
}

TEST_CASE("service opens no more connections than its concurrency for 200 "
          "answers",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.max_in_flight = 8;
  test::judge_fixture judge{5ms};
  test::test_system ts;
  auto service = spawn_scoring_service(ts.sys, settings, judge.backend(8));
  batch_request batch;
  for (int i = 0; i < 200; ++i)
    batch.answers.push_back(photosynthesis(
      "q" + std::to_string(i), "sunlight number " + std::to_string(i)));
  batch.answers = test::in_positions(std::move(batch.answers));
  auto r = ts.score(service, batch);
  REQUIRE(r);
  CHECK(r->results.size() == 200);
  CHECK(r->metrics.llm_calls == 400);
  CHECK(judge.server.stats().completions == 400);
  CHECK(judge.server.stats().connections_accepted <= 8);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}

namespace {

// `n` short answers, each different, at positions 0..n-1.
batch_request short_batch(const std::string& session_id, size_t n) {
  batch_request batch;
  batch.session_id = session_id;
  for (size_t i = 0; i < n; ++i)
    batch.answers.push_back(photosynthesis(
      "q" + std::to_string(i), session_id + " sunlight " + std::to_string(i)));
  batch.answers = test::in_positions(std::move(batch.answers));
  return batch;
}

} // namespace

TEST_CASE("service finishes answers in the order they started under a "
          "saturated gateway",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.max_in_flight = 4;
  settings.llm_timeout = 5s;
  settings.answer_timeout = 20s;
  // The judge, not the CPU, must be the bottleneck, also under the
  // sanitizers: 40 ms a call is far more than scoring an answer takes.
  test::judge_fixture judge{40ms};
  test::test_system ts;
  auto sent = std::make_shared<test::recording_chat_backend>(judge.backend(4));
  auto service = spawn_scoring_service(ts.sys, settings, sent);
  // Every answer at work at once: 60 first calls wait for 4 slots.
  auto batch = short_batch("in-order", 60);
  batch.options.max_live_scorers = 60;
  auto settled_index = std::make_shared<std::vector<uint64_t>>();
  auto listener
    = ts.sys.spawn([settled_index]() -> progress_listener_actor::behavior_type {
        return {
          [settled_index](const batch_progress& e) {
            settled_index->push_back(index_of(e.outcome));
          },
          [](flush_atom) { return std::string{}; },
        };
      });
  auto r = ts.score(service, batch, 30s, {listener});
  REQUIRE(r);
  CHECK(r->results.size() == 60);
  caf::scoped_actor self{ts.sys};
  self->request(listener, 5s, flush_atom_v)
    .receive([](const std::string&) {}, [](const caf::error&) {});
  REQUIRE(settled_index->size() == 60);
  // Where each answer's second call (its explanation) was in the order the
  // gateway sent the calls.
  auto calls = sent->sent();
  REQUIRE(calls.size() == 120);
  std::vector<size_t> calls_of(60, 0);
  std::vector<size_t> second_call_at(60, calls.size());
  const std::regex answer{"in-order sunlight ([0-9]+)"};
  for (size_t k = 0; k < calls.size(); ++k) {
    std::smatch m;
    REQUIRE(std::regex_search(calls[k], m, answer));
    auto i = std::stoul(m[1]);
    REQUIRE(i < 60);
    if (++calls_of[i] == 2)
      second_call_at[i] = k;
  }
  // The first answer's second call goes out after a few rounds of 4 (the
  // slots that freed while its scorer read the first reply: two rounds on
  // an idle machine, more under the sanitizers), not after all 60 first
  // calls: oldest-first admission puts it ahead of newer answers' first
  // calls.
  INFO("the 1st answer's second call was call " << second_call_at[0]);
  CHECK(second_call_at[0] < 24);
  // The ten oldest answers are through before a third of the 120 calls.
  for (size_t i = 0; i < 10; ++i)
    CHECK(second_call_at[i] < 40);
  // Answers settle close to the order they started in.
  for (size_t k = 0; k < settled_index->size(); ++k)
    CHECK(settled_index->at(k) <= k + 8);
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}

TEST_CASE("service serves a small batch beside a big one in about its own "
          "time",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.max_in_flight = 8;
  settings.llm_timeout = 5s;
  settings.answer_timeout = 30s;
  test::judge_fixture judge{10ms};
  test::test_system ts;
  auto service = spawn_scoring_service(ts.sys, settings, judge.backend(8));
  // 400 answers at work at once queue 400 first calls: 800 calls at 8 in
  // flight and 10 ms each take a second at least.
  auto big = short_batch("big", 400);
  big.options.max_live_scorers = 400;
  caf::scoped_actor big_requester{ts.sys};
  big_requester->send(service, score_atom_v, big);
  // Once the big batch is under way, a quiz of 5 answers arrives.
  auto give_up = std::chrono::steady_clock::now() + 10s;
  while (judge.server.stats().completions < 40
         && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(1ms);
  auto small = ts.score(service, short_batch("small", 5), 30s);
  REQUIRE(small);
  CHECK(small->results.size() == 5);
  batch_result big_result;
  big_requester->receive([&](batch_result& x) { big_result = std::move(x); },
                         caf::after(30s) >> [] { FAIL("no big result"); });
  CHECK(big_result.results.size() == 400);
  INFO("small batch " << small->metrics.wall_ms << " ms, big batch "
                      << big_result.metrics.wall_ms << " ms");
  // Taking turns, the small batch's 10 calls go out every other slot: a
  // few rounds of 10 ms. Behind the big batch's queue it would wait about
  // 400 / 8 x 10 ms = 500 ms.
  CHECK(small->metrics.wall_ms < 250);
  CHECK(big_result.metrics.wall_ms >= 800);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}

TEST_CASE("service sends its temperature and seed on every call and records "
          "them",
          "[actors][llm]") {
  auto settings = fast_settings();
  settings.judge.temperature = 0.25;
  settings.judge.seeded = true;
  settings.judge.seed = 42;
  test::judge_fixture judge;
  test::test_system ts;
  auto sent = std::make_shared<test::recording_chat_backend>(judge.backend(4));
  auto service = spawn_scoring_service(ts.sys, settings, sent);
  auto r = ts.score(service, short_batch("seeded", 3), 10s);
  REQUIRE(r);
  CHECK(r->results.size() == 3);
  auto calls = sent->requests();
  // A score call and an explanation call per answer.
  REQUIRE(calls.size() == 6);
  for (const auto& call : calls) {
    CHECK(call.temperature == 0.25);
    CHECK(call.seeded);
    CHECK(call.seed == 42);
  }
  CHECK(r->metrics.judge.temperature == 0.25);
  CHECK(r->metrics.judge.seeded);
  CHECK(r->metrics.judge.seed == 42);
  CHECK(r->metrics.judge.prompt_version == scoring::prompt_version());
  // Without a model named, the backend says what judged.
  CHECK(r->metrics.judge.model == sent->description());
}
