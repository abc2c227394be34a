// A host that embeds grader journals a batch, stops its actor system in the
// middle of the batch, and resumes the batch in a new actor system: what
// the journal holds is not scored again, and nothing is lost.

#include "actors/journal_listener.hpp"

#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/scoring_service.hpp"
#include "messages/error.hpp"
#include "messages/journal.hpp"
#include "messages/resume_plan.hpp"
#include "tests/fixtures/actor_test_system.hpp"
#include "tests/fixtures/batch_checks.hpp"
#include "tests/fixtures/file_text.hpp"
#include "tests/fixtures/journal_reading.hpp"
#include "tests/fixtures/llm_test_setup.hpp"
#include "tests/fixtures/scratch_directory.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using namespace std::chrono_literals;

namespace {

constexpr size_t answer_count = 40;

// Short answers, each different, so that every one makes its own two calls
// (a verdict and an explanation) and none is answered from the cache.
batch_request short_answers() {
  batch_request batch;
  batch.session_id = "host-batch";
  for (size_t i = 0; i < answer_count; ++i) {
    batch.answers.push_back(
      test::short_answer("q" + std::to_string(i),
                         "sunlight makes glucose, step " + std::to_string(i),
                         {"sunlight", "chlorophyll", "glucose"}));
    batch.answers.back().index = i;
    batch.answers.back().answer_id = "a" + std::to_string(i);
  }
  return batch;
}

config slow_settings() {
  config settings;
  // Four calls at a time against a judge taking 20 ms each: the batch takes
  // about half a second, long enough to be stopped in the middle.
  settings.max_in_flight = 4;
  settings.llm_timeout = 2s;
  return settings;
}

size_t lines_in(const std::string& path) {
  auto text = test::slurp(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("journal listener fails to spawn on a journal it cannot open",
          "[actors]") {
  test::test_system ts;
  test::scratch_directory tmp;
  auto journal = spawn_journal_listener(ts.sys, tmp.path("missing/j.jsonl"));
  REQUIRE_FALSE(journal);
  CHECK(journal.error() == ec::journal_failed);
  CHECK(error_text(journal.error()).rfind("cannot open journal '", 0) == 0);
}

TEST_CASE("a host resumes a batch whose actor system it stopped mid-batch, "
          "scoring no journaled answer again",
          "[actors][llm]") {
  test::judge_fixture judge{20ms};
  test::scratch_directory tmp;
  auto path = tmp.path("batch.jsonl");
  auto batch = short_answers();

  // The first actor system: scoring starts, and the host stops it once a
  // few answers are in the journal.
  {
    test::test_system ts;
    auto service = spawn_scoring_service(ts.sys, slow_settings(),
                                         judge.backend(4));
    auto journal = spawn_journal_listener(ts.sys, path);
    REQUIRE(journal);
    caf::scoped_actor host{ts.sys};
    host->send(service, score_atom_v, batch, progress_listeners{*journal});
    auto give_up = std::chrono::steady_clock::now() + 10s;
    while (lines_in(path) < 5 && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(5ms);
    caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(*journal, caf::exit_reason::user_shutdown);
  }
  auto first = test::read_journal_ok(path, answer_count);
  INFO(first.lines << " answers journaled before the stop");
  REQUIRE(first.lines >= 5);
  REQUIRE(first.lines < answer_count);
  CHECK(first.by_key.size() == first.lines);
  // Calls the first system sent before it stopped may still reach the
  // judge; they count before the second run's.
  REQUIRE(judge.wait_until_quiet());
  auto calls_before = judge.server.stats().completions;

  // The second actor system scores only what the journal lacks, and keeps
  // journaling to the same file.
  batch_result merged;
  resume_plan plan;
  {
    test::test_system ts;
    REQUIRE(first_difference(batch, first.by_key, "the journal").empty());
    plan = plan_resume(batch, first);
    REQUIRE(plan.done.size() == first.lines);
    REQUIRE(plan.remaining.answers.size() == answer_count - first.lines);
    auto service = spawn_scoring_service(ts.sys, slow_settings(),
                                         judge.backend(4));
    auto journal = spawn_journal_listener(ts.sys, path);
    REQUIRE(journal);
    auto fresh = ts.score(service, plan.remaining, 30s, {*journal});
    REQUIRE(fresh);
    caf::scoped_actor host{ts.sys};
    host->request(*journal, 5s, flush_atom_v)
      .receive([](const std::string& error) { CHECK(error.empty()); },
               [](const caf::error& err) { FAIL(to_string(err)); });
    // The fresh results keep the batch's positions.
    for (const auto& x : fresh->results)
      CHECK(x.index == std::stoul(x.answer_id.substr(1)));
    merged = merge(plan, std::move(*fresh));
    caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(*journal, caf::exit_reason::user_shutdown);
  }

  test::check_every_answer_once(merged, answer_count);
  CHECK(merged.results.size() == answer_count);
  // Two calls per answer the second run scored: none for the journaled
  // ones.
  auto calls_after = judge.server.stats().completions;
  CHECK(calls_after - calls_before == 2 * (answer_count - first.lines));
  // The journal now holds every answer once: no answer was scored twice.
  auto second = test::read_journal_ok(path, answer_count);
  CHECK(second.lines == answer_count);
  CHECK(second.by_key.size() == answer_count);
  for (const auto& [key, outcome] : first.by_key) {
    const auto& before = std::get<score_result>(outcome);
    CHECK(std::get<score_result>(second.by_key.at(key)).attempt_id
          == before.attempt_id);
    CHECK(merged.results.at(before.index).attempt_id == before.attempt_id);
  }
}
