// `grader bench` as a user runs it: the real binary, a quick run of one
// scenario, and what its JSON report holds. No timings are asserted.

#include <cstdlib>
#include <string>

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/file_text.hpp"
#include "tests/fixtures/scratch_directory.hpp"

using nlohmann::json;

namespace {

struct bench_run : grader::test::scratch_directory {
  bench_run() : scratch_directory("grader-bench-test") {
  }

  /// Runs `grader bench ARGS`, stdout and stderr into `out` and `err`.
  int bench(const std::string& args) {
    auto command = "'" GRADER_BINARY "' bench " + args + " > '" + path("out")
                   + "' 2> '" + path("err") + "'";
    auto status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string out() const {
    return grader::test::slurp(path("out"));
  }

  std::string err() const {
    return grader::test::slurp(path("err"));
  }
};

} // namespace

TEST_CASE("grader bench --quick measures short-50 parallel and sequential "
          "against a real judge",
          "[apps][bench]") {
  bench_run run;
  auto code = run.bench("--quick --scenarios short-50 --json '"
                        + run.path("bench.json") + "' --keep '"
                        + run.path("kept") + "'");
  INFO(run.err());
  REQUIRE(code == 0);
  auto report = json::parse(grader::test::slurp(run.path("bench.json")));
  CHECK(report["quick"] == true);
  CHECK(report["failures"].empty());
  const auto& rows = report["rows"];
  REQUIRE(rows.size() == 2);
  const auto& parallel = rows[0];
  const auto& sequential = rows[1];
  CHECK(parallel["variant"] == "parallel");
  CHECK(sequential["variant"] == "sequential");
  for (const auto& row : {parallel, sequential}) {
    INFO(row.dump());
    CHECK(row["scenario"] == "short-50");
    CHECK(row["answers"] == 5);
    CHECK(row["latency_ms"] == 20);
    CHECK(row["wall_ms"].get<double>() > 0);
    CHECK(row["ideal_ms"].get<double>() >= 40);
    CHECK(row["efficiency"].get<double>() > 0);
    CHECK(row["cpu_s"].get<double>() > 0);
    CHECK(row["peak_rss_mb"].get<double>() > 0);
    CHECK(row["connections"].get<int>() >= 1);
    // Every short answer is distinct: a score and an explanation call each.
    CHECK(row["llm_calls"] == 10);
    CHECK(row["fallbacks"] == 0);
    CHECK(row["failed"] == 0);
  }
  // The judge saw the answers' calls side by side, or one at a time.
  CHECK(parallel["most_in_flight"].get<int>() >= 2);
  CHECK(sequential["most_in_flight"] == 1);
  CHECK(sequential["concurrency"] == 1);
  // The table on stdout has a header and a line per row.
  CHECK(run.out().find("| short-50 parallel | 5 |") != std::string::npos);
  CHECK(run.out().find("| short-50 sequential | 5 |") != std::string::npos);
  // --keep leaves the batch and the outputs behind.
  CHECK_FALSE(
    grader::test::slurp(run.path("kept/short_answer-5.json")).empty());
  CHECK_FALSE(
    grader::test::slurp(run.path("kept/short-50-parallel.out.json")).empty());
}

TEST_CASE("grader bench refuses an unknown scenario before running any",
          "[apps][bench]") {
  bench_run run;
  CHECK(run.bench("--scenarios short-50,nonsense") == 2);
  CHECK(run.err().find("unknown scenario 'nonsense'") != std::string::npos);
  CHECK(run.out().empty());
}

TEST_CASE("grader bench refuses a --json file in a missing folder",
          "[apps][bench]") {
  bench_run run;
  CHECK(run.bench("--quick --scenarios short-50 --json '"
                  + run.path("missing/bench.json") + "'")
        == 2);
  CHECK(run.err().find("--json") != std::string::npos);
}

TEST_CASE("grader bench --quick counts the healthy answers of the fault "
          "scenario that the LLM graded",
          "[apps][bench]") {
  bench_run run;
  auto code = run.bench("--quick --scenarios faults-200 --json '"
                        + run.path("bench.json") + "'");
  INFO(run.err());
  REQUIRE(code == 0);
  auto report = json::parse(grader::test::slurp(run.path("bench.json")));
  const auto& rows = report["rows"];
  REQUIRE(rows.size() == 1);
  const auto& row = rows[0];
  // 20 answers: 10 short, of which positions 0, 4 and 8 carry a fault
  // (hang, slow, 429); the 10 multiple-choice answers need no LLM.
  CHECK(row["answers"] == 20);
  CHECK(row["healthy_short"] == 7);
  CHECK(row["healthy_short_by_llm"] == 7);
  CHECK(row["deadline_ms"] == 3000);
  // The hung answer falls back; the batch still ends by its deadline.
  CHECK(row["fallbacks"].get<int>() >= 1);
  CHECK(row["engine_wall_ms"].get<int>() <= 3000);
  CHECK(run.out().find("| 7 | 7 | 100.0 % |") != std::string::npos);
}

TEST_CASE("grader bench --quick spreads nodes-3k over three grader node "
          "processes",
          "[apps][bench]") {
  bench_run run;
  auto code = run.bench("--quick --scenarios nodes-3k --json '"
                        + run.path("bench.json") + "'");
  INFO(run.err());
  REQUIRE(code == 0);
  auto report = json::parse(grader::test::slurp(run.path("bench.json")));
  CHECK(report["failures"].empty());
  REQUIRE(report["rows"].size() == 1);
  const auto& row = report["rows"][0];
  INFO(row.dump());
  CHECK(row["variant"] == "3 nodes");
  CHECK(row["answers"] == 300);
  // The ideal is that of the three nodes' combined concurrency.
  CHECK(row["concurrency"] == 30);
  CHECK(row["ideal_ms"].get<double>() == 400);
  CHECK(row["llm_calls"] == 600);
  CHECK(row["failed"] == 0);
  CHECK(row["fallbacks"] == 0);
  // All three kept their calls in flight at the one judge.
  CHECK(row["most_in_flight"].get<int>() > 10);
}
