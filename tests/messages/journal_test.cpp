// The journal behind --journal and --resume: appending outcomes as they
// settle and reading them back after a crash.

#include "messages/journal.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "messages/outcome_json.hpp"
#include "tests/fixtures/file_text.hpp"
#include "tests/fixtures/journal_reading.hpp"
#include "tests/fixtures/outcomes.hpp"
#include "tests/fixtures/scratch_directory.hpp"
#include "tests/fixtures/test_answers.hpp"

using namespace grader;
using test::failure_for;
using test::result_for;
using test::slurp;
using test::spit;

namespace fs = std::filesystem;

namespace {} // namespace

TEST_CASE("journal writer appends lines a reader sees while it is open",
          "[codec]") {
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  std::string error;
  auto writer = journal_writer::open(path, error);
  REQUIRE(writer != nullptr);
  CHECK(error.empty());
  CHECK(fs::exists(path));
  auto answers = test::numbered_answers(3);
  SECTION("each append is at once a whole line in the file") {
    REQUIRE(writer->append(result_for(answers[0], 0)));
    CHECK(slurp(path) == write_outcome_line(result_for(answers[0], 0)) + "\n");
    REQUIRE(writer->append(failure_for(answers[1], 1)));
    REQUIRE(writer->append(result_for(answers[2], 2)));
    auto journal = test::read_journal_ok(path);
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
    CHECK(test::read_journal_ok(path).lines == 2);
  }
}

TEST_CASE("journal writer says why it cannot open a journal", "[codec]") {
  test::scratch_directory tmp{"grader-journal"};
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
  test::scratch_directory tmp{"grader-journal"};
  auto journal = test::read_journal_ok(tmp.path("never-written.jsonl"));
  CHECK(journal.by_key.empty());
  CHECK(journal.lines == 0);
  CHECK_FALSE(journal.torn_tail);
}

TEST_CASE("journal reader leaves out a torn last line", "[codec]") {
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(2);
  auto first = write_outcome_line(result_for(answers[0], 0)) + "\n";
  auto second = write_outcome_line(result_for(answers[1], 1));
  SECTION("a last line cut short by a crash") {
    spit(path, first + second.substr(0, second.size() / 2));
    auto journal = test::read_journal_ok(path);
    CHECK(journal.lines == 1);
    CHECK(journal.torn_tail);
    CHECK(journal.by_key.count("index:0") == 1);
  }
  SECTION("a whole last line whose newline was not written") {
    spit(path, first + second);
    auto journal = test::read_journal_ok(path);
    CHECK(journal.lines == 1);
    CHECK(journal.torn_tail);
  }
  SECTION("a last line of garbage, newline and all") {
    spit(path, first + std::string(5, '\0') + "\n");
    auto journal = test::read_journal_ok(path);
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
    auto journal = test::read_journal_ok(path);
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
    CHECK(test::read_journal_ok(path).lines == 2);
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
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(3);
  std::string text;
  for (uint64_t i = 0; i < 3; ++i)
    text += write_outcome_line(result_for(answers[i], i)) + "\n";
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
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(3);
  auto line = [&](uint64_t i) {
    return write_outcome_line(result_for(answers[i], i)) + "\n";
  };
  auto inflated = result_for(answers[1], 1);
  inflated.verdict.score = 12345;
  auto bad = write_outcome_line(inflated) + "\n";
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
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  auto answers = test::numbered_answers(3);
  spit(path, write_outcome_line(result_for(answers[0], 0)) + "\n"
               + write_outcome_line(result_for(answers[2], 9)) + "\n");
  std::string error;
  CHECK(read_journal(path, error, 10));
  CHECK_FALSE(read_journal(path, error, 3));
  CHECK(error
        == "journal '" + path
             + "' line 2: index 9 is out of range for a batch of 3 answers");
}

TEST_CASE("journal reader refuses a journal that is not a regular file",
          "[codec]") {
  test::scratch_directory tmp{"grader-journal"};
  std::string error;
  CHECK_FALSE(read_journal(tmp.dir.string(), error));
  CHECK(error == "journal '" + tmp.dir.string() + "': not a regular file");
  // It would never end.
  CHECK_FALSE(read_journal("/dev/zero", error));
  CHECK(error == "journal '/dev/zero': not a regular file");
}

TEST_CASE("journal reader keeps the latest line of each answer", "[codec]") {
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  auto x = test::multiple_choice("q0", "A", "B");
  x.answer_id = "a0";
  spit(path, write_outcome_line(failure_for(x, 0)) + "\n"
               + write_outcome_line(result_for(x, 0)) + "\n");
  auto journal = test::read_journal_ok(path);
  CHECK(journal.lines == 2);
  REQUIRE(journal.by_key.size() == 1);
  CHECK(std::holds_alternative<score_result>(journal.by_key.at("id:a0")));
}

TEST_CASE("journal writer starts a new journal with its judge settings",
          "[codec]") {
  test::scratch_directory tmp{"grader-journal"};
  auto path = tmp.path("j.jsonl");
  judge_settings judge;
  judge.model = "gpt-4o-mini";
  judge.temperature = 0.5;
  judge.seeded = true;
  judge.seed = 42;
  judge.prompt_version = "132a66e6a08d";
  auto answers = test::numbered_answers(2);
  std::string error;
  {
    auto writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    REQUIRE(writer->start(judge));
    REQUIRE(writer->append(result_for(answers[0], 0)));
  }
  CHECK(slurp(path).substr(0, slurp(path).find('\n'))
        == R"({"judge":{"model":"gpt-4o-mini","temperature":0.5,"seed":42,)"
           R"("prompt_version":"132a66e6a08d","samples":1,"reducer":"median",)"
           R"("max_spread":20}})");
  SECTION("a reader gives the settings apart from the outcomes") {
    auto journal = test::read_journal_ok(path, 2);
    REQUIRE(journal.judge);
    CHECK(*journal.judge == judge);
    CHECK(journal.lines == 1);
    CHECK(journal.by_key.size() == 1);
  }
  SECTION("a resumed journal keeps its first line and gets no second") {
    auto other = judge;
    other.temperature = 0;
    auto writer = journal_writer::open(path, error);
    REQUIRE(writer != nullptr);
    REQUIRE(writer->start(other));
    REQUIRE(writer->append(result_for(answers[1], 1)));
    auto journal = test::read_journal_ok(path, 2);
    REQUIRE(journal.judge);
    CHECK(*journal.judge == judge);
    CHECK(journal.lines == 2);
  }
  SECTION("a journal without them has none") {
    spit(path, write_outcome_line(result_for(answers[0], 0)) + "\n");
    CHECK_FALSE(test::read_journal_ok(path, 2).judge);
  }
  SECTION("broken settings are named") {
    spit(path, R"({"judge":{"model":"m","temperature":9,"prompt_version":"p",)"
               R"("samples":1,"reducer":"median","max_spread":20}})"
               "\n");
    CHECK_FALSE(read_journal(path, error, 2));
    CHECK(error
          == "journal '" + path
               + "' line 1: judge.temperature must be 0..2, got 9");
  }
}
