// `grader score`: reads a batch, scores it with an in-process scoring
// service, writes the batch result as JSON.

#include <atomic>
#include <cerrno>
#include <csignal>
#include <functional>
#include <memory>
#include <random>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/scoring_service.hpp"
#include "apps/grader/commands.hpp"
#include "messages/error.hpp"
#include "messages/json_codec.hpp"
#include "apps/grader/atomic_file.hpp"
#include "apps/grader/journal.hpp"
#include "apps/grader/progress_display.hpp"
#include "messages/registration.hpp"
#include "scoring/uuid.hpp"
#include "net/chat_backend.hpp"
#include "net/detail/printable.hpp"
#include "net/url.hpp"

namespace grader::app {

namespace {

void complain(const std::string& what) {
  std::cerr << "grader: " << what << '\n';
}

struct score_options {
  std::string input = "-";
  std::string output;
  uint32_t answer_timeout_ms = 0;
  uint32_t deadline_ms = 0;
  bool sequential = false;
  bool no_explain = false;
  // The LLM; without a URL, the built-in judge answers in-process.
  std::string llm_url;
  std::string model = "gpt-4o-mini";
  std::string api_key_env = "OPENAI_API_KEY";
  uint32_t concurrency = 64;
  uint32_t rpm = 0;
  uint32_t tpm = 0;
  uint32_t retries = 3;
  uint32_t llm_timeout_ms = 20'000;
  std::string ca_file;
  bool insecure = false;
  uint64_t token_budget = 0;
  std::string format = "json";
  std::string progress = "auto";
  bool quiet = false;
  std::string journal;
  std::string resume;
  std::string retry_failed;
  // Read before parsing (see argument_sources.hpp); kept so --help shows it.
  std::string config_file;
};

std::string from_environment(const char* name) {
  auto* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Checks the LLM options; returns false after complaining. Messages quote
// the URL and the model only escaped, and never the API key.
bool check_llm_options(const score_options& opts) {
  if (net::detail::has_control_character(opts.model)) {
    complain("the model name '" + net::detail::printable(opts.model)
             + "' contains a control character");
    return false;
  }
  if (!opts.llm_url.empty()) {
    auto shown = net::displayed_url(opts.llm_url);
    if (opts.llm_url.find("://") == std::string::npos) {
      complain("the LLM URL '" + shown
               + "' needs a scheme: http:// or https://");
      return false;
    }
    auto url = net::parse_url(opts.llm_url);
    if (auto* problem = std::get_if<std::string>(&url)) {
      complain("the LLM URL '" + shown + "' is invalid: " + *problem);
      return false;
    }
    // A CR or LF would end the Authorization header and start another.
    if (net::detail::has_control_character(
          from_environment(opts.api_key_env.c_str()))) {
      complain("the API key in " + net::detail::printable(opts.api_key_env)
               + " contains a control character");
      return false;
    }
  }
  if (opts.insecure)
    std::cerr << "grader: warning: --insecure: the LLM endpoint's TLS "
                 "certificate is NOT checked\n";
  return true;
}

std::shared_ptr<net::chat_backend> make_backend(const score_options& opts) {
  if (opts.llm_url.empty())
    return nullptr;
  net::openai_settings endpoint;
  endpoint.base_url = opts.llm_url;
  endpoint.model = opts.model;
  endpoint.api_key = from_environment(opts.api_key_env.c_str());
  net::http_client_options http;
  http.max_connections_per_host = opts.concurrency;
  http.ca_file = opts.ca_file;
  http.verify_peer = !opts.insecure;
  return net::make_openai_backend(std::move(endpoint), std::move(http));
}

// The whole input, from a file or from standard input ("-").
bool read_input(const std::string& path, std::string& text) {
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>{std::cin}, {});
    return true;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    complain("cannot read '" + path + "': it is a directory");
    return false;
  }
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    complain("cannot read '" + path + "': " + std::strerror(errno));
    return false;
  }
  text.assign(std::istreambuf_iterator<char>{in}, {});
  if (in.bad()) {
    complain("cannot read '" + path + "': " + std::strerror(errno));
    return false;
  }
  return true;
}

