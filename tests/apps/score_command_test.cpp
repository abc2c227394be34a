// Runs the real `grader` binary the way an operator would.

#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/file_text.hpp"
#include "tests/fixtures/scratch_directory.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using grader::test::slurp;
using grader::test::spit;

/// A scratch folder of its own per test case, where `grader` runs.
struct scratch : grader::test::scratch_directory {
  struct outcome {
    int exit_code;
    std::string out;
    std::string err;
  };

  /// Runs `grader ARGS` in this folder, optionally with `input` on stdin.
  outcome grader(const std::string& args, const std::string& input = "") {
    spit(dir / "stdin", input);
    auto command = "cd '" + dir.string() + "' && '" GRADER_BINARY "' " + args
                   + " < stdin > stdout 2> stderr";
    auto status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    return {WEXITSTATUS(status), slurp(dir / "stdout"), slurp(dir / "stderr")};
  }

  /// Runs `grader ARGS` in this folder with standard input from the file
  /// `stdin_path`, killed after 10 s (exit code 137) should it hang.
  outcome grader_reading(const std::string& args,
                         const std::string& stdin_path) {
    auto command = "cd '" + dir.string()
                   + "' && timeout -s KILL 10 '" GRADER_BINARY "' " + args
                   + " < '" + stdin_path + "' > stdout 2> stderr";
    auto status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    return {WEXITSTATUS(status), slurp(dir / "stdout"), slurp(dir / "stderr")};
  }
};

const std::string examples = GRADER_SOURCE_DIR "/examples/";

} // namespace

TEST_CASE("grader score scores every answer of examples/mixed.json", "[apps]") {
  scratch s;
  auto run = s.grader("score " + examples + "mixed.json");
  REQUIRE(run.exit_code == 0);
  // stderr holds only the human summary.
  CHECK(run.err.rfind("grader: scored 36 of 36 answers", 0) == 0);
  auto out = json::parse(run.out);
  auto answers = json::parse(slurp(examples + "mixed.json"))["answers"];
  CHECK(out["batch_stats"]["total_count"] == answers.size());
  CHECK(out["batch_stats"]["successful_count"] == answers.size());
  CHECK(out["results"].size() == answers.size());
  CHECK(out["session_id"] == "demo-mixed-001");
  for (size_t i = 0; i < answers.size(); ++i) {
    CHECK(out["results"][i]["index"] == i);
    CHECK(out["results"][i]["question_id"] == answers[i]["question_id"]);
  }
}

TEST_CASE("grader score reports a malformed answer, scores the rest and "
          "exits 3",
          "[apps]") {
  scratch s;
  auto run = s.grader("score " + examples + "malformed.json");
  CHECK(run.exit_code == 3);
  auto out = json::parse(run.out);
  REQUIRE(out["failures"].size() == 1);
  CHECK(out["failures"][0]["index"] == 2);
  CHECK(out["failures"][0]["error"]["code"] == "invalid_answer");
  CHECK(out["failures"][0]["error"]["message"]
        == "correct_keywords required for short_answer");
  CHECK(out["results"].size() == 5);
  CHECK(out["batch_stats"]["failed_count"] == 1);
  CHECK(out["failed_question_ids"].size() == 1);
}

TEST_CASE("grader score reads JSON Lines from standard input", "[apps]") {
  scratch s;
  auto run = s.grader("score -", slurp(examples + "answers.jsonl"));
  REQUIRE(run.exit_code == 0);
  auto out = json::parse(run.out);
  CHECK(out["batch_stats"]["total_count"] == 6);
  // Without a batch object there is no session id: one is made up.
  CHECK(out["session_id"].get<std::string>().size() == 36);
}

