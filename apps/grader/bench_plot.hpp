#pragma once

#include <filesystem>
#include <string>

#include "apps/grader/bench_report.hpp"

namespace grader::app {

/// Whether gnuplot is on the PATH.
bool gnuplot_available();

/// Draws the efficiency and the p50 answer latency (as a multiple of the
/// two-call ideal) of the parallel short-answer rows against batch size,
/// log x axis, into the PNG `png_path` with gnuplot; its script and
/// messages go to `work_dir`. Returns what went wrong, empty on success.
std::string plot_report(const bench_report& report, const std::string& png_path,
                        const std::filesystem::path& work_dir);

} // namespace grader::app