// Writes the result to stdout, or atomically to the -o file.
bool write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << '\n' << std::flush;
    return static_cast<bool>(std::cout);
  }
  auto error = write_file_atomically(path, text + '\n');
  if (!error.empty())
    complain(error);
  return error.empty();
}

// Reads and plans the batch: the whole input, or with --resume or
// --retry-failed only what is left to score. Returns false after
// complaining.
bool plan_batch(const score_options& opts, resume_plan& plan) {
  std::string text;
  if (!read_input(opts.input, text))
    return false;
  auto batch = read_batch(text);
  if (!batch) {
    auto where = opts.input == "-" ? std::string{"standard input"} : opts.input;
    complain(where + ": " + error_text(batch.error()));
    return false;
  }
  if (!opts.resume.empty()) {
    std::string error;
    auto journal = read_journal(opts.resume, error);
    if (!journal) {
      complain(error);
      return false;
    }
    plan = plan_resume(*batch, *journal);
  } else if (!opts.retry_failed.empty()) {
    std::string earlier_text;
    if (!read_input(opts.retry_failed, earlier_text))
      return false;
    auto earlier = read_batch_result(earlier_text);
    if (!earlier) {
      complain(opts.retry_failed + ": " + error_text(earlier.error()));
      return false;
    }
    plan = plan_retry_failed(*batch, *earlier);
  } else {
    // Nothing done yet: every position maps to itself.
    auto total = batch->answers.size() + batch->rejected.size();
    plan.original_index.resize(total);
    for (uint64_t i = 0; i < total; ++i)
      plan.original_index[i] = i;
    plan.remaining = std::move(*batch);
  }
  // A session id lets Ctrl-C cancel this batch by name.
  if (plan.remaining.session_id.empty()) {
    std::mt19937_64 random{std::random_device{}()};
    plan.remaining.session_id = scoring::make_uuid(random);
  }
  return true;
}

std::string format_output(const batch_result& x, const std::string& format) {
  if (format == "json")
    return write_batch_result(x);
  std::string out;
  for (const auto& result : x.results)
    out += write_result_line(result) + '\n';
  for (const auto& failure : x.failures)
    out += write_failure_line(failure) + '\n';
  out += write_summary_line(x);
  return out;
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
}

// Waits for SIGINT or SIGTERM on its own thread: the first cancels the
// batch (the result so far is still written), the second ends the process
// at once. SIGUSR1 only ends the wait when the batch is done.
class signal_watch {
public:
  signal_watch() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGUSR1);
    // Blocked before any other thread starts, so all of them inherit the
    // mask and only this watcher ever sees these signals.
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  }

  void start(std::function<void()> on_first) {
    thread_ = std::thread{[this, on_first = std::move(on_first)] {
      int signal = 0;
      sigwait(&signals_, &signal);
      if (signal == SIGUSR1)
        return;
      cancelled_ = true;
      on_first();
      sigwait(&signals_, &signal);
      if (signal != SIGUSR1)
        std::_Exit(exit_cancelled);
    }};
  }

  bool cancelled() const {
    return cancelled_;
  }

  ~signal_watch() {
    if (thread_.joinable()) {
      pthread_kill(thread_.native_handle(), SIGUSR1);
      thread_.join();
    }
  }

private:
  sigset_t signals_;
  std::thread thread_;
  std::atomic<bool> cancelled_{false};
};

