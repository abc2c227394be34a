#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace grader::app {

/// One row of `grader bench`'s table: one batch scored one way, as a user
/// would see it.
struct bench_row {
  /// The scenario's name (`short-50`) and which run of it (`parallel`).
  std::string scenario;
  std::string variant;
  uint64_t answers = 0;
  /// The judge server's latency per call; 0 when the in-process judge
  /// answered (no server, no network).
  uint32_t latency_ms = 0;
  /// LLM calls allowed in flight at once (1 for --sequential).
  uint32_t concurrency = 0;
  /// From starting the batch (spawning `grader score`) to its end.
  double wall_ms = 0;
  /// The batch's own wall time, as the engine measured it (no process
  /// start, no reading or writing of files).
  uint64_t engine_wall_ms = 0;
  /// Answer latency percentiles, from the result's metrics.
  uint64_t p50_ms = 0;
  uint64_t p95_ms = 0;
  uint64_t max_ms = 0;
  /// The most calls the judge server had in flight at once, and the TCP
  /// connections it accepted; none without a server.
  std::optional<uint64_t> most_in_flight;
  std::optional<uint64_t> connections;
  /// CPU time and peak resident memory of the scoring process; none when
  /// they cannot be told apart from the bench's own.
  std::optional<double> cpu_s;
  std::optional<double> peak_rss_mb;
  /// CPU time of the judge server process, to tell when it, not grader,
  /// was the bottleneck.
  std::optional<double> judge_cpu_s;
  uint64_t llm_calls = 0;
  uint64_t llm_retries = 0;
  /// Answers graded by the fallback rules, and answers that failed.
  uint64_t fallbacks = 0;
  uint64_t failed = 0;
  /// For a journaled run: the answers in the journal every half second
  /// from the start, (ms since the start, lines).
  std::vector<std::pair<double, uint64_t>> journaled;
  /// For the fault scenario: the short answers without a fault directive,
  /// and those of them the LLM graded.
  std::optional<uint64_t> healthy_short;
  std::optional<uint64_t> healthy_short_by_llm;
  /// The batch deadline the run was given; 0 for grader's default.
  uint32_t deadline_ms = 0;
};

/// The shortest time the row's LLM calls could take at its concurrency
/// and latency: `max(ceil(calls / concurrency) * latency, 2 * latency)`;
/// nothing when no server latency bounds the run.
std::optional<double> ideal_ms(const bench_row& x);

/// ideal_ms / wall_ms: 1 is a run that lost no time beyond the LLM's.
std::optional<double> efficiency(const bench_row& x);

/// One row of the gateway-cost table: many chat calls against the judge
/// server, through one path, with a set number kept in flight.
struct gateway_cost_row {
  /// What carried the calls: the llm_gateway actor (with the net/ client
  /// below it), or the net/ client alone.
  std::string path;
  uint64_t calls = 0;
  uint32_t concurrency = 0;
  uint32_t latency_ms = 0;
  /// From the first call sent to the last reply.
  double seconds = 0;
  double requests_per_s = 0;
  /// Round trip minus the judge's set latency, over the calls after the
  /// first `concurrency` (those open the connections).
  double added_p50_ms = 0;
  double added_p95_ms = 0;
  double added_p99_ms = 0;
  /// Calls that got no reply.
  uint64_t failures = 0;
  std::optional<uint64_t> most_in_flight;
  std::optional<uint64_t> connections;
  /// CPU time of the bench process per call: the path's own cost.
  double cpu_us_per_call = 0;
};

/// Everything `grader bench` measured.
struct bench_report {
  std::vector<bench_row> rows;
  std::vector<gateway_cost_row> gateway_cost;
  /// Scenarios that could not run, each with why.
  std::vector<std::string> failures;
  bool quick = false;
  unsigned cores = 0;
  std::string version;
  /// When the bench ran (UTC, ISO 8601).
  std::string started_at;
};

/// The report as Markdown tables, for stdout.
std::string markdown_tables(const bench_report& x);

/// The report as a JSON document (every figure, null where none).
std::string report_json(const bench_report& x);

} // namespace grader::app
