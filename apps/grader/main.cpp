// The `grader` command: one subcommand per file, wired together here.

#include <exception>
#include <iostream>

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>

#include "apps/grader/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"grader scores batches of student answers in parallel."};
  app.set_version_flag("--version", GRADER_VERSION);
  app.require_subcommand(1);
  int result = grader::app::exit_internal_error;
  grader::app::add_score_command(app, result);
  grader::app::add_judge_command(app, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with success; usage errors exit 2.
    auto code = app.exit(e);
    return code == 0 ? 0 : grader::app::exit_bad_input;
  } catch (const std::exception& e) {
    // A bug must still end in one readable line, not an abort.
    std::cerr << "grader: internal error: " << e.what() << '\n';
    return grader::app::exit_internal_error;
  }
  return result;
}
