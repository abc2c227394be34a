// The `grader` command: one subcommand per file, wired together here.

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>

#include "apps/grader/argument_sources.hpp"
#include "apps/grader/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"grader scores batches of student answers in parallel.",
               "grader"};
  app.footer("Examples:\n  grader score answers.json -o result.json\n"
             "  grader score --llm-url http://127.0.0.1:8080/v1 answers.json\n"
             "  grader judge --port 8080\n"
             "  grader bench --quick\nSee grader SUBCOMMAND --help.");
  app.set_version_flag("--version", GRADER_VERSION);
  app.require_subcommand(1);
  int result = grader::app::exit_internal_error;
  grader::app::add_score_command(app, result);
  grader::app::add_calibrate_command(app, result);
  grader::app::add_judge_command(app, result);
  grader::app::add_node_command(app, result);
  grader::app::add_bench_command(app, result);
  // A config file and the environment supply defaults for `grader score`,
  // `grader node` and `grader calibrate`, put in front of the user's
  // arguments.
  std::string chosen = argc > 1 ? argv[1] : "";
  auto* with_defaults = app.get_subcommand(
    chosen == "node" || chosen == "calibrate" ? chosen : "score");
  std::vector<std::string> known_options;
  for (const auto* option : with_defaults->get_options())
    for (const auto& name : option->get_lnames())
      known_options.push_back(name);
  std::string error;
  auto args = grader::app::arguments_with_defaults(argc, argv, known_options,
                                                   error);
  if (!args) {
    std::cerr << "grader: " << error << '\n';
    return grader::app::exit_bad_input;
  }
  try {
    // CLI11 takes the arguments after the program name, last first.
    std::vector<std::string> reversed(args->rbegin(), args->rend() - 1);
    app.parse(reversed);
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
