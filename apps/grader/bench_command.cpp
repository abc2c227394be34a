// `grader bench`: measures grader as a user runs it. Starts `grader judge`
// as a server with a set latency, scores generated batches with `grader
// score` child processes, runs the fairness and gateway-cost scenarios in
// this process, and prints a table per scenario (see bench/README.md).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <stdlib.h>
#include <sys/resource.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/registration.hpp"
#include "apps/grader/bench_batch.hpp"
#include "apps/grader/bench_fairness.hpp"
#include "apps/grader/bench_gateway_cost.hpp"
#include "apps/grader/bench_plot.hpp"
#include "apps/grader/bench_report.hpp"
#include "apps/grader/child_run.hpp"
#include "apps/grader/commands.hpp"
#include "apps/grader/judge_process.hpp"
#include "apps/grader/output_file.hpp"
#include "apps/grader/score_run.hpp"

namespace grader::app {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> scenario_names{
  "short-50", "short-1k", "short-10k", "journal-100", "faults-200",
  "mc-100k",  "nodes-3k", "fairness",  "gateway-cost"};

// The judge's latency for every LLM scenario of a --quick run.
constexpr uint32_t quick_latency_ms = 20;

struct bench_options {
  std::string scenarios;
  bool quick = false;
  std::string json_file;
  std::string plot_file;
  std::string keep_dir;
};

void say(const std::string& what) {
  std::cerr << "grader bench: " << what << '\n';
}

// The CPU time this process has used so far, in seconds.
double own_cpu_s() {
  struct rusage used {};
  ::getrusage(RUSAGE_SELF, &used);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(used.ru_utime) + seconds(used.ru_stime);
}

// One actor system for the scenarios that run in this process, made when
// the first of them needs it.
struct actor_host {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  actor_host() {
    register_message_types(cfg);
    configure_scheduler(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

struct bench_context {
  std::string self;
  fs::path dir;
  bool quick = false;
  bench_report report;
  std::set<std::string> written_batches;
  std::unique_ptr<actor_host> actors;

  caf::actor_system& sys() {
    if (!actors)
      actors = std::make_unique<actor_host>();
    return *actors->sys;
  }

  size_t scaled(size_t full) const {
    return quick ? std::max<size_t>(full / 10, 1) : full;
  }

  uint32_t latency(uint32_t full) const {
    return quick ? quick_latency_ms : full;
  }

  void fail(const std::string& what) {
    say("FAILED: " + what);
    report.failures.push_back(what);
  }
};

// The batch file `name` of the bench's folder, made by `make` the first
// time it is asked for.
template <class MakeBatch>
std::string
batch_file(bench_context& ctx, const std::string& name, MakeBatch make) {
  auto path = (ctx.dir / name).string();
  if (ctx.written_batches.insert(name).second) {
    auto error = write_file_atomically(path, bench_batch_json(make()));
    if (!error.empty())
      throw std::runtime_error(error);
  }
  return path;
}

// The generated batch a run scores: `answers` of its type, or for a fault
// run the faulty batch (every fourth short answer faulty).
std::string batch_file(bench_context& ctx, const score_run& spec) {
  auto count = std::to_string(spec.answers);
  if (spec.faults)
    return batch_file(ctx, "faults-" + count + ".json",
                      [&] { return faulty_bench_batch(spec.answers, 4); });
  return batch_file(
    ctx, std::string{scoring::to_string(spec.type)} + "-" + count + ".json",
    [&] { return bench_batch(spec.type, spec.answers, "bench"); });
}

void print_row(const bench_row& r) {
  std::ostringstream line;
  line << r.scenario << (r.variant.empty() ? "" : " " + r.variant) << ": "
       << r.answers << " answers in " << std::llround(r.wall_ms) << " ms";
  if (auto ideal = ideal_ms(r))
    line << " (ideal " << std::llround(*ideal) << " ms)";
  line << ", " << r.llm_calls << " LLM calls";
  if (r.fallbacks + r.failed > 0)
    line << ", " << r.fallbacks << " fallbacks, " << r.failed << " failed";
  say(line.str());
}

void score_scenario(bench_context& ctx, score_run spec) {
  try {
    spec.batch_path = batch_file(ctx, spec);
    auto row = run_score(ctx.self, ctx.dir, spec);
    print_row(row);
    ctx.report.rows.push_back(std::move(row));
  } catch (const std::exception& e) {
    ctx.fail(spec.name() + ": " + e.what());
  }
}

void run_fairness_scenario(bench_context& ctx) {
  auto latency = ctx.latency(100);
  fairness_load load;
  load.big_answers = ctx.scaled(2000);
  load.small_answers = 5;
  load.concurrency = ctx.quick ? 5 : 50;
  load.small_after = std::chrono::milliseconds{ctx.quick ? 200 : 500};
  judge_process judge{ctx.self, ctx.dir, "fairness", latency};
  load.url = judge.url();
  auto before = judge.stats();
  auto cpu_before = own_cpu_s();
  auto out = run_fairness(ctx.sys(), load);
  auto cpu = own_cpu_s() - cpu_before;
  auto after = judge.stats();
  auto judge_cpu = judge.stop().cpu_s;
  if (!out.error.empty())
    return ctx.fail("fairness: " + out.error);
  auto row_of = [&](const std::string& variant, const batch_result& x,
                    double wall_ms) {
    bench_row row;
    row.scenario = "fairness";
    row.variant = variant;
    row.answers = x.stats.total_count;
    row.latency_ms = latency;
    row.concurrency = load.concurrency;
    row.wall_ms = wall_ms;
    row.engine_wall_ms = x.metrics.wall_ms;
    row.p50_ms = x.metrics.p50_ms;
    row.p95_ms = x.metrics.p95_ms;
    row.max_ms = x.metrics.max_ms;
    row.most_in_flight = after.most_in_flight;
    row.connections = after.connections_accepted - before.connections_accepted;
    row.judge_cpu_s = judge_cpu;
    row.llm_calls = x.metrics.llm_calls;
    row.llm_retries = x.metrics.llm_retries;
    row.fallbacks = x.stats.fallback_count;
    row.failed = x.stats.failed_count;
    return row;
  };
  auto small = row_of("small (interactive)", out.small, out.small_wall_ms);
  auto big = row_of("big (bulk)", out.big, out.big_wall_ms);
  // This process scored both batches: its CPU time goes with the big one.
  big.cpu_s = cpu;
  for (auto* row : {&small, &big}) {
    print_row(*row);
    ctx.report.rows.push_back(std::move(*row));
  }
}

void run_gateway_cost(bench_context& ctx) {
  const uint32_t latency = 20;
  struct load_size {
    uint32_t concurrency;
    uint64_t calls;
  };
  // About 1,000 requests/s (LiteLLM's published load), then as many as
  // the machine sustains.
  for (auto size :
       {load_size{20, ctx.scaled(5000)}, load_size{200, ctx.scaled(20000)}}) {
    for (bool through_gateway : {true, false}) {
      gateway_cost_row row;
      row.path = through_gateway ? "llm_gateway actor" : "net/ client alone";
      row.calls = size.calls;
      row.concurrency = size.concurrency;
      row.latency_ms = latency;
      auto name = "gateway-cost-" + std::to_string(size.concurrency)
                  + (through_gateway ? "-gateway" : "-direct");
      judge_process judge{ctx.self, ctx.dir, name, latency};
      call_load load{judge.url(), size.calls, size.concurrency};
      auto before = judge.stats();
      auto cpu_before = own_cpu_s();
      auto timings = through_gateway ? time_gateway_calls(ctx.sys(), load)
                                     : time_direct_calls(load);
      auto cpu = own_cpu_s() - cpu_before;
      auto after = judge.stats();
      judge.stop();
      if (!timings.error.empty()) {
        ctx.fail(name + ": " + timings.error);
        continue;
      }
      row.seconds = timings.seconds;
      row.requests_per_s = timings.seconds > 0
                             ? static_cast<double>(row.calls) / timings.seconds
                             : 0;
      row.added_p50_ms = added_ms(timings, size.concurrency, 0.50, latency);
      row.added_p95_ms = added_ms(timings, size.concurrency, 0.95, latency);
      row.added_p99_ms = added_ms(timings, size.concurrency, 0.99, latency);
      row.failures = timings.failures;
      row.most_in_flight = after.most_in_flight;
      row.connections = after.connections_accepted
                        - before.connections_accepted;
      row.cpu_us_per_call = cpu * 1e6 / static_cast<double>(row.calls);
      std::ostringstream line;
      line << name << ": " << row.calls << " calls, "
           << static_cast<uint64_t>(row.requests_per_s)
           << " requests/s, added p50 " << row.added_p50_ms << " ms";
      say(line.str());
      ctx.report.gateway_cost.push_back(std::move(row));
    }
  }
}

void run_scenario(bench_context& ctx, const std::string& name) {
  // A run of short answers against the judge at `latency`.
  auto short_spec = [&](std::string variant, size_t answers, uint32_t latency,
                        uint32_t concurrency) {
    score_run spec;
    spec.scenario = name;
    spec.variant = std::move(variant);
    spec.answers = ctx.scaled(answers);
    spec.latency_ms = ctx.latency(latency);
    spec.concurrency = concurrency;
    return spec;
  };
  if (name == "short-50") {
    score_scenario(ctx,
                   short_spec("parallel", 50, 300, score_default_concurrency));
    auto sequential = short_spec("sequential", 50, 300,
                                 score_default_concurrency);
    sequential.sequential = true;
    score_scenario(ctx, sequential);
  } else if (name == "short-1k") {
    score_scenario(ctx,
                   short_spec("parallel", 1000, 200, ctx.quick ? 10 : 100));
  } else if (name == "short-10k") {
    score_scenario(ctx,
                   short_spec("parallel", 10000, 200, ctx.quick ? 100 : 1000));
  } else if (name == "journal-100") {
    auto spec = short_spec("parallel", 100, 300, ctx.quick ? 4 : 10);
    spec.journal = true;
    score_scenario(ctx, spec);
  } else if (name == "faults-200") {
    // A quarter of the short answers trigger a fault of the judge each,
    // the kinds in turn; the healthy ones must still be graded by the LLM,
    // and the batch must end by its deadline.
    auto spec = short_spec("parallel", 200, 50, score_default_concurrency);
    spec.faults = true;
    spec.deadline_ms = ctx.quick ? 3000 : 30000;
    score_scenario(ctx, spec);
  } else if (name == "nodes-3k") {
    // Three `grader node` processes sharing one judge; the ideal is that of
    // their combined concurrency.
    auto spec = short_spec("3 nodes", 3000, 200, ctx.quick ? 10 : 100);
    spec.nodes = 3;
    score_scenario(ctx, spec);
  } else if (name == "mc-100k") {
    for (bool explain : {false, true}) {
      score_run spec;
      spec.scenario = name;
      spec.variant = explain ? "explained" : "no-explain";
      spec.type = question_type::multiple_choice;
      spec.answers = ctx.scaled(100000);
      spec.no_explain = !explain;
      score_scenario(ctx, spec);
    }
  } else if (name == "fairness") {
    run_fairness_scenario(ctx);
  } else if (name == "gateway-cost") {
    run_gateway_cost(ctx);
  }
}

// The scenarios named by --scenarios, in its order, each once; all when
// empty. Nothing after complaining about an unknown or empty name.
std::optional<std::vector<std::string>> chosen(const std::string& list) {
  if (list.empty())
    return scenario_names;
  std::vector<std::string> result;
  std::istringstream items{list};
  for (std::string item; std::getline(items, item, ',');) {
    auto known = std::find(scenario_names.begin(), scenario_names.end(), item);
    if (known == scenario_names.end()) {
      std::string all;
      for (const auto& n : scenario_names)
        all += (all.empty() ? "" : ", ") + n;
      say("--scenarios: unknown scenario '" + item + "'; known: " + all);
      return std::nullopt;
    }
    if (std::find(result.begin(), result.end(), item) == result.end())
      result.push_back(item);
  }
  if (result.empty()) {
    say("--scenarios: no scenario named");
    return std::nullopt;
  }
  return result;
}

// Whether the folder a result file goes to exists; complains when not, so
// that a typo fails before the bench has run for minutes.
bool folder_exists(const std::string& option, const std::string& path) {
  auto parent = fs::absolute(path).parent_path();
  if (fs::is_directory(parent))
    return true;
  say(option + ": the folder " + parent.string() + " does not exist");
  return false;
}

std::string utc_now() {
  auto now = std::time(nullptr);
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

int run_bench(const bench_options& opts) {
  auto scenarios = chosen(opts.scenarios);
  if (!scenarios)
    return exit_bad_input;
  if ((!opts.json_file.empty() && !folder_exists("--json", opts.json_file))
      || (!opts.plot_file.empty() && !folder_exists("--plot", opts.plot_file)))
    return exit_bad_input;
  bench_context ctx;
  ctx.quick = opts.quick;
  ctx.report.quick = opts.quick;
  ctx.report.cores = std::thread::hardware_concurrency();
  ctx.report.version = GRADER_VERSION;
  ctx.report.started_at = utc_now();
  try {
    ctx.self = own_executable();
    if (!opts.keep_dir.empty()) {
      fs::create_directories(opts.keep_dir);
      ctx.dir = fs::absolute(opts.keep_dir);
    } else {
      auto pattern
        = (fs::temp_directory_path() / "grader-bench-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("cannot make a folder in "
                                 + fs::temp_directory_path().string());
      ctx.dir = pattern;
    }
  } catch (const std::exception& e) {
    say(e.what());
    return exit_bad_input;
  }
  for (const auto& name : *scenarios) {
    try {
      run_scenario(ctx, name);
    } catch (const std::exception& e) {
      ctx.fail(name + ": " + e.what());
    }
  }
  // In-process actors are done: end the system before the report.
  ctx.actors.reset();
  std::cout << markdown_tables(ctx.report) << std::flush;
  int code = ctx.report.failures.empty() ? exit_ok : exit_internal_error;
  if (!opts.json_file.empty()) {
    auto error = write_file_atomically(opts.json_file, report_json(ctx.report));
    if (!error.empty()) {
      say(error);
      code = exit_internal_error;
    }
  }
  if (!opts.plot_file.empty()) {
    if (!gnuplot_available()) {
      say("gnuplot is not installed (Debian: gnuplot-nox); no plot written");
    } else if (auto error = plot_report(
                 ctx.report, fs::absolute(opts.plot_file).string(), ctx.dir);
               !error.empty()) {
      say("--plot: " + error);
      code = exit_internal_error;
    }
  }
  if (opts.keep_dir.empty()) {
    std::error_code ignored;
    fs::remove_all(ctx.dir, ignored);
  } else {
    say("batches, outputs and logs kept in " + ctx.dir.string());
  }
  return code;
}

} // namespace

void add_bench_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<bench_options>();
  auto* cmd = app.add_subcommand(
    "bench", "Measure grader as a user runs it: `grader score` on generated "
             "batches against `grader judge` with a set latency, and the LLM "
             "gateway's own cost; prints a Markdown table.");
  std::string names;
  for (const auto& n : scenario_names)
    names += (names.empty() ? "" : ",") + n;
  cmd->add_option("--scenarios", opts->scenarios,
                  "Comma-separated scenarios to run (default: all): " + names);
  cmd->add_flag("--quick", opts->quick,
                "Batches a tenth the size and 20 ms judge latency, for a "
                "smoke test");
  cmd->add_option("--json", opts->json_file,
                  "Also write every figure to this JSON file");
  cmd->add_option("--plot", opts->plot_file,
                  "Draw efficiency and p50 answer latency against batch size "
                  "into this PNG file (needs gnuplot)");
  cmd->add_option("--keep", opts->keep_dir,
                  "Keep the generated batches, outputs and logs in this "
                  "folder");
  cmd->callback([opts, &result] { result = run_bench(*opts); });
}

} // namespace grader::app
