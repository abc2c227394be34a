#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "apps/grader/bench_report.hpp"
#include "messages/answer.hpp"

namespace grader::app {

/// `grader score`'s own default for --concurrency; the bench passes it
/// explicitly, so that its table says what ran.
constexpr uint32_t score_default_concurrency = 64;

/// One `grader score` run of a bench scenario.
struct score_run {
  std::string scenario;
  std::string variant;
  question_type type = question_type::short_answer;
  size_t answers = 0;
  /// The batch file (see bench_batch_json).
  std::string batch_path;
  /// The judge server's latency; 0 for no server: the in-process judge
  /// answers.
  uint32_t latency_ms = 0;
  uint32_t concurrency = score_default_concurrency;
  bool sequential = false;
  bool no_explain = false;
  /// With `--journal`: the answers journaled are counted every half
  /// second while the run goes on (bench_row::journaled).
  bool journal = false;
  /// The judge obeys fault directives (`--faults`), and the row counts the
  /// healthy short answers of the batch graded by the LLM.
  bool faults = false;
  /// `--deadline-ms`; 0 for grader's default.
  uint32_t deadline_ms = 0;
  /// `grader node` processes the batch is spread over (`--remote`), each
  /// judging through the judge server with `concurrency`; 0 scores
  /// in-process.
  uint32_t nodes = 0;

  /// `scenario-variant`, for file names and messages.
  std::string name() const {
    return variant.empty() ? scenario : scenario + "-" + variant;
  }
};

/// Runs `program score` on the run's batch as a child process, beside a
/// `program judge` server of its own when the run has a latency (and its
/// `program node` processes when the run has nodes), with
/// files and logs in `dir`, and returns the row it measured: the child's
/// wall time, CPU time and peak memory (wait4), the judge's counters and
/// the result's metrics. Throws std::runtime_error, with the end of the
/// child's stderr, when a process fails or the output cannot be read.
bench_row run_score(const std::string& program,
                    const std::filesystem::path& dir, const score_run& spec);

} // namespace grader::app
