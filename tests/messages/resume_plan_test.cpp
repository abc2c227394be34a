// Scoring a batch in more than one run: what a journal or an earlier output
// leaves to score, and merging the runs into the result of the whole.

#include "messages/resume_plan.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "messages/journal.hpp"
#include "tests/fixtures/batch_checks.hpp"
#include "tests/fixtures/journal_reading.hpp"
#include "tests/fixtures/outcomes.hpp"
#include "tests/fixtures/scratch_directory.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using test::failure_for;
using test::result_for;

namespace {

/// `n` answers with answer_ids a0..a(n-1).
batch_request batch_with_ids(size_t n) {
  batch_request batch;
  batch.session_id = "s-1";
  batch.answers = test::numbered_answers(n);
  for (size_t i = 0; i < n; ++i)
    batch.answers[i].answer_id = "a" + std::to_string(i);
  return batch;
}

/// The positions of the items of `batch`, in order.
std::vector<uint64_t> positions(const batch_request& batch) {
  std::vector<uint64_t> result;
  for (const auto& x : batch.answers)
    result.push_back(x.index);
  for (const auto& x : batch.rejected)
    result.push_back(x.index);
  std::sort(result.begin(), result.end());
  return result;
}

/// What scoring `plan.remaining` gives: a result for every answer, a
/// failure for every rejected item, at their positions.
batch_result run(const resume_plan& plan) {
  batch_result fresh;
  fresh.session_id = plan.remaining.session_id;
  fresh.failures = plan.remaining.rejected;
  for (const auto& x : plan.remaining.answers)
    fresh.results.push_back(result_for(x, x.index));
  fresh.metrics.wall_ms = 42;
  return fresh;
}

} // namespace

TEST_CASE("answers are keyed by answer_id, else by index", "[codec]") {
  auto x = test::multiple_choice("q1", "A", "B");
  x.index = 4;
  CHECK(answer_key(x) == "index:4");
  x.answer_id = "a-17";
  CHECK(answer_key(x) == "id:a-17");
  CHECK(answer_key(result_for(x, 4)) == "id:a-17");
  x.answer_id.clear();
  CHECK(answer_key(result_for(x, 4)) == "index:4");
  CHECK(answer_key(failure_for(x, 9)) == "index:9");
  // An answer_id that looks like an index names no index.
  x.answer_id = "4";
  auto other = test::multiple_choice("B", "B");
  other.index = 4;
  CHECK(answer_key(x) != answer_key(other));
}

TEST_CASE("resume plan keeps what a journal holds by answer_id", "[codec]") {
  auto batch = batch_with_ids(5);
  journal_contents journal;
  // Positions in an earlier run may differ: the answer_id decides.
  journal.by_key["id:a1"] = result_for(batch.answers[1], 7);
  journal.by_key["id:a3"] = failure_for(batch.answers[3], 8);
  journal.by_key["id:elsewhere"] = result_for(batch.answers[0], 0);
  auto plan = plan_resume(batch, journal);
  CHECK(plan.remaining.session_id == "s-1");
  CHECK(plan.remaining.answers
        == std::vector<answer>{batch.answers[0], batch.answers[2],
                               batch.answers[4]});
  CHECK(plan.remaining.rejected.empty());
  CHECK(positions(plan.remaining) == std::vector<uint64_t>{0, 2, 4});
  REQUIRE(plan.done.size() == 2);
  CHECK(std::get<score_result>(plan.done[0]).index == 1);
  CHECK(std::get<score_failure>(plan.done[1]).index == 3);
  auto merged = merge(plan, run(plan));
  test::check_every_answer_once(merged, 5);
  CHECK(merged.results.size() == 4);
  CHECK(merged.failures.size() == 1);
  CHECK(merged.failures[0].question_id == "q3");
}

