// The client side of scoring on several nodes: the node pool and its
// distributors, over scoring services of the same actor system (the
// distribution logic sees them as it sees remote ones; the tests of
// apps/grader run real node processes).

#include "actors/node_pool.hpp"

#include <set>
#include <thread>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/after.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <catch2/catch.hpp>

#include "actors/scoring_service.hpp"
#include "scoring/prompts.hpp"
#include "tests/fixtures/actor_test_system.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;

namespace {

config with_capacity(uint32_t n) {
  config settings;
  settings.max_in_flight = n;
  return settings;
}

// Answers that hang on a service whose scorers come from
// spawn_faulty_scorer, and are scored on any other.
batch_request hanging_batch(size_t n) {
  batch_request batch;
  batch.session_id = "spread";
  batch.answers = test::numbered_answers(n);
  for (auto& x : batch.answers)
    x.question_id = "hang";
  batch.options.deadline_ms = 20'000;
  return batch;
}

scoring_service_actor spawn_pool(caf::actor_system& sys,
                                 std::vector<remote_node> nodes) {
  return spawn_node_pool(sys, std::move(nodes));
}

// `service` as a client sees it once it asked for its capacity (see
// connect_nodes in apps/grader/node_network.cpp).
remote_node node_of(caf::actor_system& sys,
                    const scoring_service_actor& service,
                    const std::string& name) {
  remote_node node;
  caf::scoped_actor self{sys};
  self->request(service, 5s, capacity_atom_v)
    .receive(
      [&](uint32_t capacity, std::string& llm, judge_settings& judge) {
        node = remote_node{service, capacity, name, llm, judge};
      },
      [](caf::error& err) { FAIL(to_string(err)); });
  return node;
}

// Receives `n` events on `listener`, failing the test after 5 s without one.
std::vector<batch_progress> receive_events(caf::scoped_actor& listener,
                                           size_t n) {
  std::vector<batch_progress> events;
  for (size_t i = 0; i < n; ++i)
    listener->receive(
      [&](batch_progress& x) { events.push_back(std::move(x)); },
      caf::after(5s) >> [] { FAIL("no progress event within 5 s"); });
  return events;
}

} // namespace

TEST_CASE("node pool spreads a batch over its nodes and merges the results "
          "in input order",
          "[actors]") {
  test::test_system ts;
  auto seeded = with_capacity(3);
  seeded.judge.seeded = true;
  seeded.judge.seed = 42;
  auto a = spawn_scoring_service(ts.sys, seeded);
  auto b = spawn_scoring_service(ts.sys, with_capacity(5));
  auto pool = spawn_pool(ts.sys, {node_of(ts.sys, a, "a:1"),
                                  node_of(ts.sys, b, "b:2")});
  batch_request batch;
  batch.answers = test::numbered_answers(40);
  batch.rejected.push_back(
    score_failure{40, "", "q40", "u", ec::malformed_item, "not an object"});
  caf::scoped_actor listener{ts.sys};
  auto r = ts.score(pool, batch, 30s,
                    {caf::actor_cast<progress_listener_actor>(listener)});
  REQUIRE(r);
  REQUIRE(r->results.size() == 40);
  for (size_t i = 0; i < 40; ++i)
    CHECK(r->results[i].index == i);
  REQUIRE(r->failures.size() == 1);
  CHECK(r->failures[0].index == 40);
  CHECK(r->stats.total_count == 41);
  CHECK(r->stats.successful_count == 40);
  CHECK_FALSE(r->session_id.empty());
  // The result records what the first node judges with.
  CHECK(r->metrics.judge.seeded);
  CHECK(r->metrics.judge.seed == 42);
  // One event per item, counted over the whole batch.
  auto events = receive_events(listener, 41);
  std::set<uint64_t> seen;
  for (const auto& x : events) {
    CHECK(x.total == 41);
    seen.insert(index_of(x.outcome));
  }
  CHECK(seen.size() == 41);
  CHECK(events.back().settled == 41);
  // Both nodes scored answers (each explanation is a call of theirs).
  caf::scoped_actor self{ts.sys};
  for (const auto& node : {a, b})
    self->request(node, 5s, stats_atom_v)
      .receive([](const llm_stats& x) { CHECK(x.calls > 0); },
               [](caf::error& err) { FAIL(to_string(err)); });
  self->request(pool, 5s, capacity_atom_v)
    .receive(
      [](uint32_t x, const std::string& llm, const judge_settings& judge) {
        CHECK(x == 8);
        CHECK(llm == "built-in judge");
        // The first node's, as the services tell theirs.
        CHECK(judge.model == "built-in judge");
        CHECK(judge.prompt_version == scoring::prompt_version());
        CHECK(judge.seeded);
        CHECK(judge.seed == 42);
      },
      [](caf::error& err) { FAIL(to_string(err)); });
  for (const auto& x : {pool, a, b})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
}

