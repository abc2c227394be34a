#include "apps/grader/bench_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace grader::app {

namespace {

using nlohmann::ordered_json;

std::string fixed(double x, int decimals) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, x);
  return text;
}

std::string or_dash(const std::optional<double>& x, int decimals) {
  return x ? fixed(*x, decimals) : "-";
}

std::string or_dash(const std::optional<uint64_t>& x) {
  return x ? std::to_string(*x) : "-";
}

template <class T>
ordered_json or_null(const std::optional<T>& x) {
  return x ? ordered_json(*x) : ordered_json(nullptr);
}

std::string row_name(const bench_row& x) {
  return x.variant.empty() ? x.scenario : x.scenario + " " + x.variant;
}

} // namespace

std::optional<double> ideal_ms(const bench_row& x) {
  if (x.latency_ms == 0 || x.llm_calls == 0 || x.concurrency == 0)
    return std::nullopt;
  auto rounds = (x.llm_calls + x.concurrency - 1) / x.concurrency;
  return static_cast<double>(std::max<uint64_t>(rounds, 2)) * x.latency_ms;
}

std::optional<double> efficiency(const bench_row& x) {
  auto ideal = ideal_ms(x);
  if (!ideal || x.wall_ms <= 0)
    return std::nullopt;
  return *ideal / x.wall_ms;
}

std::string markdown_tables(const bench_report& x) {
  std::string out;
  if (!x.rows.empty()) {
    out += "| scenario | answers | latency ms | concurrency | wall ms | "
           "ideal ms | efficiency | p50 ms | p95 ms | two-call ms | most in "
           "flight | connections | CPU s / 1k answers | peak RSS MB | LLM "
           "calls | retries | fallbacks / failed |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
           "---:|---:|---:|---:|\n";
    for (const auto& r : x.rows) {
      std::optional<double> two_call;
      if (r.latency_ms > 0)
        two_call = 2.0 * r.latency_ms;
      std::optional<double> cpu_per_k;
      if (r.cpu_s && r.answers > 0)
        cpu_per_k = *r.cpu_s * 1000.0 / static_cast<double>(r.answers);
      out += "| " + row_name(r) + " | " + std::to_string(r.answers) + " | "
             + (r.latency_ms > 0 ? std::to_string(r.latency_ms) : "-") + " | "
             + (r.concurrency > 0 ? std::to_string(r.concurrency) : "-") + " | "
             + fixed(r.wall_ms, 0) + " | " + or_dash(ideal_ms(r), 0) + " | "
             + or_dash(efficiency(r), 2) + " | " + std::to_string(r.p50_ms)
             + " | " + std::to_string(r.p95_ms) + " | " + or_dash(two_call, 0)
             + " | " + or_dash(r.most_in_flight) + " | "
             + or_dash(r.connections) + " | " + or_dash(cpu_per_k, 3) + " | "
             + or_dash(r.peak_rss_mb, 1) + " | " + std::to_string(r.llm_calls)
             + " | " + std::to_string(r.llm_retries) + " | "
             + std::to_string(r.fallbacks) + " / " + std::to_string(r.failed)
             + " |\n";
    }
  }
  for (const auto& r : x.rows) {
    if (!r.healthy_short || !r.healthy_short_by_llm)
      continue;
    auto share = *r.healthy_short > 0
                   ? 100.0 * static_cast<double>(*r.healthy_short_by_llm)
                       / static_cast<double>(*r.healthy_short)
                   : 0.0;
    out += "\n| " + row_name(r)
           + ": healthy short answers | graded by the LLM | share | wall ms "
             "| deadline ms |\n|---:|---:|---:|---:|---:|\n| "
           + std::to_string(*r.healthy_short) + " | "
           + std::to_string(*r.healthy_short_by_llm) + " | " + fixed(share, 1)
           + " % | " + fixed(r.wall_ms, 0) + " | "
           + (r.deadline_ms > 0 ? std::to_string(r.deadline_ms) : "-") + " |\n";
  }
  for (const auto& r : x.rows) {
    if (r.journaled.empty())
      continue;
    out += "\n| " + row_name(r)
           + ": seconds from the start | answers in "
             "the journal |\n|---:|---:|\n";
    for (const auto& [ms, lines] : r.journaled)
      out += "| " + fixed(ms / 1000.0, 1) + " | " + std::to_string(lines)
             + " |\n";
  }
  if (!x.gateway_cost.empty()) {
    if (!out.empty())
      out += '\n';
    out += "| path | calls | concurrency | latency ms | requests/s | added "
           "p50 ms | added p95 ms | added p99 ms | CPU us / call | most in "
           "flight | connections | failed |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& g : x.gateway_cost)
      out += "| " + g.path + " | " + std::to_string(g.calls) + " | "
             + std::to_string(g.concurrency) + " | "
             + std::to_string(g.latency_ms) + " | " + fixed(g.requests_per_s, 0)
             + " | " + fixed(g.added_p50_ms, 2) + " | "
             + fixed(g.added_p95_ms, 2) + " | " + fixed(g.added_p99_ms, 2)
             + " | " + fixed(g.cpu_us_per_call, 0) + " | "
             + or_dash(g.most_in_flight) + " | " + or_dash(g.connections)
             + " | " + std::to_string(g.failures) + " |\n";
  }
  return out;
}

