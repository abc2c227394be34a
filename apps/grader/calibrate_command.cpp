// `grader calibrate`: scores a batch whose items carry human grades and
// reports how the judge's grades agree with them.

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/registration.hpp"
#include "actors/scoring_service.hpp"
#include "apps/grader/calibration_report.hpp"
#include "apps/grader/commands.hpp"
#include "apps/grader/exit_watchdog.hpp"
#include "apps/grader/input_file.hpp"
#include "apps/grader/llm_options.hpp"
#include "apps/grader/output_file.hpp"
#include "messages/batch_reader.hpp"
#include "messages/error.hpp"

namespace grader::app {

namespace {

struct calibrate_options {
  std::string input;
  std::string output;
  size_t largest = 10;
  uint32_t answer_timeout_ms = 0;
  uint32_t deadline_ms = 0;
  bool quiet = false;
  uint64_t max_input_bytes = default_max_input_bytes;
  llm_options llm;
};

int run_calibrate(const calibrate_options& opts) {
  if (!check_llm_options(opts.llm))
    return exit_bad_input;
  std::string text;
  if (!read_input(opts.input, opts.max_input_bytes, text))
    return exit_bad_input;
  human_grades grades;
  auto batch = read_batch(text, default_max_answers, &grades);
  if (!batch) {
    complain(input_name(opts.input) + ": " + error_text(batch.error()));
    return exit_bad_input;
  }
  // An item whose human grade cannot be read is refused with the rest of
  // the batch's bad items; they are told, not silently left out.
  for (const auto& rejected : batch->rejected)
    complain(input_name(opts.input) + ": item " + std::to_string(rejected.index)
             + ": " + rejected.message);
  bool graded = false;
  for (const auto& grade : grades)
    graded = graded || grade.given();
  if (!graded) {
    complain(input_name(opts.input)
             + ": no item carries a human grade (human_score 0-100 or "
               "human_correct)");
    return exit_bad_input;
  }
  std::unique_ptr<output_file> output;
  if (!opts.output.empty()) {
    std::string error;
    output = output_file::prepare(opts.output, error);
    if (!output) {
      complain(error);
      return exit_bad_input;
    }
  }
  batch->options.answer_timeout_ms = opts.answer_timeout_ms;
  batch->options.deadline_ms = opts.deadline_ms;
  config settings;
  apply_llm_options(opts.llm, settings);
  auto deadline = opts.deadline_ms > 0
                    ? std::chrono::milliseconds{opts.deadline_ms}
                    : settings.deadline;
  caf::actor_system_config cfg;
  register_message_types(cfg);
  configure_scheduler(cfg);
  exit_watchdog watchdog;
  caf::actor_system sys{cfg};
  auto service = spawn_scoring_service(sys, settings, make_backend(opts.llm));
  int code = exit_internal_error;
  {
    caf::scoped_actor self{sys};
    auto labelled = *batch;
    self
      ->request(service, deadline + std::chrono::seconds{30}, score_atom_v,
                std::move(*batch))
      .receive(
        [&](batch_result& result) {
          auto report = calibrate(labelled, grades, result, opts.largest);
          std::cout << calibration_table(report) << std::flush;
          if (output) {
            auto error = output->write(calibration_json(report));
            if (error.empty())
              error = output->commit();
            if (!error.empty()) {
              complain(error);
              return;
            }
          }
          if (!opts.quiet && !result.metrics.llm_error.empty())
            complain("warning: LLM calls failed, so some answers were "
                     "graded by fallback rules; the first error: "
                     + result.metrics.llm_error);
          code = exit_ok;
        },
        [&](caf::error& err) {
          complain("scoring failed: " + sys.render(err));
        });
  }
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  watchdog.arm(code, std::chrono::seconds{3});
  return code;
}

} // namespace

void add_calibrate_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<calibrate_options>();
  auto* cmd = app.add_subcommand(
    "calibrate",
    "Score a batch whose items carry human grades (human_score 0-100, "
    "human_correct) and report how the judge agrees with them.");
  cmd->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd
    ->add_option("input", opts->input,
                 "Labelled batch file, in any form grader score reads; - "
                 "for standard input")
    ->required();
  cmd->add_option("-o,--output", opts->output,
                  "Also write the report as JSON to this file, every item's "
                  "two grades included");
  cmd
    ->add_option("--largest", opts->largest,
                 "How many of the largest disagreements to list")
    ->capture_default_str();
  cmd
    ->add_option("--answer-timeout-ms", opts->answer_timeout_ms,
                 "Time one answer may take (default 45000)")
    ->check(CLI::PositiveNumber);
  cmd
    ->add_option("--deadline-ms", opts->deadline_ms,
                 "Time the whole batch may take (default 120000)")
    ->check(CLI::PositiveNumber);
  cmd->add_flag("-q,--quiet", opts->quiet, "No warnings on stderr");
  add_llm_options(*cmd, opts->llm);
  cmd->callback([opts, &result] { result = run_calibrate(*opts); });
}

} // namespace grader::app
