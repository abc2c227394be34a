#include "actors/scoring_service.hpp"

#include <set>
#include <vector>

#include <caf/after.hpp>
#include <catch2/catch.hpp>

#include "tests/fixtures/actor_test_system.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;

namespace {

batch_request numbered_batch(const std::string& session_id, size_t n) {
  batch_request batch;
  batch.session_id = session_id;
  batch.answers = test::numbered_answers(n);
  return batch;
}

} // namespace

TEST_CASE("service loses and duplicates no answer across many concurrent "
          "batches",
          "[actors]") {
  test::test_system ts;
  auto service = spawn_scoring_service(ts.sys, config{});
  constexpr size_t batches = 20;
  constexpr size_t answers_per_batch = 50;
  caf::scoped_actor self{ts.sys};
  // All batches go out before any reply is read; each reply comes back to
  // the sender as an ordinary message.
  for (size_t b = 0; b < batches; ++b)
    self->send(service, score_atom_v,
               numbered_batch("batch-" + std::to_string(b), answers_per_batch));
  std::vector<batch_result> replies;
  for (size_t b = 0; b < batches; ++b)
    self->receive([&](batch_result& r) { replies.push_back(std::move(r)); },
                  caf::after(30s) >> [] { FAIL("no reply within 30 s"); });
  REQUIRE(replies.size() == batches);
  std::set<std::string> sessions;
  std::set<std::string> attempts;
  for (const auto& r : replies) {
    sessions.insert(r.session_id);
    REQUIRE(r.results.size() == answers_per_batch);
    for (size_t i = 0; i < answers_per_batch; ++i) {
      CHECK(r.results[i].index == i);
      CHECK(r.results[i].session_id == r.session_id);
      attempts.insert(r.results[i].attempt_id);
    }
  }
  CHECK(sessions.size() == batches);
  CHECK(attempts.size() == batches * answers_per_batch);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}

TEST_CASE("service scoring one answer at a time gives the parallel results",
          "[actors]") {
  test::test_system ts;
  // Two services: one service would answer the second run from its LLM
  // reply cache.
  auto service = spawn_scoring_service(ts.sys, config{});
  auto sequential_service = spawn_scoring_service(ts.sys, config{});
  auto batch = numbered_batch("same", 40);
  batch.answers[5] = test::short_answer("sa", "cells and the sun", {"sun"});
  batch.answers[5].index = 5;
  batch.answers[9].user_id.clear();
  auto parallel = ts.score(service, batch);
  batch.options.max_live_scorers = 1;
  auto sequential = ts.score(sequential_service, batch);
  REQUIRE(parallel);
  REQUIRE(sequential);
  REQUIRE(parallel->results.size() == sequential->results.size());
  for (size_t i = 0; i < parallel->results.size(); ++i) {
    auto x = parallel->results[i];
    auto y = sequential->results[i];
    // Only the attempt id and the time of grading may differ.
    y.attempt_id = x.attempt_id;
    y.graded_at = x.graded_at;
    CHECK(x == y);
  }
  CHECK(parallel->failures == sequential->failures);
  CHECK(parallel->stats == sequential->stats);
  CHECK(parallel->results[5].verdict.by == graded_by::llm);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(sequential_service, caf::exit_reason::user_shutdown);
}

TEST_CASE("service makes up a session id when the batch has none", "[actors]") {
  test::test_system ts;
  auto service = spawn_scoring_service(ts.sys, config{});
  auto r = ts.score(service, numbered_batch("", 2));
  REQUIRE(r);
  CHECK(r->session_id.size() == 36);
  CHECK(r->results[0].session_id == r->session_id);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}

TEST_CASE("service scores a batch of 10000 answers with all accounted for",
          "[actors]") {
  test::test_system ts;
  auto service = spawn_scoring_service(ts.sys, config{});
  auto r = ts.score(service, numbered_batch("big", 10'000), 60s);
  REQUIRE(r);
  CHECK(r->results.size() == 10'000);
  CHECK(r->stats.total_count == 10'000);
  CHECK(r->results.back().index == 9'999);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}

TEST_CASE("service cancels the batch of a session id", "[actors]") {
  test::test_system ts;
  auto service = spawn_scoring_service(ts.sys, config{},
                                       test::spawn_faulty_scorer);
  auto batch = numbered_batch("to-cancel", 3);
  batch.answers[0].question_id = "hang";
  caf::scoped_actor requester{ts.sys};
  caf::scoped_actor listener{ts.sys};
  progress_listeners listeners{
    caf::actor_cast<progress_listener_actor>(listener)};
  requester->send(service, score_atom_v, batch, listeners);
  // Cancel once the two answers that can finish have finished.
  for (int i = 0; i < 2; ++i)
    listener->receive([](const batch_progress&) {},
                      caf::after(5s) >> [] { FAIL("no progress in 5 s"); });
  caf::anon_send(service, cancel_atom_v, std::string{"other-session"});
  caf::anon_send(service, cancel_atom_v, std::string{"to-cancel"});
  batch_result r;
  requester->receive([&](batch_result& x) { r = std::move(x); },
                     caf::after(5s) >> [] { FAIL("no reply within 5 s"); });
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].index == 0);
  CHECK(r.failures[0].code == ec::cancelled);
  CHECK(r.results.size() == 2);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
}
