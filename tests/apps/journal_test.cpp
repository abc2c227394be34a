// The journal behind --journal, --resume and --retry-failed: appending and
// reading it, planning what is left to score, merging the two runs.

#include "apps/grader/journal.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <stdlib.h>

#include <catch2/catch.hpp>

#include "messages/json_codec.hpp"
#include "tests/batch_checks.hpp"
#include "tests/test_answers.hpp"

using namespace grader;
using namespace grader::app;

namespace fs = std::filesystem;

namespace {

/// A scratch folder of its own per test case, removed afterwards.
struct scratch {
  fs::path dir;

  scratch() {
    std::string pattern = fs::temp_directory_path() / "grader-journal-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
  }

  ~scratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  std::string path(const char* name) const { return (dir / name).string(); }
};

std::string slurp(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

/// The result a run would give `x` at position `index`: correct when the
/// student chose what was expected.
score_result result_for(const answer& x, uint64_t index) {
  score_result result;
  result.attempt_id = "att-" + std::to_string(index);
  result.session_id = "s-1";
  result.index = index;
  result.answer_id = x.answer_id;
  result.question_id = x.question_id;
  result.user_id = x.user_id;
  result.verdict.is_correct = x.user_answer == x.correct_answer;
  result.verdict.score = result.verdict.is_correct ? 100 : 0;
  result.graded_at = "2026-11-27T10:00:00.000Z";
  return result;
}

score_failure failure_for(const answer& x, uint64_t index) {
  return score_failure{index,     x.answer_id,         x.question_id,
                       x.user_id, ec::llm_unavailable, "LLM down"};
}

/// `n` answers with answer_ids a0..a(n-1).
batch_request batch_with_ids(size_t n) {
  batch_request batch;
  batch.session_id = "s-1";
  batch.answers = test::numbered_answers(n);
  for (size_t i = 0; i < n; ++i)
    batch.answers[i].answer_id = "a" + std::to_string(i);
  return batch;
}

journal_contents read_ok(const std::string& path) {
  std::string error;
  auto journal = read_journal(path, error);
  if (!journal)
    FAIL("read_journal failed: " << error);
  CHECK(error.empty());
  return std::move(*journal);
}

/// What scoring `plan.remaining` gives: a result for every answer, a
/// failure for every rejected item, at the positions of `remaining`.
batch_result run(const resume_plan& plan) {
  batch_result fresh;
  fresh.session_id = plan.remaining.session_id;
  fresh.failures = plan.remaining.rejected;
  for (size_t i = 0; i < plan.original_index.size(); ++i) {
    auto taken = false;
    for (const auto& rejected : plan.remaining.rejected)
      taken = taken || rejected.index == i;
    if (!taken) {
      auto n = fresh.results.size();
      fresh.results.push_back(result_for(plan.remaining.answers[n], i));
    }
  }
  fresh.metrics.wall_ms = 42;
  return fresh;
}

} // namespace

TEST_CASE("answers are keyed by answer_id, else by index", "[codec]") {
  auto x = test::multiple_choice("q1", "A", "B");
  CHECK(answer_key(x, 4) == "index:4");
  x.answer_id = "a-17";
  CHECK(answer_key(x, 4) == "id:a-17");
  CHECK(answer_key(result_for(x, 4)) == "id:a-17");
  x.answer_id.clear();
  CHECK(answer_key(result_for(x, 4)) == "index:4");
  CHECK(answer_key(failure_for(x, 9)) == "index:9");
  // An answer_id that looks like an index names no index.
  x.answer_id = "4";
  CHECK(answer_key(x, 4) != answer_key(test::multiple_choice("B", "B"), 4));
}

TEST_CASE("journal writer appends lines a reader sees while it is open",
          "[codec]") {
  scratch tmp;
  auto path = tmp.path("j.jsonl");
  std::string error;
  auto writer = journal_writer::open(path, error);
  REQUIRE(writer != nullptr);
  CHECK(error.empty());
  CHECK(fs::exists(path));
  auto answers = test::numbered_answers(3);
  SECTION("each append is at once a whole line in the file") {
    REQUIRE(writer->append(result_for(answers[0], 0)));
    CHECK(slurp(path) == write_result_line(result_for(answers[0], 0)) + "\n");
    REQUIRE(writer->append(failure_for(answers[1], 1)));
    REQUIRE(writer->append(result_for(answers[2], 2)));
    auto journal = read_ok(path);
    CHECK(journal.lines == 3);
    CHECK_FALSE(journal.torn_tail);
    REQUIRE(journal.by_key.size() == 3);
    CHECK(std::get<score_result>(journal.by_key.at("index:0"))
          == result_for(answers[0], 0));
    CHECK(std::get<score_failure>(journal.by_key.at("index:1"))
          == failure_for(answers[1], 1));
    CHECK(writer->error().empty());
  }
  SECTION("a second writer appends after the lines of the first") {
    REQUIRE(writer->append(result_for(answers[0], 0)));
    writer.reset();
    writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    REQUIRE(writer->append(result_for(answers[1], 1)));
    CHECK(read_ok(path).lines == 2);
  }
}

TEST_CASE("journal writer says why it cannot open a journal", "[codec]") {
  scratch tmp;
  std::string error;
  auto path = tmp.path("missing/j.jsonl");
  CHECK(journal_writer::open(path, error) == nullptr);
  CHECK(error
        == "cannot open journal '" + path + "': No such file or directory");
  CHECK(journal_writer::open(tmp.dir.string(), error) == nullptr);
  CHECK(error
        == "cannot open journal '" + tmp.dir.string() + "': Is a directory");
}

TEST_CASE("journal writer reports a failed append and accepts no more",
          "[codec]") {
  if (!fs::exists("/dev/full"))
    return;
  std::string error;
  auto writer = journal_writer::open("/dev/full", error);
  REQUIRE(writer != nullptr);
  auto x = test::multiple_choice("q0", "B", "B");
  CHECK_FALSE(writer->append(result_for(x, 0)));
  CHECK(writer->error()
        == "cannot write journal '/dev/full': No space left on device");
  CHECK_FALSE(writer->append(failure_for(x, 0)));
}

TEST_CASE("journal reader treats a missing journal as empty", "[codec]") {
  scratch tmp;
  auto journal = read_ok(tmp.path("never-written.jsonl"));
  CHECK(journal.by_key.empty());
  CHECK(journal.lines == 0);
  CHECK_FALSE(journal.torn_tail);
}

TEST_CASE("journal reader leaves out a torn last line", "[codec]") {
  scratch tmp;
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(2);
  auto first = write_result_line(result_for(answers[0], 0)) + "\n";
  auto second = write_result_line(result_for(answers[1], 1));
  SECTION("a last line cut short by a crash") {
    spit(path, first + second.substr(0, second.size() / 2));
    auto journal = read_ok(path);
    CHECK(journal.lines == 1);
    CHECK(journal.torn_tail);
    CHECK(journal.by_key.count("index:0") == 1);
  }
  SECTION("a whole last line whose newline was not written") {
    spit(path, first + second);
    auto journal = read_ok(path);
    CHECK(journal.lines == 1);
    CHECK(journal.torn_tail);
  }
  SECTION("a last line of garbage, newline and all") {
    spit(path, first + std::string(5, '\0') + "\n");
    auto journal = read_ok(path);
    CHECK(journal.lines == 1);
    CHECK(journal.torn_tail);
  }
  SECTION("a writer cuts the torn line off before appending") {
    spit(path, first + second.substr(0, 10));
    std::string error;
    auto writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    REQUIRE(writer->append(result_for(answers[1], 1)));
    CHECK(slurp(path) == first + second + "\n");
    auto journal = read_ok(path);
    CHECK(journal.lines == 2);
    CHECK_FALSE(journal.torn_tail);
  }
  SECTION("a writer cuts a last line of garbage off before appending") {
    spit(path, first + std::string(5, '\0') + "\n");
    std::string error;
    auto writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    REQUIRE(writer->append(result_for(answers[1], 1)));
    CHECK(slurp(path) == first + second + "\n");
    CHECK(read_ok(path).lines == 2);
  }
  SECTION("a writer keeps a journal that ends well as it is") {
    spit(path, first);
    std::string error;
    REQUIRE(journal_writer::open(path, error) != nullptr);
    CHECK(slurp(path) == first);
  }
}

TEST_CASE("journal reader names an unreadable line before the last",
          "[codec]") {
  scratch tmp;
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(3);
  std::string text;
  for (uint64_t i = 0; i < 3; ++i)
    text += write_result_line(result_for(answers[i], i)) + "\n";
  SECTION("not JSON") {
    spit(path, text + "\n{\"type\": \"result\", oops\n" + text);
    std::string error;
    CHECK_FALSE(read_journal(path, error));
    CHECK(error.rfind("journal '" + path + "' line 5: not valid JSON", 0) == 0);
  }
  SECTION("JSON, but no outcome") {
    spit(path, text + R"({"type": "result", "index": 3})" + "\n" + text);
    std::string error;
    CHECK_FALSE(read_journal(path, error));
    CHECK(error == "journal '" + path + "' line 4: attempt_id required");
  }
}

TEST_CASE("journal reader names a line with a value grader never writes",
          "[codec]") {
  scratch tmp;
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(3);
  auto line = [&](uint64_t i) {
    return write_result_line(result_for(answers[i], i)) + "\n";
  };
  auto inflated = result_for(answers[1], 1);
  inflated.verdict.score = 12345;
  auto bad = write_result_line(inflated) + "\n";
  std::string error;
  SECTION("amid the journal") {
    spit(path, line(0) + bad + line(2));
    CHECK_FALSE(read_journal(path, error));
    CHECK(error
          == "journal '" + path + "' line 2: score must be 0..100, got 12345");
  }
  SECTION("as its last line, which no crash tears that way") {
    spit(path, line(0) + bad);
    CHECK_FALSE(read_journal(path, error));
    CHECK(error
          == "journal '" + path + "' line 2: score must be 0..100, got 12345");
    // Nor does a writer cut it off as torn.
    REQUIRE(journal_writer::open(path, error) != nullptr);
    CHECK(slurp(path) == line(0) + bad);
  }
}

TEST_CASE("journal reader refuses an outcome outside the batch", "[codec]") {
  scratch tmp;
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(3);
  spit(path, write_result_line(result_for(answers[0], 0)) + "\n"
               + write_result_line(result_for(answers[2], 9)) + "\n");
  std::string error;
  CHECK(read_journal(path, error, 10));
  CHECK_FALSE(read_journal(path, error, 3));
  CHECK(error
        == "journal '" + path
             + "' line 2: index 9 is out of range for a batch of 3 answers");
}

TEST_CASE("journal reader refuses a journal that is not a regular file",
          "[codec]") {
  scratch tmp;
  std::string error;
  CHECK_FALSE(read_journal(tmp.dir.string(), error));
  CHECK(error == "journal '" + tmp.dir.string() + "': not a regular file");
  // It would never end.
  CHECK_FALSE(read_journal("/dev/zero", error));
  CHECK(error == "journal '/dev/zero': not a regular file");
}

TEST_CASE("journal reader keeps the latest line of each answer", "[codec]") {
  scratch tmp;
  auto path = tmp.path("j.jsonl");
  auto x = test::multiple_choice("q0", "A", "B");
  x.answer_id = "a0";
  spit(path, write_failure_line(failure_for(x, 0)) + "\n"
               + write_result_line(result_for(x, 0)) + "\n");
  auto journal = read_ok(path);
  CHECK(journal.lines == 2);
  REQUIRE(journal.by_key.size() == 1);
  CHECK(std::holds_alternative<score_result>(journal.by_key.at("id:a0")));
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
  CHECK(plan.original_index == std::vector<uint64_t>{0, 2, 4});
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
  batch.rejected.push_back(
    score_failure{4, "", "q-bad-4", "u4", ec::malformed_item, "not JSON"});
  batch.rejected.push_back(
    score_failure{1, "", "q-bad-1", "u1", ec::invalid_answer, "no type"});
  journal_contents journal;
  journal.by_key["index:0"] = result_for(batch.answers[0], 0);
  journal.by_key["index:3"] = result_for(batch.answers[2], 3);
  journal.by_key["index:4"] = batch.rejected[0];
  auto plan = plan_resume(batch, journal);
  CHECK(plan.original_index == std::vector<uint64_t>{1, 2, 5});
  CHECK(plan.remaining.answers
        == std::vector<answer>{batch.answers[1], batch.answers[3]});
  REQUIRE(plan.remaining.rejected.size() == 1);
  CHECK(plan.remaining.rejected[0].index == 0);
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
  CHECK(plan.original_index == std::vector<uint64_t>{0, 2});
  REQUIRE(plan.done.size() == 1);
  CHECK(std::get<score_result>(plan.done[0]).answer_id == "a1");
  test::check_every_answer_once(merge(plan, run(plan)), 3);
}

TEST_CASE("resume of an unjournaled run scores everything", "[codec]") {
  auto batch = batch_with_ids(4);
  auto plan = plan_resume(batch, journal_contents{});
  CHECK(plan.remaining.answers == batch.answers);
  CHECK(plan.original_index == std::vector<uint64_t>{0, 1, 2, 3});
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
  CHECK(plan.original_index == std::vector<uint64_t>{1, 2, 4, 5});
  CHECK(plan.remaining.answers
        == std::vector<answer>{batch.answers[1], batch.answers[3],
                               batch.answers[4]});
  REQUIRE(plan.remaining.rejected.size() == 1);
  CHECK(plan.remaining.rejected[0].index == 0);
  CHECK(plan.remaining.rejected[0].message == "no type");
  REQUIRE(plan.done.size() == 2);
  CHECK(std::get<score_result>(plan.done[0]) == earlier.results[0]);
  CHECK(std::get<score_result>(plan.done[1]) == earlier.results[1]);
  auto merged = merge(plan, run(plan));
  test::check_every_answer_once(merged, 6);
  CHECK(merged.failures.size() == 1);
  CHECK(merged.results.size() == 5);
}

TEST_CASE("a resumed run journals original positions, so a second resume "
          "finds everything done",
          "[codec]") {
  scratch tmp;
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
  auto journal = read_ok(path);
  CHECK(journal.torn_tail);
  auto plan = plan_resume(batch, journal);
  REQUIRE(plan.original_index == std::vector<uint64_t>{1, 2, 4});
  // The resumed run journals what it scores at original positions.
  auto fresh = run(plan);
  {
    auto writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    for (const auto& x : fresh.results)
      REQUIRE(writer->append(to_original(plan, x)));
  }
  journal = read_ok(path);
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
  CHECK_THROWS_AS(to_original(plan, result_for(batch.answers[0], 3)),
                  std::out_of_range);
}

TEST_CASE("resume finds the first item whose question, user or session "
          "differs from its journal line",
          "[codec]") {
  auto batch = batch_with_ids(4);
  std::map<std::string, outcome_line> earlier;
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
    CHECK(first_difference(batch, earlier, "the journal").find("item 1 ")
          == 0);
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
  CHECK(plan.original_index == std::vector<uint64_t>{1, 2});
  CHECK(plan.done.size() == 2);
}