TEST_CASE("resume plan keys answers without ids by index, rejected items "
          "included",
          "[codec]") {
  // Positions: 0 q0, 1 rejected, 2 q1, 3 q2, 4 rejected, 5 q3.
  batch_request batch;
  batch.answers = test::numbered_answers(4);
  for (auto [i, index] : {std::pair{0, 0}, {1, 2}, {2, 3}, {3, 5}})
    batch.answers[i].index = index;
  batch.rejected.push_back(
    score_failure{4, "", "q-bad-4", "u4", ec::malformed_item, "not JSON"});
  batch.rejected.push_back(
    score_failure{1, "", "q-bad-1", "u1", ec::invalid_answer, "no type"});
  journal_contents journal;
  journal.by_key["index:0"] = result_for(batch.answers[0], 0);
  journal.by_key["index:3"] = result_for(batch.answers[2], 3);
  journal.by_key["index:4"] = batch.rejected[0];
  auto plan = plan_resume(batch, journal);
  CHECK(positions(plan.remaining) == std::vector<uint64_t>{1, 2, 5});
  CHECK(plan.remaining.answers
        == std::vector<answer>{batch.answers[1], batch.answers[3]});
  REQUIRE(plan.remaining.rejected.size() == 1);
  CHECK(plan.remaining.rejected[0].index == 1);
  CHECK(plan.remaining.rejected[0].question_id == "q-bad-1");
  REQUIRE(plan.done.size() == 3);
  SECTION("the session of the journaled results carries on") {
    CHECK(plan.remaining.session_id == "s-1");
  }
  SECTION("merging puts every item back at its place") {
    auto fresh = run(plan);
    fresh.session_id.clear();
    auto merged = merge(plan, fresh);
    test::check_every_answer_once(merged, 6);
    CHECK(merged.session_id == "s-1");
    CHECK(merged.metrics.wall_ms == 42);
    REQUIRE(merged.failures.size() == 2);
    CHECK(merged.failures[0].question_id == "q-bad-1");
    CHECK(merged.failures[0].index == 1);
    CHECK(merged.failures[1].question_id == "q-bad-4");
    REQUIRE(merged.results.size() == 4);
    for (size_t i = 0; i < 4; ++i)
      CHECK(merged.results[i].question_id == "q" + std::to_string(i));
    // q2 (every third answer) is wrong: 3 of 4 correct.
    CHECK(merged.stats.total_count == 6);
    CHECK(merged.stats.successful_count == 4);
    CHECK(merged.stats.failed_count == 2);
    CHECK(merged.stats.correct_count == 3);
    CHECK(merged.stats.average_score == 75.0);
    CHECK(merged.stats.correct_rate == 0.75);
  }
}

TEST_CASE("resume plan scores again answers that share an answer_id",
          "[codec]") {
  auto batch = batch_with_ids(3);
  batch.answers[2].answer_id = "a0";
  journal_contents journal;
  journal.by_key["id:a0"] = result_for(batch.answers[0], 0);
  journal.by_key["id:a1"] = result_for(batch.answers[1], 1);
  auto plan = plan_resume(batch, journal);
  CHECK(positions(plan.remaining) == std::vector<uint64_t>{0, 2});
  REQUIRE(plan.done.size() == 1);
  CHECK(std::get<score_result>(plan.done[0]).answer_id == "a1");
  test::check_every_answer_once(merge(plan, run(plan)), 3);
}

TEST_CASE("resume of an unjournaled run scores everything", "[codec]") {
  auto batch = batch_with_ids(4);
  auto plan = plan_resume(batch, journal_contents{});
  CHECK(plan.remaining.answers == batch.answers);
  CHECK(positions(plan.remaining) == std::vector<uint64_t>{0, 1, 2, 3});
  CHECK(plan.done.empty());
  auto fresh = run(plan);
  auto merged = merge(plan, fresh);
  test::check_every_answer_once(merged, 4);
  CHECK(merged.results == fresh.results);
}

TEST_CASE("retry plan scores again the failures of an earlier output",
          "[codec]") {
  // Positions: 0 q0, 1 rejected, 2 q1, 3 q2, 4 q3, 5 q4.
  batch_request batch;
  batch.session_id = "s-1";
  batch.answers = test::numbered_answers(5);
  for (auto [i, index] : {std::pair{0, 0}, {1, 2}, {2, 3}, {3, 4}, {4, 5}})
    batch.answers[i].index = index;
  batch.rejected.push_back(
    score_failure{1, "", "q-bad", "u1", ec::invalid_answer, "no type"});
  batch_result earlier;
  earlier.results.push_back(result_for(batch.answers[0], 0));
  earlier.failures.push_back(batch.rejected[0]);
  earlier.failures.push_back(failure_for(batch.answers[1], 2));
  earlier.results.push_back(result_for(batch.answers[2], 3));
  earlier.failures.push_back(failure_for(batch.answers[3], 4));
  // Position 5 (q4) is missing from the earlier output altogether.
  auto plan = plan_retry_failed(batch, earlier);
  CHECK(positions(plan.remaining) == std::vector<uint64_t>{1, 2, 4, 5});
  CHECK(plan.remaining.answers
        == std::vector<answer>{batch.answers[1], batch.answers[3],
                               batch.answers[4]});
  REQUIRE(plan.remaining.rejected.size() == 1);
  CHECK(plan.remaining.rejected[0].index == 1);
  CHECK(plan.remaining.rejected[0].message == "no type");
  REQUIRE(plan.done.size() == 2);
  CHECK(std::get<score_result>(plan.done[0]) == earlier.results[0]);
  CHECK(std::get<score_result>(plan.done[1]) == earlier.results[1]);
  auto merged = merge(plan, run(plan));
  test::check_every_answer_once(merged, 6);
  CHECK(merged.failures.size() == 1);
  CHECK(merged.results.size() == 5);
}

