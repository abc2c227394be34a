#include "apps/grader/bench_plot.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include <unistd.h>

#include "apps/grader/child_run.hpp"

namespace grader::app {

namespace fs = std::filesystem;

namespace {

std::string gnuplot_path() {
  auto* path = std::getenv("PATH");
  std::istringstream dirs{path != nullptr ? path : "/usr/bin:/bin"};
  for (std::string dir; std::getline(dirs, dir, ':');) {
    auto candidate = (fs::path{dir.empty() ? "." : dir} / "gnuplot").string();
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

// A string as a gnuplot string literal, in single quotes.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (auto c : text)
    out += c == '\'' ? std::string{"''"} : std::string(1, c);
  return out + "'";
}

} // namespace

bool gnuplot_available() {
  return !gnuplot_path().empty();
}

std::string plot_report(const bench_report& report, const std::string& png_path,
                        const fs::path& work_dir) {
  auto program = gnuplot_path();
  if (program.empty())
    return "gnuplot not found";
  struct point {
    uint64_t answers;
    double efficiency;
    double latency_multiple;
  };
  std::vector<point> points;
  for (const auto& r : report.rows) {
    auto e = efficiency(r);
    if (r.scenario.rfind("short-", 0) != 0 || r.variant != "parallel" || !e)
      continue;
    points.push_back(
      {r.answers, *e, static_cast<double>(r.p50_ms) / (2.0 * r.latency_ms)});
  }
  if (points.empty())
    return "no parallel short-answer rows to plot";
  std::sort(points.begin(), points.end(), [](const point& a, const point& b) {
    return a.answers < b.answers;
  });
  auto script_path = work_dir / "plot.gp";
  {
    std::ofstream script{script_path};
    script << "set terminal pngcairo size 900,540 font ',11'\n"
           << "set output " << quoted(png_path) << '\n'
           << "set title 'grader bench: short answers against grader judge"
           << (report.quick ? " (--quick)" : "") << "'\n"
           << "set logscale x\n"
           << "set xlabel 'answers in the batch'\n"
           << "set ylabel 'efficiency (ideal / wall)'\n"
           << "set y2label 'p50 answer latency / two-call ideal'\n"
           << "set ytics nomirror\nset y2tics\n"
           << "set yrange [0:1.1]\nset y2range [0:*]\n"
           << "set offsets graph 0.05, graph 0.05, 0, 0\n"
           << "set grid\nset key below\n"
           << "$data << EOD\n";
    for (const auto& p : points)
      script << p.answers << ' ' << p.efficiency << ' ' << p.latency_multiple
             << '\n';
    script << "EOD\n"
           << "plot $data using 1:2 with linespoints lw 2 pt 7 title "
              "'efficiency', \\\n"
           << "  $data using 1:3 axes x1y2 with linespoints lw 2 pt 5 title "
              "'p50 latency / two-call ideal'\n";
    if (!script)
      return "cannot write " + script_path.string();
  }
  auto errors = (work_dir / "gnuplot.err").string();
  child_run gnuplot{program,
                    {script_path.string()},
                    "/dev/null",
                    errors,
                    environment_without({})};
  auto usage = gnuplot.finish();
  if (usage.exit_code != 0)
    return "gnuplot failed: " + tail_of_file(errors, 5);
  return {};
}

} // namespace grader::app