TEST_CASE("grader score explains unusable input on one line and exits 2",
          "[apps]") {
  scratch s;
  SECTION("a missing file") {
    auto run = s.grader("score nope.json");
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err
          == "grader: cannot read 'nope.json': No such file or directory\n");
  }
  SECTION("a directory") {
    auto run = s.grader("score .");
    CHECK(run.exit_code == 2);
    CHECK(run.err == "grader: cannot read '.': it is a directory\n");
  }
  SECTION("a file that is not JSON") {
    spit(s.dir / "bad.json", "{\n  \"answers\": [1, 2,, 3]\n}\n");
    auto run = s.grader("score bad.json");
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err.rfind("grader: bad.json: line 2, column 20: ", 0) == 0);
  }
  SECTION("answers of the wrong type") {
    auto run = s.grader("score -", R"({"answers": "all of them"})");
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: standard input: answers must be an array, got string\n");
  }
  SECTION("an unknown option") {
    auto run = s.grader("score --fast " + examples + "small.json");
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err.find("--fast") != std::string::npos);
  }
  SECTION("a bad number") {
    auto run = s.grader("score --deadline-ms soon " + examples + "small.json");
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("--deadline-ms") != std::string::npos);
    run = s.grader("score --answer-timeout-ms -5 " + examples + "small.json");
    CHECK(run.exit_code == 2);
  }
  SECTION("no output file is left behind") {
    auto run = s.grader("score nope.json -o out.json");
    CHECK(run.exit_code == 2);
    CHECK_FALSE(fs::exists(s.dir / "out.json"));
  }
}

TEST_CASE("grader score -o writes the result file and nothing to stdout",
          "[apps]") {
  scratch s;
  auto run = s.grader("score " + examples + "small.json -o result.json");
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.empty());
  auto out = json::parse(slurp(s.dir / "result.json"));
  CHECK(out["batch_stats"]["total_count"] == 5);
  // Only the result (and the captured streams) remain: no temporary file.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator{s.dir})
    ++files;
  CHECK(files == 4);
}

TEST_CASE("grader score --sequential gives the parallel scores", "[apps]") {
  scratch s;
  auto parallel = s.grader("score " + examples + "mixed.json");
  auto sequential = s.grader("score --sequential " + examples + "mixed.json");
  REQUIRE(parallel.exit_code == 0);
  REQUIRE(sequential.exit_code == 0);
  auto x = json::parse(parallel.out);
  auto y = json::parse(sequential.out);
  REQUIRE(x["results"].size() == y["results"].size());
  for (size_t i = 0; i < x["results"].size(); ++i) {
    CHECK(x["results"][i]["score"] == y["results"][i]["score"]);
    CHECK(x["results"][i]["feedback"] == y["results"][i]["feedback"]);
    CHECK(x["results"][i]["explanation"] == y["results"][i]["explanation"]);
  }
  CHECK(x["batch_stats"] == y["batch_stats"]);
}

TEST_CASE("grader score takes timeouts and can skip explanations", "[apps]") {
  scratch s;
  auto run = s.grader("score --answer-timeout-ms 5000 --deadline-ms 10000 "
                      "--no-explain "
                      + examples + "small.json");
  REQUIRE(run.exit_code == 0);
  auto out = json::parse(run.out);
  for (const auto& x : out["results"])
    CHECK(x["explanation"] == "");
}

TEST_CASE("grader --version and --help succeed", "[apps]") {
  scratch s;
  auto version = s.grader("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out == "0.1.0\n");
  auto help = s.grader("score --help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("--answer-timeout-ms") != std::string::npos);
  CHECK(help.out.find("Exit codes") != std::string::npos);
}

TEST_CASE("grader score stops reading at --max-input-bytes, even an endless "
          "input",
          "[apps]") {
  scratch s;
  SECTION("/dev/zero as the input file, at once") {
    auto start = std::chrono::steady_clock::now();
    auto run = s.grader_reading("score --max-input-bytes 1000000 /dev/zero",
                                "/dev/null");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{5});
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err
          == "grader: /dev/zero: larger than the input limit of 1000000 "
             "bytes (--max-input-bytes)\n");
  }
  SECTION("/dev/zero as standard input") {
    auto run = s.grader_reading("score --max-input-bytes 1000 -", "/dev/zero");
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: standard input: larger than the input limit of 1000 "
             "bytes (--max-input-bytes)\n");
  }
  SECTION("a file one byte over the limit, and one at the limit") {
    auto size = std::to_string(fs::file_size(examples + "small.json"));
    auto over = s.grader("score --max-input-bytes " + size + " -",
                         slurp(examples + "small.json") + " ");
    CHECK(over.exit_code == 2);
    CHECK(over.err
          == "grader: standard input: larger than the input limit of " + size
               + " bytes (--max-input-bytes)\n");
    auto at = s.grader("score --quiet --max-input-bytes " + size + " "
                       + examples + "small.json");
    CHECK(at.exit_code == 0);
    CHECK(json::parse(at.out)["batch_stats"]["total_count"] == 5);
  }
  SECTION("a FIFO still reads to its end") {
    auto fifo = (s.dir / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto command
      = "cd '" + s.dir.string() + "' && (cat '" + examples
        + "small.json' > fifo &) && timeout -s KILL 10 '" GRADER_BINARY
          "' score --quiet fifo > stdout";
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(json::parse(slurp(s.dir / "stdout"))["batch_stats"]["total_count"]
          == 5);
  }
  SECTION("the default is 256 MiB and 0 is no limit to set") {
    auto help = s.grader("score --help");
    CHECK(help.out.find("--max-input-bytes") != std::string::npos);
    CHECK(help.out.find("268435456") != std::string::npos);
    CHECK(s.grader("score --max-input-bytes 0 -", "[]").exit_code == 2);
  }
}