int run_score(score_options opts) {
  if (!check_llm_options(opts))
    return exit_bad_input;
  signal_watch signals;
  resume_plan plan;
  if (!plan_batch(opts, plan))
    return exit_bad_input;
  auto journal_path = !opts.journal.empty() ? opts.journal : opts.resume;
  std::unique_ptr<journal_writer> journal;
  if (!journal_path.empty()) {
    std::string error;
    journal = journal_writer::open(journal_path, error);
    if (!journal) {
      complain(error);
      return exit_bad_input;
    }
  }
  auto& batch = plan.remaining;
  batch.options.answer_timeout_ms = opts.answer_timeout_ms;
  batch.options.deadline_ms = opts.deadline_ms;
  batch.options.max_live_scorers = opts.sequential ? 1 : 0;
  batch.options.explain = !opts.no_explain;

  config settings;
  settings.max_in_flight = opts.concurrency;
  settings.requests_per_minute = opts.rpm;
  settings.tokens_per_minute = opts.tpm;
  settings.retries = opts.retries;
  settings.llm_timeout = std::chrono::milliseconds{opts.llm_timeout_ms};
  settings.token_budget = opts.token_budget;
  auto deadline = opts.deadline_ms > 0
                    ? std::chrono::milliseconds{opts.deadline_ms}
                    : settings.deadline;
  caf::actor_system_config cfg;
  register_message_types(cfg);
  cfg.set("scheduler.max-threads",
          static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  caf::actor_system sys{cfg};
  auto service = spawn_scoring_service(sys, settings, make_backend(opts));
  progress_settings display;
  display.terminal = ::isatty(STDERR_FILENO) != 0;
  display.draw = !opts.quiet
                 && (opts.progress == "always"
                     || (opts.progress == "auto" && display.terminal));
  if (journal)
    display.on_settled = [&journal, &plan](const batch_progress& event) {
      // The journal speaks of positions in the whole input.
      if (event.scored)
        journal->append(to_original(plan, event.result));
      else
        journal->append(to_original(plan, event.failure));
    };
  auto listener = spawn_progress_listener(sys, std::move(display));
  batch.progress = listener;
  auto session_id = batch.session_id;
  signals.start([service, session_id] {
    caf::anon_send(service, cancel_atom_v, session_id);
  });
  int code = exit_internal_error;
  {
    caf::scoped_actor self{sys};
    // The coordinator always replies by the deadline; the margin only
    // guards against a bug turning into a hang.
    self
      ->request(service, deadline + std::chrono::seconds{30}, score_atom_v,
                std::move(batch))
      .receive(
        [&](batch_result& fresh) {
          // Every event came before the reply: once the listener answers,
          // the journal holds them all and the progress line is gone.
          self->request(listener, std::chrono::seconds{10}, caf::get_atom_v)
            .receive([](bool) {}, [](caf::error&) {});
          auto result = merge(plan, std::move(fresh));
          if (!result.metrics.llm_error.empty() && !opts.quiet)
            complain("warning: LLM calls failed, so some answers were "
                     "graded by fallback rules; the first error: "
                     + result.metrics.llm_error);
          if (!write_output(opts.output, format_output(result, opts.format)))
            return;
          // The output is whole, but a crash would have lost answers.
          if (journal && !journal->error().empty())
            complain("the journal is incomplete: " + journal->error());
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
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
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
  cmd->add_option("input", opts->input,
                  "Batch file: {\"answers\": [...]}, a JSON array or JSON "
                  "Lines; - for standard input")
    ->capture_default_str();
  cmd->add_option("-o,--output", opts->output,
                  "Write the result to this file (atomically) instead of "
                  "standard output");
  cmd->add_option("--format", opts->format,
                  "json: one document; jsonl: a line per result or failure, "
                  "then a summary line")
    ->capture_default_str()
    ->check(CLI::IsMember({"json", "jsonl"}));
  cmd->add_option("--config", opts->config_file,
                  "Read settings from this TOML/INI file (name = value, names "
                  "as the long options); flags and the environment win over "
                  "it");
  cmd->add_option("--progress", opts->progress,
                  "Live progress line on stderr: auto (on a terminal), "
                  "always, never")
    ->capture_default_str()
    ->check(CLI::IsMember({"auto", "always", "never"}));
  cmd->add_flag("-q,--quiet", opts->quiet,
                "No progress line, summary or warnings on stderr; errors only");
  cmd->add_option("--journal", opts->journal,
                  "Append every finished result or failure to this JSON "
                  "Lines file as it completes");
  cmd->add_option("--resume", opts->resume,
                  "Score only the answers not yet in this journal, keep "
                  "journaling there, and merge the journal into the output");
  cmd->add_option("--retry-failed", opts->retry_failed,
                  "Re-score only the failures of this earlier output (json "
                  "or jsonl) and merge its results into the new output")
    ->check(CLI::ExistingFile);
  cmd->add_option("--answer-timeout-ms", opts->answer_timeout_ms,
                  "Time one answer may take before it gets a fallback "
                  "result (default 45000)")
    ->check(CLI::PositiveNumber);
  cmd->add_option("--deadline-ms", opts->deadline_ms,
                  "Time the whole batch may take; unfinished answers then "
                  "get fallback results (default 120000)")
    ->check(CLI::PositiveNumber);
  cmd->add_flag("--sequential", opts->sequential,
                "Score one answer at a time (the benchmark baseline)");
  cmd->add_flag("--no-explain", opts->no_explain,
                "Do not write an explanation for each answer");
  auto* llm = "LLM";
  cmd->add_option("--llm-url", opts->llm_url,
                  "OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 "
                  "(env GRADER_LLM_URL, then OPENAI_BASE_URL); without one "
                  "the built-in judge answers in-process")
    ->group(llm);
  cmd->add_option("--model", opts->model,
                  "Model name (env GRADER_MODEL; default gpt-4o-mini)")
    ->group(llm);
  cmd->add_option("--api-key-env", opts->api_key_env,
                  "Environment variable holding the API key")
    ->capture_default_str()
    ->group(llm);
  cmd->add_option("--concurrency", opts->concurrency,
                  "Most LLM calls in flight at once")
    ->capture_default_str()
    ->check(CLI::Range(1u, 4096u))
    ->group(llm);
  cmd->add_option("--rpm", opts->rpm, "LLM requests per minute (0: no limit)")
    ->capture_default_str()
    ->group(llm);
  cmd->add_option("--tpm", opts->tpm, "LLM tokens per minute (0: no limit)")
    ->capture_default_str()
    ->group(llm);
  cmd->add_option("--retries", opts->retries,
                  "Extra attempts for a call that failed transiently")
    ->capture_default_str()
    ->check(CLI::Range(0u, 20u))
    ->group(llm);
  cmd->add_option("--llm-timeout-ms", opts->llm_timeout_ms,
                  "Time one LLM call may take")
    ->capture_default_str()
    ->check(CLI::PositiveNumber)
    ->group(llm);
  cmd->add_option("--ca-file", opts->ca_file,
                  "PEM file of extra trusted certificates for HTTPS")
    ->check(CLI::ExistingFile)
    ->group(llm);
  cmd->add_option("--token-budget", opts->token_budget,
                  "No new LLM call once this many tokens are spent; the "
                  "remaining answers fall back to rules (0: no budget)")
    ->capture_default_str()
    ->group(llm);
  cmd->add_flag("--insecure", opts->insecure,
                "Do not check the endpoint's TLS certificate (unsafe)")
    ->group(llm);
  cmd->footer("Exit codes: 0 every answer scored, 2 unusable input or "
              "options, 3 some answers failed (listed under \"failures\"), "
              "130 cancelled by Ctrl-C or SIGTERM (the result so far is "
              "written). Settings: a flag beats the environment "
              "(GRADER_LLM_URL, OPENAI_BASE_URL, GRADER_MODEL, the API key "
              "variable), which beats --config, which beats the defaults.");
  cmd->callback([opts, &result] {
    if (!opts->resume.empty() && !opts->retry_failed.empty()) {
      complain("--resume and --retry-failed do not go together");
      result = exit_bad_input;
      return;
    }
    result = run_score(*opts);
  });
}

} // namespace grader::app
