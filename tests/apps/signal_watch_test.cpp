// How `grader score` answers signals: a supervisor's SIGTERM (often sent
// twice, to the process and its group) cancels the batch and the result is
// still written; only a second Ctrl-C a second or more after the first ends
// the process at once; a signal while the input is read ends it at once.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/child_process.hpp"

namespace fs = std::filesystem;
using grader::test::child_process;
using grader::test::judge_run;
using grader::test::slurp;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string mixed_batch = GRADER_SOURCE_DIR "/examples/mixed.json";

} // namespace

TEST_CASE("grader score under GNU timeout writes its whole output",
          "[apps][llm]") {
  // The judge is slow, so the batch still runs when timeout signals the
  // process and its group: SIGTERM arrives twice.
  judge_run run{{"--latency-ms", "60000"}};
  auto out = run.dir / "result.json";
  child_process timeout{"/usr/bin/timeout",
                        {"0.5", GRADER_BINARY, "score", "-q", "--llm-url",
                         run.url(), "-o", out.string(), mixed_batch},
                        (run.dir / "score.err").string()};
  REQUIRE(timeout.exited_within(10s));
  CHECK(timeout.wait() == 124); // timeout's own code: it had to signal
  REQUIRE(fs::exists(out));
  auto result = json::parse(slurp(out));
  CHECK(result["batch_stats"]["total_count"] == 36);
  CHECK(result["results"].size() + result["failures"].size() == 36);
  CHECK(result["failures"][0]["error"]["code"] == "cancelled");
}

TEST_CASE("grader score exits at once only on a second Ctrl-C a second "
          "after the first",
          "[apps]") {
  // The first Ctrl-C cancels a batch waiting on a slow judge; nobody reads
  // the FIFO, so the process then waits to write its output, as it would
  // behind a stalled consumer.
  judge_run run{{"--latency-ms", "60000"}};
  auto fifo = run.dir / "result.pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  child_process score{GRADER_BINARY,
                      {"score", "-q", "--llm-url", run.url(), "-o",
                       fifo.string(), mixed_batch},
                      (run.dir / "score.err").string()};
  REQUIRE(run.wait_for_requests());
  REQUIRE_FALSE(score.exited_within(0ms));
  auto first = std::chrono::steady_clock::now();
  score.signal(SIGINT);
  SECTION("repeated SIGTERMs and a quick second Ctrl-C only ask again") {
    score.signal(SIGTERM);
    score.signal(SIGTERM);
    std::this_thread::sleep_for(100ms);
    score.signal(SIGINT);
    CHECK_FALSE(score.exited_within(500ms));
    score.signal(SIGKILL);
  }
  SECTION("a second Ctrl-C after a second ends the process at once") {
    std::this_thread::sleep_until(first + 1100ms);
    score.signal(SIGINT);
    REQUIRE(score.exited_within(1s));
    CHECK(score.wait() == 130);
    // The output's temporary file went with it; the FIFO stays.
    CHECK(std::distance(fs::directory_iterator{run.dir}, {}) == 4);
    CHECK(fs::is_fifo(fifo));
  }
}

TEST_CASE("grader score ends at once on a signal while it reads its input",
          "[apps]") {
  // A writer that never writes: the read blocks, as on a slow pipe.
  judge_run run;
  auto fifo = run.dir / "input.pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto signal = GENERATE(SIGINT, SIGTERM);
  child_process score{GRADER_BINARY,
                      {"score", "-q", "-"},
                      (run.dir / "score.err").string(),
                      (run.dir / "score.out").string(),
                      fifo.string()};
  auto writer = ::open(fifo.c_str(), O_WRONLY);
  REQUIRE(writer >= 0);
  std::this_thread::sleep_for(200ms);
  REQUIRE_FALSE(score.exited_within(0ms));
  score.signal(signal);
  CHECK(score.exited_within(1s));
  CHECK(score.wait() == 130);
  ::close(writer);
}