TEST_CASE("grader score reports hostile bytes in the input instead of losing "
          "answers",
          "[apps]") {
  scratch s;
  auto lines = slurp(examples + "answers.jsonl");
  auto first_end = lines.find('\n') + 1;
  SECTION("a NUL byte after the first line of JSON Lines fails one line") {
    auto run = s.grader("score --quiet -", lines.substr(0, first_end) + '\0'
                                             + lines.substr(first_end));
    CHECK(run.exit_code == 3);
    auto out = json::parse(run.out);
    CHECK(out["batch_stats"]["total_count"] == 6);
    CHECK(out["batch_stats"]["successful_count"] == 5);
    REQUIRE(out["failures"].size() == 1);
    CHECK(out["failures"][0]["index"] == 1);
    CHECK(out["failures"][0]["error"]["message"]
          == "line 2 is not valid JSON: column 1: unexpected NUL byte "
             "(\\x00)");
  }
  SECTION("a number too large for a double fails its answer") {
    auto batch = slurp(examples + "small.json");
    auto difficulty = batch.find("\"difficulty\": 3");
    REQUIRE(difficulty != std::string::npos);
    batch.replace(difficulty, 15, "\"difficulty\": 1e400");
    auto run = s.grader("score --quiet -", batch);
    CHECK(run.exit_code == 3);
    auto out = json::parse(run.out);
    CHECK(out["results"].size() == 4);
    REQUIRE(out["failures"].size() == 1);
    CHECK(out["failures"][0]["index"] == 0);
    CHECK(out["failures"][0]["error"]["code"] == "invalid_answer");
    CHECK(out["failures"][0]["error"]["message"]
          == "difficulty is out of range: 1e400");
  }
  SECTION("a one-line batch document followed by a stray line") {
    auto document
      = json{{"answers", json::parse(slurp(examples + "small.json"))}};
    auto run = s.grader("score -", document.dump() + "\n{\"stray\": 1}");
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err
          == "grader: standard input: line 2, column 1: unexpected text after "
             "the batch document: \"{\"stray\": 1}\"\n");
  }
  SECTION("a second answers key") {
    auto document
      = json{{"answers", json::parse(slurp(examples + "small.json"))}}.dump();
    document.pop_back();
    auto run = s.grader("score -", document + ", \"answers\": []}");
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: standard input: line 1, column "
               + std::to_string(document.size() + 3)
               + ": answers is given twice\n");
  }
  SECTION("invalid UTF-8 on the first line of JSON Lines fails that line") {
    auto broken = lines;
    broken.replace(broken.find("u-alice"), 7, "u-\xFF");
    auto run = s.grader("score --quiet -", broken);
    CHECK(run.exit_code == 3);
    auto out = json::parse(run.out);
    CHECK(out["results"].size() == 5);
    REQUIRE(out["failures"].size() == 1);
    CHECK(out["failures"][0]["index"] == 0);
    CHECK(out["failures"][0]["error"]["message"]
          == "user_id is not valid UTF-8");
  }
}

TEST_CASE("grader score escapes the bytes of the input it shows", "[apps]") {
  scratch s;
  auto run = s.grader("score -", "[1, \xFF\x1B]");
  CHECK(run.exit_code == 2);
  CHECK(run.err.find('\xFF') == std::string::npos);
  CHECK(run.err.find('\x1B') == std::string::npos);
  CHECK(run.err.find("\\xff") != std::string::npos);
  run = s.grader("score \"$(printf 'bad\\377\\033.json')\"");
  CHECK(run.exit_code == 2);
  CHECK(run.err
        == "grader: cannot read 'bad\\xff\\x1b.json': No such file or "
           "directory\n");
}

