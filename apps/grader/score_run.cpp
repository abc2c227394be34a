#include "apps/grader/score_run.hpp"

#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <signal.h>

#include <nlohmann/json.hpp>

#include "apps/grader/child_run.hpp"
#include "apps/grader/commands.hpp"
#include "apps/grader/judge_process.hpp"

namespace grader::app {

namespace {

// Reads the metrics and the counts of an output of `grader score` into
// `row`, skipping the results themselves. Returns why it could not.
std::string read_output(const std::string& path, bench_row& row) {
  std::ifstream in{path};
  if (!in)
    return "cannot read " + path;
  using json = nlohmann::json;
  auto only_totals = [](int depth, json::parse_event_t event, json& parsed) {
    return !(depth == 1 && event == json::parse_event_t::key
             && parsed != "metrics" && parsed != "batch_stats");
  };
  auto body = json::parse(in, only_totals, false);
  if (!body.is_object() || !body.contains("metrics")
      || !body.contains("batch_stats"))
    return path + " holds no batch result";
  const auto& m = body["metrics"];
  const auto& s = body["batch_stats"];
  row.engine_wall_ms = m.value("wall_ms", uint64_t{0});
  row.llm_calls = m.value("llm_calls", uint64_t{0});
  row.llm_retries = m.value("llm_retries", uint64_t{0});
  row.p50_ms = m.value("p50_ms", uint64_t{0});
  row.p95_ms = m.value("p95_ms", uint64_t{0});
  row.max_ms = m.value("max_ms", uint64_t{0});
  row.fallbacks = s.value("fallback_count", uint64_t{0});
  row.failed = s.value("failed_count", uint64_t{0});
  return {};
}

// Counts the short answers of the batch at `batch_path` that carry no
// fault directive, and how many of them the output at `output` says the
// LLM graded: faults on some answers must not sink the others.
void count_healthy_by_llm(const std::string& batch_path,
                          const std::string& output, bench_row& row) {
  using json = nlohmann::json;
  std::ifstream batch_in{batch_path};
  std::ifstream output_in{output};
  auto batch = json::parse(batch_in, nullptr, false);
  auto result = json::parse(output_in, nullptr, false);
  if (!batch.is_object() || !result.is_object())
    throw std::runtime_error("cannot read " + batch_path + " or " + output);
  std::vector<bool> healthy;
  uint64_t healthy_count = 0;
  for (const auto& x : batch["answers"]) {
    auto text = x.value("user_answer", std::string{});
    healthy.push_back(x.value("question_type", std::string{}) == "short_answer"
                      && text.find("[[fault:") == std::string::npos);
    healthy_count += healthy.back() ? 1 : 0;
  }
  uint64_t by_llm = 0;
  for (const auto& x : result["results"]) {
    auto index = x.value("index", uint64_t{0});
    if (index < healthy.size() && healthy[index]
        && x.value("graded_by", std::string{}) == "llm")
      ++by_llm;
  }
  row.healthy_short = healthy_count;
  row.healthy_short_by_llm = by_llm;
}

// Waits for `score` to end, counting the lines of its journal every half
// second: what a user watching the journal of a long batch would see.
child_usage watch_journal(child_run& score, const std::string& journal,
                          bench_row& row) {
  constexpr auto every = std::chrono::milliseconds{500};
  auto started = std::chrono::steady_clock::now();
  auto next = started + every;
  for (;;) {
    if (auto usage = score.poll())
      return *usage;
    auto now = std::chrono::steady_clock::now();
    if (now >= next) {
      uint64_t lines = 0;
      std::ifstream in{journal};
      for (std::string line; std::getline(in, line);)
        ++lines;
      row.journaled.emplace_back(
        std::chrono::duration<double, std::milli>(now - started).count(),
        lines);
      next += every;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

} // namespace

bench_row run_score(const std::string& program,
                    const std::filesystem::path& dir, const score_run& spec) {
  auto name = spec.name();
  bench_row row;
  row.scenario = spec.scenario;
  row.variant = spec.variant;
  row.answers = spec.answers;
  row.latency_ms = spec.latency_ms;
  // No API key: the judge needs none, and a real one stays at home.
  std::vector<std::string> args{"score",         "--quiet",
                                "--progress",    "never",
                                "--api-key-env", "GRADER_BENCH_NO_API_KEY"};
  std::unique_ptr<judge_process> judge;
  net::judge_server_stats before;
  std::vector<std::unique_ptr<child_run>> nodes;
  if (spec.latency_ms > 0) {
    judge = std::make_unique<judge_process>(program, dir, name, spec.latency_ms,
                                            spec.faults);
    before = judge->stats();
    row.concurrency = spec.sequential ? 1 : spec.concurrency;
    if (spec.nodes == 0) {
      args.insert(args.end(), {"--llm-url", judge->url(), "--concurrency",
                               std::to_string(spec.concurrency)});
    } else {
      row.concurrency = spec.nodes * spec.concurrency;
      std::string remote;
      for (uint32_t i = 0; i < spec.nodes; ++i) {
        auto node_name = name + ".node" + std::to_string(i);
        auto port_file = (dir / (node_name + ".port")).string();
        auto node_errors = (dir / (node_name + ".err")).string();
        std::error_code ignored;
        std::filesystem::remove(port_file, ignored);
        nodes.push_back(std::make_unique<child_run>(
          program,
          std::vector<std::string>{
            "node", "--port", "0", "--port-file", port_file, "--llm-url",
            judge->url(), "--api-key-env", "GRADER_BENCH_NO_API_KEY",
            "--concurrency", std::to_string(spec.concurrency)},
          "/dev/null", node_errors, environment_without({})));
        auto port = wait_for_port_file(*nodes.back(), port_file, node_errors,
                                       "grader node");
        remote += (i == 0 ? "" : ",") + std::string{"127.0.0.1:"}
                  + std::to_string(port);
      }
      args.insert(args.end(), {"--remote", remote});
    }
  }
  if (spec.sequential)
    args.emplace_back("--sequential");
  if (spec.no_explain)
    args.emplace_back("--no-explain");
  if (spec.deadline_ms > 0)
    args.insert(args.end(),
                {"--deadline-ms", std::to_string(spec.deadline_ms)});
  auto output = (dir / (name + ".out.json")).string();
  auto journal = (dir / (name + ".journal.jsonl")).string();
  if (spec.journal)
    args.insert(args.end(), {"--journal", journal});
  args.insert(args.end(), {spec.batch_path, "-o", output});
  auto errors = (dir / (name + ".err")).string();
  // Without the LLM settings of the environment, which would point the
  // runs without a server at one.
  child_run score{
    program, args, "/dev/null", errors,
    environment_without({"GRADER_LLM_URL", "OPENAI_BASE_URL", "GRADER_MODEL"})};
  auto usage = spec.journal ? watch_journal(score, journal, row)
                            : score.finish();
  for (auto& node : nodes) {
    node->signal(SIGTERM);
    node->finish();
  }
  if (judge) {
    auto after = judge->stats();
    row.most_in_flight = after.most_in_flight;
    row.connections = after.connections_accepted - before.connections_accepted;
    row.judge_cpu_s = judge->stop().cpu_s;
  }
  // 3: some answers failed, which the row shows; anything else is no run.
  if (usage.exit_code != 0 && usage.exit_code != exit_some_failed) {
    auto how = usage.signal != 0
                 ? "was killed by signal " + std::to_string(usage.signal)
                 : "exited with " + std::to_string(usage.exit_code);
    throw std::runtime_error("grader score " + how + ":\n"
                             + tail_of_file(errors));
  }
  if (auto error = read_output(output, row); !error.empty())
    throw std::runtime_error(error);
  if (spec.faults)
    count_healthy_by_llm(spec.batch_path, output, row);
  row.deadline_ms = spec.deadline_ms;
  row.wall_ms = std::chrono::duration<double, std::milli>(usage.wall).count();
  row.cpu_s = usage.cpu_s;
  row.peak_rss_mb = static_cast<double>(usage.max_rss_kib) / 1024.0;
  return row;
}

} // namespace grader::app
