// `grader score`: reads a batch, scores it with an in-process scoring
// service, writes the batch result as JSON.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/journal_listener.hpp"
#include "actors/node_pool.hpp"
#include "actors/registration.hpp"
#include "actors/scoring_service.hpp"
#include "apps/grader/commands.hpp"
#include "apps/grader/exit_watchdog.hpp"
#include "apps/grader/input_file.hpp"
#include "apps/grader/llm_options.hpp"
#include "apps/grader/node_network.hpp"
#include "apps/grader/output_file.hpp"
#include "apps/grader/progress_display.hpp"
#include "apps/grader/signal_watch.hpp"
#include "messages/batch_reader.hpp"
#include "messages/batch_result_json.hpp"
#include "messages/bounded_read.hpp"
#include "messages/error.hpp"
#include "messages/journal.hpp"
#include "messages/outcome_json.hpp"
#include "messages/resume_plan.hpp"
#include "net/chat_backend.hpp"
#include "net/detail/printable.hpp"
#include "net/openai_backend.hpp"
#include "net/url.hpp"
#include "scoring/display_text.hpp"
#include "scoring/token_prices.hpp"
#include "scoring/uuid.hpp"

namespace grader::app {

namespace {

struct score_options {
  std::string input = "-";
  std::string output;
  uint32_t answer_timeout_ms = 0;
  uint32_t deadline_ms = 0;
  bool sequential = false;
  // 0: derived from --concurrency (see grader::live_scorer_window).
  uint32_t max_live_scorers = 0;
  std::string priority = "interactive";
  bool no_explain = false;
  // How answers are judged, shared with `grader node`.
  llm_options llm;
  // `HOST:PORT` of the nodes to score on instead of in-process,
  // comma-separated, and TLS to them.
  std::string remote;
  node_tls_options tls;
  // With --remote, the limits given are an API key's, which the nodes
  // share: each gets its part (see batch_options::limits).
  call_limits key_limits;
  std::string format = "json";
  std::string progress = "auto";
  bool quiet = false;
  bool verbose = false;
  std::string journal;
  std::string resume;
  std::string retry_failed;
  // Resume or retry although the journal or output was judged otherwise.
  bool force = false;
  // The judging options given on the command line (or by the environment
  // or --config) that --remote ignores, as the nodes judge with their own.
  std::vector<std::string> ignored_by_remote;
  // Read before parsing (see argument_sources.hpp); kept so --help shows it.
  std::string config_file;
  uint64_t max_input_bytes = default_max_input_bytes;
  // The most items a batch may have (see read_batch).
  uint64_t max_answers = default_max_answers;
};

// Writes the result to the -o file, or to stdout when there is none, as it
// is formatted, piece by piece.
bool write_output(output_file* file, const batch_result& x,
                  const std::string& format) {
  auto as = format == "json" ? output_format::json : output_format::jsonl;
  if (file == nullptr) {
    if (write_batch_output(x, as, [](std::string_view piece) {
          return write_all(STDOUT_FILENO, piece);
        }))
      return true;
    complain(std::string{"cannot write the result to standard output: "}
             + std::strerror(errno));
    return false;
  }
  std::string error;
  write_batch_output(x, as, [&](std::string_view piece) {
    error = file->write(piece);
    return error.empty();
  });
  if (error.empty())
    error = file->commit();
  if (!error.empty())
    complain(error);
  return error.empty();
}

// What the journal (--resume) or the earlier output (--retry-failed) says
// its answers were judged with, to compare with this run's judge once it is
// known: with --remote, only the nodes tell.
struct earlier_judge {
  // No journal or output to compare, or an empty journal.
  bool compare = false;
  const char* flag = "";
  // The journal or output, for messages.
  std::string what;
  // Nothing: it was written by a grader that did not record it.
  std::optional<judge_settings> settings;
};

// Whether the answers of the journal or output were judged as this run
// judges them (`now`). Different settings would mix grades of two judges
// in one output: refused without --force. Returns false after complaining.
bool same_judge(const score_options& opts, const earlier_judge& earlier,
                const judge_settings& now) {
  if (!earlier.compare)
    return true;
  std::string why;
  if (!earlier.settings)
    why = " does not record what its answers were judged with (it was "
          "written by an older grader)";
  else if (auto difference
           = scoring::judge_settings_difference(*earlier.settings, now);
           !difference.empty())
    why = " was judged otherwise: " + difference;
  if (why.empty())
    return true;
  if (opts.force) {
    if (!opts.quiet)
      std::cerr << "grader: warning: " << earlier.flag << ": " << earlier.what
                << why << "; going on (--force)\n";
    return true;
  }
  complain(std::string{earlier.flag} + ": " + earlier.what + why
           + "; --force uses it all the same");
  return false;
}

// What the nodes judge with: the first node's settings, which the output
// and the journal record. Nodes set up differently grade one batch with
// two judges, which is said.
judge_settings nodes_judge(const std::vector<remote_node>& nodes, bool quiet) {
  const auto& first = nodes.front();
  auto first_name = scoring::escape_for_display(first.name, 80);
  for (const auto& node : nodes) {
    auto difference = scoring::judge_settings_difference(first.judge,
                                                         node.judge);
    if (!difference.empty() && !quiet)
      std::cerr << "grader: warning: node "
                << scoring::escape_for_display(node.name, 80)
                << " judges otherwise than node " << first_name << ": "
                << difference << "; the output records node " << first_name
                << "'s settings\n";
  }
  return first.judge;
}

// Reads and plans the batch: the whole input, or with --resume or
// --retry-failed only what is left to score, and what the journal or the
// earlier output was judged with. Returns false after complaining.
bool plan_batch(const score_options& opts, resume_plan& plan,
                earlier_judge& judged) {
  std::string text;
  if (!read_input(opts.input, opts.max_input_bytes, text))
    return false;
  auto batch = read_batch(text, opts.max_answers);
  if (!batch) {
    complain(input_name(opts.input) + ": " + error_text(batch.error()));
    return false;
  }
  auto total = batch->answers.size() + batch->rejected.size();
  if (!opts.resume.empty()) {
    std::string error;
    auto journal = read_journal(opts.resume, error, total);
    if (!journal) {
      complain(error);
      return false;
    }
    auto there = "the journal '" + scoring::escape_for_display(opts.resume)
                 + "'";
    if (auto why = first_difference(*batch, journal->by_key, "the journal");
        !why.empty()) {
      complain("--resume: " + there + " is not of this batch: " + why);
      return false;
    }
    judged = {journal->lines > 0, "--resume", there, journal->judge};
    plan = plan_resume(*batch, *journal);
  } else if (!opts.retry_failed.empty()) {
    std::string earlier_text;
    if (!read_input(opts.retry_failed, opts.max_input_bytes, earlier_text))
      return false;
    auto earlier = read_batch_result(earlier_text);
    if (!earlier) {
      complain(input_name(opts.retry_failed) + ": "
               + error_text(earlier.error()));
      return false;
    }
    // Positions only mean the same answers in the same batch.
    if (earlier->stats.total_count != total) {
      complain(input_name(opts.retry_failed)
               + ": the earlier output is of "
                 "a batch of "
               + std::to_string(earlier->stats.total_count) + " answers, "
               + input_name(opts.input) + " holds " + std::to_string(total));
      return false;
    }
    std::map<std::string, answer_outcome> outcomes;
    for (const auto& x : earlier->results)
      outcomes.emplace(answer_key(x), x);
    for (const auto& x : earlier->failures)
      outcomes.emplace(answer_key(x), x);
    if (auto why = first_difference(*batch, outcomes, "the earlier output");
        !why.empty()) {
      complain("--retry-failed: " + input_name(opts.retry_failed)
               + " is not an output of this batch: " + why);
      return false;
    }
    judged = {true, "--retry-failed", input_name(opts.retry_failed),
              earlier->metrics.judge.prompt_version.empty()
                ? std::nullopt
                : std::optional{earlier->metrics.judge}};
    plan = plan_retry_failed(*batch, *earlier);
  } else {
    plan.remaining = std::move(*batch);
  }
  // A session id lets Ctrl-C cancel this batch by name.
  if (plan.remaining.session_id.empty()) {
    std::mt19937_64 random{std::random_device{}()};
    plan.remaining.session_id = scoring::make_uuid(random);
  }
  return true;
}

void print_summary(const batch_result& x) {
  const auto& s = x.stats;
  const auto& m = x.metrics;
  char text[512];
  std::snprintf(
    text, sizeof(text),
    "grader: scored %llu of %llu answers (%llu failed, %llu by fallback, "
    "%llu to review) in %.2f s\n"
    "grader: average score %.1f, correct %.1f %%, answer latency p50 %llu "
    "ms, p95 %llu ms\n"
    "grader: LLM (%s): %llu calls, %llu retries, %llu prompt + %llu "
    "completion tokens\n",
    static_cast<unsigned long long>(s.successful_count),
    static_cast<unsigned long long>(s.total_count),
    static_cast<unsigned long long>(s.failed_count),
    static_cast<unsigned long long>(s.fallback_count),
    static_cast<unsigned long long>(s.needs_review_count),
    static_cast<double>(m.wall_ms) / 1000.0, s.average_score,
    100.0 * s.correct_rate, static_cast<unsigned long long>(m.p50_ms),
    static_cast<unsigned long long>(m.p95_ms), m.llm.c_str(),
    static_cast<unsigned long long>(m.llm_calls),
    static_cast<unsigned long long>(m.llm_retries),
    static_cast<unsigned long long>(m.prompt_tokens),
    static_cast<unsigned long long>(m.completion_tokens));
  std::cerr << text;
  if (!m.structured_output_note.empty())
    std::cerr << "grader: structured output: " << m.structured_output_note
              << '\n';
  if (m.prices.priced())
    std::cerr << "grader: estimated cost " << scoring::cost_text(m.cost) << " ("
              << scoring::cost_text(m.prices.prompt_per_million)
              << " per million prompt tokens, "
              << scoring::cost_text(m.prices.completion_per_million)
              << " per million completion tokens)\n";
  // Why answers fell back, the most frequent reason first.
  std::map<std::string, uint64_t> reasons;
  for (const auto& result : x.results)
    if (result.verdict.by == scoring::graded_by::fallback)
      ++reasons[result.fallback_reason.empty() ? "no LLM"
                                               : result.fallback_reason];
  std::vector<std::pair<uint64_t, std::string>> ranked;
  for (const auto& [reason, count] : reasons)
    ranked.emplace_back(count, reason);
  std::sort(ranked.rbegin(), ranked.rend());
  if (!ranked.empty()) {
    std::string line = "grader: fallbacks:";
    for (size_t i = 0; i < ranked.size(); ++i)
      line += (i == 0 ? " " : ", ") + std::to_string(ranked[i].first) + " "
              + ranked[i].second;
    std::cerr << line << '\n';
  }
}

int run_score(score_options opts) {
  if (!check_llm_options(opts.llm) || !check_node_tls_options(opts.tls))
    return exit_bad_input;
  // From here on a signal ends the process (exit 130), or once the batch
  // runs, cancels it.
  signal_watch signals;
  resume_plan plan;
  earlier_judge judged;
  if (!plan_batch(opts, plan, judged))
    return exit_bad_input;
  if (!opts.quiet && !opts.remote.empty() && !opts.ignored_by_remote.empty()) {
    std::string flags;
    for (const auto& flag : opts.ignored_by_remote)
      flags += (flags.empty() ? "" : ", ") + flag;
    std::cerr << "grader: warning: with --remote the nodes judge with their "
                 "own settings; ignored: "
              << flags << '\n';
  }
  // An output that cannot be written fails now, before the batch is paid
  // for.
  std::unique_ptr<output_file> output;
  if (!opts.output.empty() && opts.output != "-") {
    std::string error;
    output = output_file::prepare(opts.output, error);
    if (!output) {
      complain(error);
      return exit_bad_input;
    }
    signals.remove_on_exit(output->temp_path());
  }
  auto& batch = plan.remaining;
  batch.options.answer_timeout_ms = opts.answer_timeout_ms;
  batch.options.deadline_ms = opts.deadline_ms;
  batch.options.max_live_scorers = opts.sequential ? 1 : opts.max_live_scorers;
  batch.options.priority = *scoring::parse_batch_priority(opts.priority);
  batch.options.explain = !opts.no_explain;
  batch.options.limits = opts.key_limits;

  config settings;
  apply_llm_options(opts.llm, settings);
  settings.verbose = opts.verbose;
  auto deadline = opts.deadline_ms > 0
                    ? std::chrono::milliseconds{opts.deadline_ms}
                    : settings.deadline;
  caf::actor_system_config cfg;
  register_message_types(cfg);
  if (!opts.remote.empty()) {
    configure_node_network(cfg);
    configure_node_tls(cfg, opts.tls);
  }
  configure_scheduler(cfg);
  exit_watchdog watchdog;
  caf::actor_system sys{cfg};
  // What judges this run: on other nodes, the nodes' settings.
  auto judge = settings.judge;
  std::vector<remote_node> nodes;
  if (!opts.remote.empty()) {
    std::vector<std::string> problems;
    nodes = connect_nodes(sys, opts.remote, opts.tls, problems);
    for (const auto& problem : problems)
      complain(problem);
    if (nodes.empty()) {
      complain("no node could be reached (--remote)");
      return exit_bad_input;
    }
    judge = nodes_judge(nodes, opts.quiet);
  }
  if (!same_judge(opts, judged, judge))
    return exit_bad_input;
  progress_listeners listeners;
  auto journal_path = !opts.journal.empty() ? opts.journal : opts.resume;
  if (!journal_path.empty()) {
    auto journal = spawn_journal_listener(sys, journal_path, judge);
    if (!journal) {
      complain(error_text(journal.error()));
      return exit_bad_input;
    }
    listeners.push_back(std::move(*journal));
  }
  progress_settings display;
  display.terminal = ::isatty(STDERR_FILENO) != 0;
  display.draw = !opts.quiet
                 && (opts.progress == "always"
                     || (opts.progress == "auto" && display.terminal));
  if (display.draw)
    listeners.push_back(spawn_progress_display(sys, display));
  auto service = opts.remote.empty()
                   ? spawn_scoring_service(sys, settings,
                                           make_backend(opts.llm))
                   : spawn_node_pool(sys, std::move(nodes), settings);
  auto session_id = batch.session_id;
  signals.on_cancel([service, session_id] {
    caf::anon_send(service, cancel_atom_v, session_id);
  });
  int code = exit_internal_error;
  {
    caf::scoped_actor self{sys};
    // The coordinator always replies by the deadline; the margin only
    // guards against a bug turning into a hang.
    self
      ->request(service, deadline + std::chrono::seconds{30}, score_atom_v,
                std::move(batch), listeners)
      .receive(
        [&](batch_result& fresh) {
          // Every event came before the reply: once the listeners answer,
          // the journal holds them all and the progress line is gone.
          std::string journal_error;
          for (const auto& listener : listeners)
            self->request(listener, std::chrono::seconds{10}, flush_atom_v)
              .receive(
                [&](std::string& error) {
                  if (journal_error.empty())
                    journal_error = std::move(error);
                },
                [&](caf::error& err) { journal_error = sys.render(err); });
          auto result = merge(plan, std::move(fresh));
          if (!result.metrics.llm_error.empty() && !opts.quiet)
            complain("warning: LLM calls failed, so some answers were "
                     "graded by fallback rules; the first error: "
                     + result.metrics.llm_error);
          if (!write_output(output.get(), result, opts.format))
            return;
          // The output is whole, but a crash would have lost answers.
          if (!journal_error.empty())
            complain("the journal is incomplete: " + journal_error);
          if (!opts.quiet)
            print_summary(result);
          if (signals.cancelled())
            code = exit_cancelled;
          else
            code = result.failures.empty() ? exit_ok : exit_some_failed;
        },
        [&](caf::error& err) {
          complain("scoring failed: " + sys.render(err));
        });
  }
  for (const auto& listener : listeners)
    caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  // The output and the journal are on disk: a scorer still busy with a
  // costly answer may hold the shutdown only this long.
  watchdog.arm(code, std::chrono::seconds{3});
  return code;
}

} // namespace

void add_score_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<score_options>();
  auto* cmd = app.add_subcommand(
    "score", "Score a batch of answers and print the batch result as JSON.");
  // Settings from a config file and the environment come first on the
  // command line (see argument_sources.hpp): the last value of an option
  // wins, which makes a flag beat them.
  cmd->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd
    ->add_option("input", opts->input,
                 "Batch file: {\"answers\": [...]}, a JSON array or JSON "
                 "Lines; - for standard input")
    ->capture_default_str();
  cmd->add_option("-o,--output", opts->output,
                  "Write the result to this file (atomically) instead of "
                  "standard output");
  cmd
    ->add_option("--format", opts->format,
                 "json: one document; jsonl: a line per result or failure, "
                 "then a summary line")
    ->capture_default_str()
    ->check(CLI::IsMember({"json", "jsonl"}));
  cmd->add_option("--config", opts->config_file,
                  "Read settings from this TOML/INI file (name = value, names "
                  "as the long options); flags and the environment win over "
                  "it");
  cmd
    ->add_option("--progress", opts->progress,
                 "Live progress line on stderr: auto (on a terminal), "
                 "always, never")
    ->capture_default_str()
    ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("-q,--quiet", opts->quiet,
                "No progress line, summary or warnings on stderr; errors only");
  cmd->add_flag("--verbose", opts->verbose,
                "Log batch, circuit-breaker and rate-limit events on stderr");
  cmd->add_option("--journal", opts->journal,
                  "Append every finished result or failure to this JSON "
                  "Lines file as it completes");
  cmd->add_option("--resume", opts->resume,
                  "Score only the answers not yet in this journal, keep "
                  "journaling there, and merge the journal into the output");
  cmd
    ->add_option("--retry-failed", opts->retry_failed,
                 "Re-score only the failures of this earlier output (json "
                 "or jsonl) and merge its results into the new output")
    ->check(CLI::ExistingFile);
  cmd->add_flag("--force", opts->force,
                "With --resume or --retry-failed: go on although the journal "
                "or output was judged with another model, temperature, seed "
                "or prompt version");
  cmd
    ->add_option("--max-input-bytes", opts->max_input_bytes,
                 "Refuse an input (or --retry-failed output) larger than "
                 "this many bytes")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  cmd
    ->add_option("--max-answers", opts->max_answers,
                 "Refuse a batch of more items than this")
    ->capture_default_str()
    ->check(CLI::PositiveNumber);
  cmd
    ->add_option("--answer-timeout-ms", opts->answer_timeout_ms,
                 "Time one answer may take before it gets a fallback "
                 "result (default 45000)")
    ->check(CLI::PositiveNumber);
  cmd
    ->add_option("--deadline-ms", opts->deadline_ms,
                 "Time the whole batch may take; unfinished answers then "
                 "get fallback results (default 120000)")
    ->check(CLI::PositiveNumber);
  cmd
    ->add_option("--max-live-scorers", opts->max_live_scorers,
                 "Most answers of the batch at work at once (default: "
                 "--concurrency, at most 8192)")
    ->check(CLI::Range(1u, 100000u));
  cmd
    ->add_option("--priority", opts->priority,
                 "interactive: LLM calls go before those of bulk batches on "
                 "the same service; bulk: after them")
    ->capture_default_str()
    ->check(CLI::IsMember({"interactive", "bulk"}));
  cmd->add_flag("--sequential", opts->sequential,
                "Score one answer at a time (the benchmark baseline)");
  cmd->add_flag("--no-explain", opts->no_explain,
                "Do not write an explanation for each answer");
  add_llm_options(*cmd, opts->llm);
  cmd->add_option("--remote", opts->remote,
                  "Score on these nodes (`grader node`) instead of "
                  "in-process: HOST:PORT, comma-separated");
  add_node_tls_options(*cmd, opts->tls);
  cmd->footer("Exit codes: 0 every answer scored, 2 unusable input or "
              "options, 3 some answers failed (listed under \"failures\"), "
              "130 cancelled by Ctrl-C or SIGTERM (the result so far is "
              "written). Settings: a flag beats the environment "
              "(GRADER_LLM_URL, OPENAI_BASE_URL, GRADER_MODEL, the API key "
              "variable), which beats --config, which beats the defaults.");
  cmd->callback([opts, cmd, &result] {
    if (!opts->resume.empty() && !opts->retry_failed.empty()) {
      complain("--resume and --retry-failed do not go together");
      result = exit_bad_input;
      return;
    }
    if (!opts->remote.empty()) {
      opts->ignored_by_remote = judging_options_given(*cmd);
      if (cmd->count("--concurrency") > 0)
        opts->key_limits.max_in_flight = opts->llm.concurrency;
      if (cmd->count("--rpm") > 0)
        opts->key_limits.requests_per_minute = opts->llm.rpm;
      if (cmd->count("--tpm") > 0)
        opts->key_limits.tokens_per_minute = opts->llm.tpm;
    }
    result = run_score(*opts);
  });
}

} // namespace grader::app