std::string report_json(const bench_report& x) {
  ordered_json rows = ordered_json::array();
  for (const auto& r : x.rows) {
    std::optional<uint64_t> two_call;
    if (r.latency_ms > 0)
      two_call = 2 * uint64_t{r.latency_ms};
    rows.push_back({{"scenario", r.scenario},
                    {"variant", r.variant},
                    {"answers", r.answers},
                    {"latency_ms", r.latency_ms},
                    {"concurrency", r.concurrency},
                    {"wall_ms", r.wall_ms},
                    {"engine_wall_ms", r.engine_wall_ms},
                    {"ideal_ms", or_null(ideal_ms(r))},
                    {"efficiency", or_null(efficiency(r))},
                    {"p50_ms", r.p50_ms},
                    {"p95_ms", r.p95_ms},
                    {"max_ms", r.max_ms},
                    {"two_call_ideal_ms", or_null(two_call)},
                    {"most_in_flight", or_null(r.most_in_flight)},
                    {"connections", or_null(r.connections)},
                    {"cpu_s", or_null(r.cpu_s)},
                    {"peak_rss_mb", or_null(r.peak_rss_mb)},
                    {"judge_cpu_s", or_null(r.judge_cpu_s)},
                    {"llm_calls", r.llm_calls},
                    {"llm_retries", r.llm_retries},
                    {"fallbacks", r.fallbacks},
                    {"failed", r.failed},
                    {"journaled", r.journaled},
                    {"healthy_short", or_null(r.healthy_short)},
                    {"healthy_short_by_llm", or_null(r.healthy_short_by_llm)},
                    {"deadline_ms", r.deadline_ms}});
  }
  ordered_json gateway = ordered_json::array();
  for (const auto& g : x.gateway_cost)
    gateway.push_back({{"path", g.path},
                       {"calls", g.calls},
                       {"concurrency", g.concurrency},
                       {"latency_ms", g.latency_ms},
                       {"seconds", g.seconds},
                       {"requests_per_s", g.requests_per_s},
                       {"added_p50_ms", g.added_p50_ms},
                       {"added_p95_ms", g.added_p95_ms},
                       {"added_p99_ms", g.added_p99_ms},
                       {"cpu_us_per_call", g.cpu_us_per_call},
                       {"most_in_flight", or_null(g.most_in_flight)},
                       {"connections", or_null(g.connections)},
                       {"failures", g.failures}});
  ordered_json body{
    {"version", x.version},    {"started_at", x.started_at},
    {"cores", x.cores},        {"quick", x.quick},
    {"rows", std::move(rows)}, {"gateway_cost", std::move(gateway)},
    {"failures", x.failures}};
  return body.dump(2) + '\n';
}

} // namespace grader::app
