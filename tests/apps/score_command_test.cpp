// Runs the real `grader` binary the way an operator would.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void spit(const fs::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

/// A scratch folder of its own per test case, removed afterwards.
struct scratch {
  fs::path dir;

  scratch() {
    std::string pattern = (fs::temp_directory_path() / "grader-test-XXXXXX");
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
  }

  ~scratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

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
};

const std::string examples = GRADER_SOURCE_DIR "/examples/";

} // namespace

TEST_CASE("grader score scores every answer of examples/mixed.json",
          "[apps]") {
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