TEST_CASE("grader score takes --config only from a regular file of at most "
          "1 MiB",
          "[apps]") {
  scratch s;
  auto small = examples + "small.json";
  SECTION("a directory") {
    auto run = s.grader("score --config '" + s.dir.string() + "' " + small);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err
          == "grader: config file '" + s.dir.string()
               + "': not a regular file\n");
  }
  SECTION("a device that never ends") {
    auto run = s.grader_reading("score --config /dev/zero " + small,
                                "/dev/null");
    CHECK(run.exit_code == 2);
    CHECK(run.err == "grader: config file '/dev/zero': not a regular file\n");
  }
  SECTION("the null device, the usual way to say none") {
    auto run = s.grader("score --quiet --config /dev/null " + small);
    CHECK(run.exit_code == 0);
  }
  SECTION("a file larger than 1 MiB") {
    spit(s.dir / "big.toml", "# " + std::string(1024 * 1024, 'x') + "\n");
    auto run = s.grader("score --config big.toml " + small);
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: config file 'big.toml': larger than 1048576 bytes\n");
  }
}

TEST_CASE("grader score --resume refuses a journal value grader never wrote",
          "[apps]") {
  scratch s;
  auto small = examples + "small.json";
  REQUIRE(s.grader("score --quiet --journal j.jsonl " + small).exit_code == 0);
  // The line of the judge settings, then the first outcome.
  auto written = slurp(s.dir / "j.jsonl");
  auto header = written.substr(0, written.find('\n') + 1);
  auto second = written.substr(header.size());
  auto first = json::parse(second.substr(0, second.find('\n')));
  SECTION("a score of 12345") {
    first["score"] = 12345;
    spit(s.dir / "j.jsonl", header + first.dump() + "\n");
    auto run = s.grader("score --quiet --resume j.jsonl " + small);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err
          == "grader: journal 'j.jsonl' line 2: score must be 0..100, got "
             "12345\n");
  }
  SECTION("an index beyond the batch") {
    first.erase("answer_id");
    first["index"] = 99;
    spit(s.dir / "j.jsonl", header + first.dump() + "\n");
    auto run = s.grader("score --quiet --resume j.jsonl " + small);
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: journal 'j.jsonl' line 2: index 99 is out of range for "
             "a batch of 5 answers\n");
  }
}

TEST_CASE("grader score --retry-failed refuses an earlier output it cannot "
          "trust",
          "[apps]") {
  scratch s;
  auto small = examples + "small.json";
  REQUIRE(s.grader("score --quiet -o earlier.json " + small).exit_code == 0);
  SECTION("a score of 12345") {
    auto earlier = json::parse(slurp(s.dir / "earlier.json"));
    earlier["results"][0]["score"] = 12345;
    spit(s.dir / "earlier.json", earlier.dump(2));
    auto run = s.grader("score --quiet --retry-failed earlier.json " + small);
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: earlier.json: results[0].score must be 0..100, got "
             "12345\n");
  }
  SECTION("the output of another batch") {
    auto run = s.grader("score --quiet --retry-failed earlier.json " + examples
                        + "mixed.json");
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: earlier.json: the earlier output is of a batch of 5 "
             "answers, "
               + examples + "mixed.json holds 36\n");
  }
}

TEST_CASE("grader score replies by its deadline however costly the answers",
          "[apps]") {
  // Four answers of 50,000 keywords each (the limits raised to allow them)
  // keep both scheduler threads busy well past a 200 ms deadline.
  json answers = json::array();
  for (int i = 0; i < 4; ++i) {
    json keywords = json::array();
    std::string text;
    for (int k = 0; k < 50000; ++k) {
      keywords.push_back("kw" + std::to_string(k));
      if (k % 2 == 0)
        text += "kw" + std::to_string(k) + ' ';
    }
    answers.push_back({{"answer_id", "heavy" + std::to_string(i)},
                       {"user_id", "u"},
                       {"question_id", "q"},
                       {"question_type", "short_answer"},
                       {"user_answer", text + std::to_string(i)},
                       {"correct_keywords", keywords}});
  }
  scratch s;
  auto run = s.grader("score -q --deadline-ms 200 --max-keywords 100000 "
                      "--max-answer-bytes 1000000 -",
                      json{{"answers", answers}}.dump());
  CHECK(run.exit_code == 0);
  auto out = json::parse(run.out);
  CHECK(out["metrics"]["wall_ms"].get<int>() <= 700);
  REQUIRE(out["results"].size() == 4);
  for (const auto& x : out["results"]) {
    CHECK(x["graded_by"] == "fallback");
    CHECK(x["fallback_reason"] == "deadline");
    CHECK(x["needs_review"] == true);
  }
}

