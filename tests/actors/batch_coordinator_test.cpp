#include "actors/batch_coordinator.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <caf/after.hpp>

#include <catch2/catch.hpp>

#include "messages/error.hpp"
#include "tests/fixtures/actor_test_system.hpp"
#include "tests/fixtures/batch_checks.hpp"
#include "tests/fixtures/deterministic_system.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;

namespace {

batch_coordinator_actor spawn_coordinator(caf::actor_system& sys,
                                          scorer_factory factory = spawn_scorer,
                                          config settings = {}) {
  return sys.spawn(batch_coordinator, settings, std::move(factory),
                   uint64_t{0});
}

batch_request batch_of(std::vector<answer> answers) {
  batch_request batch;
  batch.session_id = "s-test";
  batch.answers = test::in_positions(std::move(answers));
  return batch;
}

} // namespace

TEST_CASE("coordinator scores batches of 5, 20 and 50 in input order",
          "[actors]") {
  test::test_system ts;
  for (size_t n : {5u, 20u, 50u}) {
    auto r = ts.score(spawn_coordinator(ts.sys),
                      batch_of(test::numbered_answers(n)));
    REQUIRE(r);
    test::check_every_answer_once(*r, n);
    REQUIRE(r->results.size() == n);
    for (size_t i = 0; i < n; ++i) {
      const auto& x = r->results[i];
      CHECK(x.question_id == "q" + std::to_string(i));
      CHECK(x.session_id == "s-test");
      CHECK(x.verdict.score == (i % 3 == 2 ? 0 : 100));
      CHECK(x.verdict.by == graded_by::rules);
      CHECK(x.attempt_id.size() == 36);
      CHECK_FALSE(x.explanation.empty());
      CHECK(x.graded_at.back() == 'Z');
    }
    // Two in three answers are right: q2, q5, ... are wrong.
    CHECK(r->stats.correct_count == n - n / 3);
  }
}

TEST_CASE("coordinator reports 2 invalid answers of 5 and scores the rest",
          "[actors]") {
  test::test_system ts;
  auto answers = test::numbered_answers(5);
  answers[1].correct_answer.clear();
  answers[3].difficulty = 42;
  auto r = ts.score(spawn_coordinator(ts.sys), batch_of(answers));
  REQUIRE(r);
  test::check_every_answer_once(*r, 5);
  REQUIRE(r->failures.size() == 2);
  CHECK(r->failures[0].index == 1);
  CHECK(r->failures[0].code == ec::invalid_answer);
  CHECK(r->failures[0].message
        == "correct_answer required for multiple_choice");
  CHECK(r->failures[0].question_id == "q1");
  CHECK(r->failures[1].index == 3);
  CHECK(r->failures[1].message == "difficulty must be from 1 to 10, got 42");
  REQUIRE(r->results.size() == 3);
  CHECK(r->results[0].index == 0);
  CHECK(r->results[1].index == 2);
  CHECK(r->results[2].index == 4);
  CHECK(r->stats.failed_count == 2);
  CHECK(r->stats.successful_count == 3);
}

TEST_CASE("coordinator reports a batch whose answers all fail", "[actors]") {
  test::test_system ts;
  auto answers = test::numbered_answers(5);
  for (auto& x : answers)
    x.user_id.clear();
  auto r = ts.score(spawn_coordinator(ts.sys), batch_of(answers));
  REQUIRE(r);
  test::check_every_answer_once(*r, 5);
  CHECK(r->results.empty());
  REQUIRE(r->failures.size() == 5);
  for (const auto& f : r->failures)
    CHECK(f.message == "user_id must not be blank");
  CHECK(r->stats.average_score == 0);
  CHECK(r->stats.correct_rate == 0);
}

TEST_CASE("coordinator reports a scorer that throws as a failure", "[actors]") {
  test::test_system ts;
  auto answers = test::numbered_answers(3);
  answers[1].question_id = "crash";
  auto r = ts.score(spawn_coordinator(ts.sys, test::spawn_faulty_scorer),
                    batch_of(answers));
  REQUIRE(r);
  test::check_every_answer_once(*r, 3);
  REQUIRE(r->failures.size() == 1);
  CHECK(r->failures[0].index == 1);
  CHECK(r->failures[0].code == ec::scorer_crashed);
  CHECK(r->failures[0].message.find("boom") != std::string::npos);
  CHECK(r->results.size() == 2);
}

