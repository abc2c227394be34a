// The scorer's own timer: an answer waiting for the LLM falls back when its
// time is up, and a scorer that answered in time leaves nothing behind.

#include <chrono>

#include <caf/actor_cast.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <catch2/catch.hpp>

#include "actors/llm_gateway.hpp"
#include "actors/scorer.hpp"
#include "tests/fixtures/deterministic_system.hpp"
#include "tests/fixtures/scripted_chat_backend.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;
using script = test::scripted_chat_backend;

namespace {

struct scorer_fixture {
  std::shared_ptr<script> backend = std::make_shared<script>();
  test::deterministic_system ds;
  llm_gateway_actor gateway = ds.sys.spawn(llm_gateway, backend, config{});

  ~scorer_fixture() {
    backend->drop_held();
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  }

  scoring_task short_answer_task(uint32_t timeout_ms) {
    scoring_task task;
    task.session_id = "s-1";
    task.item = test::short_answer("Plants make food from sunlight.",
                                   {"sunlight"});
    task.timeout_ms = timeout_ms;
    return task;
  }
};

} // namespace

TEST_CASE("a scorer that answered is freed at once, not when its answer "
          "timer would have fired",
          "[actors]") {
  scorer_fixture f;
  f.backend->script({script::reply(R"({"score": 80, "reasoning": "ok"})"),
                     script::reply("Sunlight feeds the plant.")});
  auto scorer = scorers_using(f.gateway, scoring::answer_limits{})(f.ds.sys);
  auto address = scorer.address();
  auto reply = f.ds.request<score_result>(scorer, score_atom_v,
                                          f.short_answer_task(60'000));
  scorer = nullptr;
  f.ds.run();
  REQUIRE(reply->ready());
  REQUIRE(*reply->value);
  CHECK((*reply->value)->verdict.by == scoring::graded_by::llm);
  // Nothing holds the scorer now: a timer message still due in a minute
  // would (CAF keeps the receiver of a delayed message alive).
  CHECK(caf::actor_cast<caf::strong_actor_ptr>(address) == nullptr);
}

TEST_CASE("a scorer whose LLM call hangs falls back when its answer timer "
          "fires",
          "[actors]") {
  scorer_fixture f;
  f.backend->script({script::hang()});
  auto scorer = scorers_using(f.gateway, scoring::answer_limits{})(f.ds.sys);
  auto started = f.ds.now();
  auto reply = f.ds.request<score_result>(scorer, score_atom_v,
                                          f.short_answer_task(2'000));
  f.ds.run();
  CHECK_FALSE(reply->ready());
  REQUIRE(f.ds.run_until(*reply));
  REQUIRE(*reply->value);
  CHECK((*reply->value)->verdict.by == scoring::graded_by::fallback);
  CHECK((*reply->value)->fallback_reason == fallback_reasons::answer_timeout);
  CHECK(reply->at - started == 2s);
}

TEST_CASE("a scorer tells the gateway how long it can wait, so a Retry-After "
          "past its timer fails the call at once",
          "[actors]") {
  scorer_fixture f;
  // The service's answer timeout (45 s) would let the call wait out 5 s.
  f.backend->script({script::rate_limited(5000ms)});
  auto scorer = scorers_using(f.gateway, scoring::answer_limits{})(f.ds.sys);
  auto started = f.ds.now();
  auto reply = f.ds.request<score_result>(scorer, score_atom_v,
                                          f.short_answer_task(3'000));
  f.ds.run();
  // Keyword rules at once, not a timeout three seconds later.
  REQUIRE(reply->ready());
  REQUIRE(*reply->value);
  CHECK(reply->at == started);
  CHECK((*reply->value)->verdict.by == scoring::graded_by::fallback);
  CHECK((*reply->value)->fallback_reason == fallback_reasons::llm_error);
  CHECK_THAT((*reply->value)->llm_error,
             Catch::Contains("longer than its answer can"));
}