TEST_CASE("a resumed run journals the batch's positions, so a second resume "
          "finds everything done",
          "[codec]") {
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  batch_request batch;
  batch.answers = test::numbered_answers(5);
  std::string error;
  // The first run journals positions 0 and 3, then crashes mid-line.
  {
    auto writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    REQUIRE(writer->append(result_for(batch.answers[0], 0)));
    REQUIRE(writer->append(failure_for(batch.answers[3], 3)));
  }
  {
    std::ofstream out{path, std::ios::binary | std::ios::app};
    out << R"({"type":"result","attempt_id":)";
  }
  auto journal = test::read_journal_ok(path);
  CHECK(journal.torn_tail);
  auto plan = plan_resume(batch, journal);
  REQUIRE(positions(plan.remaining) == std::vector<uint64_t>{1, 2, 4});
  // The resumed run journals what it scores, at the batch's positions.
  auto fresh = run(plan);
  {
    auto writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    for (const auto& x : fresh.results)
      REQUIRE(writer->append(x));
  }
  journal = test::read_journal_ok(path);
  CHECK_FALSE(journal.torn_tail);
  CHECK(journal.lines == 5);
  auto again = plan_resume(batch, journal);
  CHECK(again.remaining.answers.empty());
  CHECK(again.done.size() == 5);
  auto merged = merge(again, batch_result{});
  test::check_every_answer_once(merged, 5);
  auto first_merge = merge(plan, fresh);
  CHECK(first_merge.results == merged.results);
  CHECK(first_merge.failures == merged.failures);
  CHECK(first_merge.stats == merged.stats);
}

TEST_CASE("resume finds the first item whose question, user or session "
          "differs from its journal line",
          "[codec]") {
  auto batch = batch_with_ids(4);
  std::map<std::string, answer_outcome> earlier;
  for (size_t i = 0; i < 4; ++i)
    earlier.emplace("id:a" + std::to_string(i),
                    result_for(batch.answers[i], i));
  CHECK(first_difference(batch, earlier, "the journal").empty());
  SECTION("another question") {
    std::get<score_result>(earlier["id:a2"]).question_id = "q-other";
    CHECK(first_difference(batch, earlier, "the journal")
          == "item 2 (id:a2) is question '" + batch.answers[2].question_id
               + "' of user '" + batch.answers[2].user_id
               + "' in the input but question 'q-other' of user '"
               + batch.answers[2].user_id + "' in the journal");
  }
  SECTION("another user") {
    std::get<score_result>(earlier["id:a1"]).user_id = "u-other";
    CHECK(first_difference(batch, earlier, "the journal").find("item 1 ") == 0);
  }
  SECTION("another session") {
    std::get<score_result>(earlier["id:a3"]).session_id = "s-other";
    CHECK(first_difference(batch, earlier, "the journal")
          == "item 3 (id:a3) is of session 's-1' in the input but of "
             "session 's-other' in the journal");
  }
  SECTION("an answer the input does not have") {
    earlier.emplace("id:zz", result_for(batch.answers[0], 9));
    CHECK(first_difference(batch, earlier, "the journal")
          == "the journal holds id:zz, which the input does not have");
  }
}

TEST_CASE("resume scores again what was cancelled or hit the deadline",
          "[codec]") {
  auto batch = batch_with_ids(4);
  journal_contents journal;
  journal.by_key.emplace("id:a0", result_for(batch.answers[0], 0));
  auto cancelled = failure_for(batch.answers[1], 1);
  cancelled.code = ec::cancelled;
  journal.by_key.emplace("id:a1", cancelled);
  auto late = result_for(batch.answers[2], 2);
  late.verdict.by = graded_by::fallback;
  late.fallback_reason = fallback_reasons::deadline;
  journal.by_key.emplace("id:a2", late);
  auto timed_out = late;
  timed_out.index = 3;
  timed_out.answer_id = "a3";
  timed_out.fallback_reason = fallback_reasons::answer_timeout;
  journal.by_key.emplace("id:a3", timed_out);
  auto plan = plan_resume(batch, journal);
  // Only a0 and a3 were really scored; a1 and a2 go again.
  REQUIRE(plan.remaining.answers.size() == 2);
  CHECK(plan.remaining.answers[0].answer_id == "a1");
  CHECK(plan.remaining.answers[1].answer_id == "a2");
  CHECK(positions(plan.remaining) == std::vector<uint64_t>{1, 2});
  CHECK(plan.done.size() == 2);
}