TEST_CASE("coordinator gives an answer that outlives its timeout a fallback "
          "result",
          "[actors]") {
  test::deterministic_system ds;
  auto answers = test::numbered_answers(3);
  answers[2] = test::multiple_choice("hang", "C", "C");
  config settings;
  settings.answer_timeout = 1s;
  auto coordinator = spawn_coordinator(ds.sys, test::spawn_faulty_scorer,
                                       settings);
  auto started = ds.now();
  auto reply = ds.request<batch_result>(
    coordinator, score_atom_v, batch_of(answers), progress_listeners{});
  // The answers that can finish do so without the clock moving; the hung
  // one holds the reply until its time is up.
  ds.run();
  CHECK_FALSE(reply->ready());
  ds.advance_time(1s - 1ms);
  CHECK_FALSE(reply->ready());
  REQUIRE(ds.run_until(*reply));
  auto took = reply->at - started;
  auto& r = *reply->value;
  REQUIRE(r);
  test::check_every_answer_once(*r, 3);
  REQUIRE(r->results.size() == 3);
  const auto& late = r->results[2];
  CHECK(late.verdict.by == graded_by::fallback);
  CHECK(late.verdict.score == 100);
  CHECK(late.verdict.is_correct);
  CHECK(late.fallback_reason == fallback_reasons::answer_timeout);
  CHECK(r->results[0].verdict.by == graded_by::rules);
  CHECK(r->stats.fallback_count == 1);
  CHECK(took >= 1s);
  CHECK(took < 3s);
}

TEST_CASE("coordinator replies by the batch deadline with fallbacks for "
          "unfinished answers",
          "[actors]") {
  test::deterministic_system ds;
  std::vector<answer> answers;
  for (int i = 0; i < 6; ++i)
    answers.push_back(i % 2 == 0 ? test::multiple_choice("hang", "A", "B")
                                 : test::multiple_choice("q", "B", "B"));
  // One scorer at a time: the deadline also catches answers whose scorer
  // was never spawned.
  auto batch = batch_of(answers);
  batch.options.deadline_ms = 150;
  batch.options.max_live_scorers = 1;
  auto coordinator = spawn_coordinator(ds.sys, test::spawn_faulty_scorer);
  auto started = ds.now();
  auto reply = ds.request<batch_result>(coordinator, score_atom_v, batch,
                                        progress_listeners{});
  ds.run();
  // Not a moment before the deadline, and at once when it comes.
  ds.advance_time(149ms);
  CHECK_FALSE(reply->ready());
  ds.advance_time(1ms);
  REQUIRE(reply->ready());
  auto took = reply->at - started;
  auto& r = *reply->value;
  REQUIRE(r);
  test::check_every_answer_once(*r, 6);
  CHECK(took >= 150ms);
  CHECK(took < 1150ms);
  REQUIRE(r->results.size() == 6);
  CHECK(r->results[0].verdict.by == graded_by::fallback);
  CHECK(r->results[0].verdict.score == 0);
  for (size_t i = 1; i < 6; ++i)
    CHECK(r->results[i].verdict.by == graded_by::fallback);
  for (const auto& x : r->results)
    CHECK(x.fallback_reason == fallback_reasons::deadline);
  CHECK(r->stats.fallback_count == 6);
}