TEST_CASE("grader score refuses a batch of more than --max-answers items",
          "[apps]") {
  scratch s;
  // Items that are mere numbers still become rejected entries one by one:
  // without the limit, a file of zeros fills the memory.
  std::string zeros = "[0";
  for (int i = 1; i < 50; ++i)
    zeros += ",0";
  zeros += "]";
  auto run = s.grader("score -q --max-answers 20 -", zeros);
  CHECK(run.exit_code == 2);
  CHECK(run.err
        == "grader: standard input: more than 20 answers "
           "(--max-answers)\n");
  std::string lines;
  for (int i = 0; i < 21; ++i)
    lines += "{\"user_id\": \"u\", \"question_id\": \"q\", "
             "\"question_type\": \"true_false\", \"user_answer\": \"true\", "
             "\"correct_answer\": \"true\"}\n";
  run = s.grader("score -q --max-answers 20 -", lines);
  CHECK(run.exit_code == 2);
  CHECK(run.err
        == "grader: standard input: more than 20 answers "
           "(--max-answers)\n");
  lines.erase(lines.rfind('{'));
  run = s.grader("score -q --max-answers 20 -", lines);
  CHECK(run.exit_code == 0);
  CHECK(json::parse(run.out)["batch_stats"]["total_count"] == 20);
}

TEST_CASE("grader score records its judge settings and resumes or retries "
          "only what was judged alike",
          "[apps]") {
  scratch s;
  auto small = examples + "small.json";
  REQUIRE(s.grader("score --quiet --seed 42 --temperature 0.5 --journal "
                   "j.jsonl -o first.json "
                   + small)
            .exit_code
          == 0);
  auto judge = json::parse(slurp(s.dir / "first.json"))["metrics"]["judge"];
  CHECK(judge["model"] == "built-in judge");
  CHECK(judge["temperature"] == 0.5);
  CHECK(judge["seed"] == 42);
  CHECK(judge["prompt_version"].get<std::string>().size() == 12);
  SECTION("the same settings go on") {
    CHECK(s.grader("score --quiet --seed 42 --temperature 0.5 --resume "
                   "j.jsonl "
                   + small)
            .exit_code
          == 0);
    CHECK(s.grader("score --quiet --seed 42 --temperature 0.5 --retry-failed "
                   "first.json "
                   + small)
            .exit_code
          == 0);
  }
  SECTION("other settings are refused, naming the difference") {
    auto run = s.grader("score --quiet --seed 42 --resume j.jsonl " + small);
    CHECK(run.exit_code == 2);
    CHECK(run.out.empty());
    CHECK(run.err
          == "grader: --resume: the journal 'j.jsonl' was judged otherwise: "
             "temperature 0 (was 0.5); --force uses it all the same\n");
    run = s.grader("score --quiet --temperature 0.5 --seed 7 --retry-failed "
                   "first.json "
                   + small);
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: --retry-failed: first.json was judged otherwise: seed 7 "
             "(was 42); --force uses it all the same\n");
  }
  SECTION("--force goes on, with a warning") {
    auto run = s.grader("score --force --resume j.jsonl " + small);
    CHECK(run.exit_code == 0);
    CHECK(run.err.find("grader: warning: --resume: the journal 'j.jsonl' was "
                       "judged otherwise: temperature 0 (was 0.5), seed none "
                       "(was 42); going on (--force)\n")
          == 0);
    CHECK(json::parse(run.out)["results"].size() == 5);
  }
  SECTION("a journal that does not say is refused too") {
    auto text = slurp(s.dir / "j.jsonl");
    spit(s.dir / "j.jsonl", text.substr(text.find('\n') + 1));
    auto run = s.grader("score --quiet --seed 42 --temperature 0.5 --resume "
                        "j.jsonl "
                        + small);
    CHECK(run.exit_code == 2);
    CHECK(run.err
          == "grader: --resume: the journal 'j.jsonl' does not record what its "
             "answers were judged with (it was written by an older grader); "
             "--force uses it all the same\n");
  }
}
