// Messages cross process boundaries between grader nodes, so every type must
// survive CAF's binary wire format unchanged.

#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/event_based_actor.hpp>
#include <catch2/catch.hpp>

#include "actors/actors.hpp"
#include "messages/type_ids.hpp"
#include "tests/fixtures/actor_test_system.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;

namespace {

// Types holding actor handles need an actor system to (de)serialize them;
// the others do without one.
template <class T>
T round_trip(T x, caf::actor_system* sys = nullptr) {
  std::vector<char> buf;
  caf::execution_unit* context = nullptr;
  auto sink = sys ? caf::binary_serializer{*sys, buf}
                  : caf::binary_serializer{context, buf};
  REQUIRE_FALSE(sink(x));
  T y;
  auto source = sys ? caf::binary_deserializer{*sys, buf}
                    : caf::binary_deserializer{context, buf};
  REQUIRE_FALSE(source(y));
  return y;
}

} // namespace

TEST_CASE("batch_request survives the wire format", "[messages]") {
  batch_request x;
  x.session_id = "s-1";
  x.answers.push_back(test::multiple_choice("q0", "B", "B"));
  x.answers.push_back(test::short_answer("q1", "광합성", {"광합성", "엽록소"}));
  x.answers[1].index = 5;
  x.answers[1].difficulty = 7;
  x.answers[1].answer_id = "a-1";
  x.rejected.push_back(
    score_failure{2, "", "q2", "u2", ec::malformed_item, "line 3"});
  x.options.answer_timeout_ms = 250;
  x.options.deadline_ms = 1000;
  x.options.max_live_scorers = 1;
  x.options.explain = false;
  x.options.priority = batch_priority::bulk;
  x.options.limits = call_limits{6, 600, 60'000};
  auto y = round_trip(x);
  CHECK(y == x);
  CHECK(y.answers[1].index == 5);
}

TEST_CASE("progress listeners survive the wire format", "[actors]") {
  test::test_system ts;
  auto listener = ts.sys.spawn(
    // A behaviour keeps it alive: a handle to a dead actor reads back empty.
    []() -> progress_listener_actor::behavior_type {
      return {[](const batch_progress&) {},
              [](flush_atom) { return std::string{}; }};
    });
  progress_listeners x{listener, listener};
  CHECK(round_trip(x, &ts.sys) == x);
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
}

TEST_CASE("batch_progress survives the wire format with either outcome",
          "[messages]") {
  batch_progress x;
  x.session_id = "s-3";
  x.total = 4;
  x.settled = 2;
  x.failed = 1;
  x.fallbacks = 1;
  score_result r;
  r.index = 3;
  r.verdict.score = 55;
  r.fallback_reason = fallback_reasons::llm_error;
  x.outcome = r;
  CHECK(round_trip(x) == x);
  x.outcome = score_failure{1, "a", "q", "u", ec::cancelled, "stopped"};
  auto y = round_trip(x);
  CHECK(y == x);
  REQUIRE(std::holds_alternative<score_failure>(y.outcome));
  CHECK(std::get<score_failure>(y.outcome).code == ec::cancelled);
}

TEST_CASE("batch_result survives the wire format", "[messages]") {
  batch_result x;
  x.session_id = "s-2";
  score_result r;
  r.attempt_id = "id";
  r.index = 3;
  r.verdict.score = 72;
  r.verdict.keyword_matches = {"sun"};
  r.verdict.by = graded_by::llm;
  r.verdict.needs_review = true;
  r.explanation = "because";
  r.graded_at = "2026-11-27T10:00:00.000Z";
  x.results.push_back(r);
  x.failures.push_back(
    score_failure{4, "a", "q", "u", ec::scorer_crashed, "boom"});
  x.stats.total_count = 2;
  x.stats.average_score = 72.5;
  x.stats.correct_rate = 0.5;
  x.metrics.p95_ms = 40;
  x.metrics.llm = "none";
  CHECK(round_trip(x) == x);
}

TEST_CASE("scoring_task survives the wire format", "[messages]") {
  scoring_task x{"s",   test::true_false("q", "참", "true"),
                 false, 250,
                 true,  call_place{42, 7, batch_priority::bulk, 300, 5}};
  x.item.index = 9;
  CHECK(round_trip(x) == x);
}