TEST_CASE("coordinator keeps mixed error kinds apart", "[actors]") {
  test::deterministic_system ds;
  std::vector<answer> answers{
    test::multiple_choice("q0", "B", "B"),
    test::multiple_choice("crash", "B", "B"),
    test::short_answer("q2", "about plants", {}),
    test::multiple_choice("hang", "B", "B"),
  };
  auto batch = batch_of(answers);
  // A reader already rejected the item at position 1: the answers are at
  // 0, 2, 3 and 4.
  for (size_t i = 1; i < batch.answers.size(); ++i)
    batch.answers[i].index = i + 1;
  batch.rejected.push_back(
    score_failure{1, "", "", "", ec::malformed_item, "line 2 is not JSON"});
  batch.options.answer_timeout_ms = 1000;
  // The hung answer waits for its timeout, on the simulated clock.
  auto r
    = ds.ask<batch_result>(spawn_coordinator(ds.sys, test::spawn_faulty_scorer),
                           score_atom_v, batch, progress_listeners{});
  REQUIRE(r);
  test::check_every_answer_once(*r, 5);
  REQUIRE(r->failures.size() == 3);
  CHECK(r->failures[0].index == 1);
  CHECK(r->failures[0].code == ec::malformed_item);
  CHECK(r->failures[1].index == 2);
  CHECK(r->failures[1].question_id == "crash");
  CHECK(r->failures[1].code == ec::scorer_crashed);
  CHECK(r->failures[2].index == 3);
  CHECK(r->failures[2].code == ec::invalid_answer);
  CHECK(r->failures[2].message == "correct_keywords required for short_answer");
  REQUIRE(r->results.size() == 2);
  CHECK(r->results[0].index == 0);
  CHECK(r->results[0].verdict.by == graded_by::rules);
  CHECK(r->results[1].index == 4);
  CHECK(r->results[1].verdict.by == graded_by::fallback);
  CHECK(r->results[1].fallback_reason == fallback_reasons::answer_timeout);
}

TEST_CASE("coordinator answers an empty batch at once", "[actors]") {
  test::test_system ts;
  auto r = ts.score(spawn_coordinator(ts.sys), batch_of({}));
  REQUIRE(r);
  CHECK(r->results.empty());
  CHECK(r->failures.empty());
  CHECK(r->stats.total_count == 0);
  CHECK(r->stats.average_score == 0);
  CHECK(r->stats.correct_rate == 0);
  CHECK(r->metrics.p95_ms == 0);
}

TEST_CASE("coordinator scores a single answer", "[actors]") {
  test::test_system ts;
  auto r = ts.score(spawn_coordinator(ts.sys),
                    batch_of({test::true_false("tf", "참", "true")}));
  REQUIRE(r);
  REQUIRE(r->results.size() == 1);
  CHECK(r->results[0].verdict.is_correct);
  CHECK(r->results[0].verdict.score == 100);
  CHECK(r->stats.correct_rate == 1.0);
}

TEST_CASE("coordinator scores multilingual short answers by keywords",
          "[actors]") {
  test::test_system ts;
  // "식물은 광합성으로" written with decomposed jamo (NFD) for 광합성.
  std::string nfd_korean = "식물은 "
                           "\xE1\x84\x80\xE1\x85\xAA\xE1\x86\xBC" // 광
                           "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xB8" // 합
                           "\xE1\x84\x89\xE1\x85\xA5\xE1\x86\xBC" // 성
                           "으로 양분을 만든다";
  auto r = ts.score(
    spawn_coordinator(ts.sys),
    batch_of({
      test::short_answer("ko", nfd_korean, {"광합성", "엽록소"}),
      test::short_answer("zh", "植物通过光合作用制造养分", {"光合作用"}),
      test::short_answer("fr", "Le Café de Flore", {"café", "flore"}),
    }));
  REQUIRE(r);
  REQUIRE(r->results.size() == 3);
  CHECK(r->results[0].verdict.keyword_matches
        == std::vector<std::string>{"광합성"});
  CHECK(r->results[0].verdict.score == 50);
  CHECK(r->results[1].verdict.score == 100);
  CHECK(r->results[2].verdict.keyword_matches
        == std::vector<std::string>{"café", "flore"});
  for (const auto& x : r->results) {
    CHECK(x.verdict.by == graded_by::fallback);
    CHECK(x.verdict.needs_review);
  }
  CHECK(r->stats.needs_review_count == 3);
}