TEST_CASE("node pool gives the answers of a node that dies to the others",
          "[actors]") {
  test::test_system ts;
  auto stuck = spawn_scoring_service(ts.sys, with_capacity(5),
                                     test::spawn_faulty_scorer);
  auto healthy = spawn_scoring_service(ts.sys, with_capacity(5));
  auto pool = spawn_pool(ts.sys,
                         {{stuck, 5, "stuck:1", "stuck judge", {}},
                          {healthy, 5, "healthy:2", "healthy judge", {}}});
  caf::scoped_actor requester{ts.sys};
  caf::scoped_actor listener{ts.sys};
  requester->send(
    pool, score_atom_v, hanging_batch(20),
    progress_listeners{caf::actor_cast<progress_listener_actor>(listener)});
  // The healthy node scores its two chunks; the other holds two.
  receive_events(listener, 10);
  caf::anon_send_exit(stuck, caf::exit_reason::kill);
  batch_result r;
  requester->receive([&](batch_result& x) { r = std::move(x); },
                     caf::after(10s) >> [] { FAIL("no reply within 10 s"); });
  CHECK(r.failures.empty());
  REQUIRE(r.results.size() == 20);
  for (size_t i = 0; i < 20; ++i) {
    CHECK(r.results[i].index == i);
    CHECK(r.results[i].verdict.by == graded_by::rules);
  }
  receive_events(listener, 10);
  for (const auto& x : {pool, healthy})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
}

TEST_CASE("node pool fails the unfinished answers with node_lost when no "
          "node is left",
          "[actors]") {
  test::test_system ts;
  auto stuck = spawn_scoring_service(ts.sys, with_capacity(4),
                                     test::spawn_faulty_scorer);
  auto pool = spawn_pool(ts.sys,
                         {{stuck, 4, "10.0.0.1:7000", "stuck judge", {}}});
  caf::scoped_actor requester{ts.sys};
  requester->send(pool, score_atom_v, hanging_batch(6));
  // Dies before or after it took its chunks: either way they are lost.
  caf::anon_send_exit(stuck, caf::exit_reason::kill);
  batch_result r;
  requester->receive([&](batch_result& x) { r = std::move(x); },
                     caf::after(10s) >> [] { FAIL("no reply within 10 s"); });
  CHECK(r.results.empty());
  REQUIRE(r.failures.size() == 6);
  for (const auto& x : r.failures) {
    CHECK(x.code == ec::node_lost);
    CHECK_THAT(x.message, Catch::Contains("10.0.0.1:7000"));
  }
  caf::anon_send_exit(pool, caf::exit_reason::user_shutdown);
}

TEST_CASE("node pool takes an answer that comes back twice once", "[actors]") {
  test::test_system ts;
  auto real = spawn_scoring_service(ts.sys, with_capacity(8));
  // A node that reports answer 0 settled, then lets the real service score
  // the whole chunk again, answer 0 included.
  auto twice = ts.sys.spawn([real](scoring_service_actor::pointer self)
                              -> scoring_service_actor::behavior_type {
    auto score = [=](batch_request& batch, progress_listeners& listeners) {
      batch_progress early;
      early.outcome
        = score_failure{0, "", "q0", "u", ec::cancelled, "reported first"};
      for (const auto& x : listeners)
        self->send(x, early);
      return self->delegate(real, score_atom_v, std::move(batch),
                            std::move(listeners));
    };
    return {
      [=](score_atom, batch_request& batch) {
        progress_listeners none;
        return score(batch, none);
      },
      [=](score_atom, batch_request& batch, progress_listeners& listeners) {
        return score(batch, listeners);
      },
      [=](cancel_atom, const std::string&) {},
      [=](stats_atom) { return llm_stats{}; },
      [=](capacity_atom) {
        return caf::make_result(uint32_t{8}, std::string{"twice"},
                                judge_settings{});
      },
      [=](client_atom, const caf::actor&) {},
      [=](drain_atom) { return uint64_t{0}; },
    };
  });
  auto pool = spawn_pool(ts.sys, {{twice, 8, "twice:1", "twice", {}}});
  batch_request batch;
  batch.answers = test::numbered_answers(8);
  caf::scoped_actor listener{ts.sys};
  auto r = ts.score(pool, batch, 30s,
                    {caf::actor_cast<progress_listener_actor>(listener)});
  REQUIRE(r);
  CHECK(r->stats.total_count == 8);
  REQUIRE(r->failures.size() == 1);
  CHECK(r->failures[0].message == "reported first");
  CHECK(r->results.size() == 7);
  auto events = receive_events(listener, 8);
  listener->receive([](batch_progress&) { FAIL("a ninth event"); },
                    caf::after(100ms) >> [] {});
  for (const auto& x : {pool, real})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(twice, caf::exit_reason::user_shutdown);
}
