#pragma once

#include <iostream>
#include <string>

#include <CLI/App.hpp>

namespace grader::app {

/// Tells the user of a problem: a line "grader: WHAT" on stderr.
inline void complain(const std::string& what) {
  std::cerr << "grader: " << what << '\n';
}

/// Exit codes of the `grader` command.
enum exit_code : int {
  /// Every answer was scored.
  exit_ok = 0,
  /// grader itself failed (a bug or a broken environment).
  exit_internal_error = 1,
  /// The command line or the input could not be used at all.
  exit_bad_input = 2,
  /// The batch ran, but some answers failed (see `failures`).
  exit_some_failed = 3,
  /// The batch was cancelled (Ctrl-C, SIGTERM); the result so far was
  /// written, unfinished answers listed as failures with code `cancelled`.
  exit_cancelled = 130,
};

/// Adds `grader score` to `app`. When the command is chosen, CLI11 runs it
/// and it stores the process exit code in `result`.
void add_score_command(CLI::App& app, int& result);

/// Adds `grader calibrate`, which scores a labelled batch and reports the
/// judge's agreement with its human grades.
void add_calibrate_command(CLI::App& app, int& result);

/// Adds `grader judge`, the built-in judge as an HTTP server.
void add_judge_command(CLI::App& app, int& result);

/// Adds `grader node`, a scoring service for clients on other machines.
void add_node_command(CLI::App& app, int& result);

/// Adds `grader bench`, which measures `grader score` against `grader
/// judge` on generated batches, and the LLM gateway's own cost.
void add_bench_command(CLI::App& app, int& result);

} // namespace grader::app