TEST_CASE("coordinator statistics are exact for scores 0, 100 and mixed",
          "[actors]") {
  test::test_system ts;
  auto all = [&](std::vector<answer> answers) {
    auto r = ts.score(spawn_coordinator(ts.sys), batch_of(answers));
    REQUIRE(r);
    return r->stats;
  };
  auto zeros = all({test::multiple_choice("a", "A", "B"),
                    test::multiple_choice("b", "C", "B")});
  CHECK(zeros.average_score == 0.0);
  CHECK(zeros.correct_count == 0);
  CHECK(zeros.correct_rate == 0.0);
  auto hundreds = all({test::multiple_choice("a", "B", "B"),
                       test::true_false("b", "false", "false")});
  CHECK(hundreds.average_score == 100.0);
  CHECK(hundreds.correct_rate == 1.0);
  // 100 + 0 + 50 (one of two keywords) over three answers.
  auto mixed = all({test::multiple_choice("a", "B", "B"),
                    test::multiple_choice("b", "A", "B"),
                    test::short_answer("c", "the cat", {"cat", "dog"})});
  CHECK(mixed.average_score == 50.0);
  CHECK(mixed.correct_count == 1);
  CHECK(mixed.correct_rate == 1.0 / 3.0);
  CHECK(mixed.fallback_count == 1);
}

TEST_CASE("coordinator keeps at most its window of scorers alive", "[actors]") {
  test::test_system ts;
  test::scorer_census census;
  auto batch = batch_of(test::numbered_answers(300));
  batch.options.max_live_scorers = 8;
  auto r = ts.score(spawn_coordinator(ts.sys, census.factory()), batch);
  REQUIRE(r);
  test::check_every_answer_once(*r, 300);
  CHECK(census.spawned == 300);
  CHECK(census.most_at_work <= 8);
  CHECK(census.most_at_work >= 1);
}

TEST_CASE("coordinator refuses two items at one position", "[actors]") {
  test::test_system ts;
  auto batch = batch_of(test::numbered_answers(2));
  batch.rejected.push_back(
    score_failure{1, "", "", "", ec::malformed_item, "bad"});
  auto r = ts.score(spawn_coordinator(ts.sys), batch);
  REQUIRE_FALSE(r);
  CHECK(r.error() == ec::invalid_batch);
}

TEST_CASE("coordinator answers a cancel at once, unfinished answers failing "
          "as cancelled",
          "[actors]") {
  test::test_system ts;
  auto answers = test::numbered_answers(4);
  answers[1].question_id = "hang";
  answers[3].question_id = "hang";
  auto batch = batch_of(answers);
  auto coordinator = spawn_coordinator(ts.sys, test::spawn_faulty_scorer);
  caf::scoped_actor requester{ts.sys};
  caf::scoped_actor listener{ts.sys};
  progress_listeners listeners{
    caf::actor_cast<progress_listener_actor>(listener)};
  requester->send(coordinator, score_atom_v, batch, listeners);
  // Cancel once the two answers that can finish have finished.
  for (int i = 0; i < 2; ++i)
    listener->receive([](const batch_progress&) {},
                      caf::after(5s) >> [] { FAIL("no progress in 5 s"); });
  auto started = std::chrono::steady_clock::now();
  caf::anon_send(coordinator, cancel_atom_v);
  batch_result r;
  requester->receive([&](batch_result& x) { r = std::move(x); },
                     caf::after(5s) >> [] { FAIL("no reply within 5 s"); });
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  test::check_every_answer_once(r, 4);
  REQUIRE(r.failures.size() == 2);
  for (const auto& f : r.failures) {
    CHECK(f.code == ec::cancelled);
    CHECK(f.question_id == "hang");
  }
  CHECK(r.results.size() == 2);
}

TEST_CASE("coordinator tells its progress listener about every answer",
          "[actors]") {
  test::test_system ts;
  caf::scoped_actor listener{ts.sys};
  auto batch = batch_of(test::numbered_answers(6));
  batch.answers[2].user_id.clear();
  auto r = ts.score(spawn_coordinator(ts.sys), batch, 30s,
                    {caf::actor_cast<progress_listener_actor>(listener)});
  REQUIRE(r);
  std::vector<batch_progress> events;
  for (int i = 0; i < 6; ++i)
    listener->receive([&](batch_progress& e) { events.push_back(e); },
                      caf::after(1s) >> [] { FAIL("missing progress event"); });
  REQUIRE(events.size() == 6);
  std::set<uint64_t> indices;
  for (size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].total == 6);
    CHECK(events[i].settled == i + 1);
    CHECK(events[i].session_id == "s-test");
    indices.insert(index_of(events[i].outcome));
  }
  CHECK(indices.size() == 6);
  CHECK(events.back().failed == 1);
}
