// `grader score`: reads a batch, scores it with an in-process scoring
// service, writes the batch result as JSON.

#include <cerrno>
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

#include <unistd.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/scoring_service.hpp"
#include "apps/grader/commands.hpp"
#include "messages/error.hpp"
#include "messages/json_codec.hpp"
#include "messages/registration.hpp"
#include "net/chat_backend.hpp"

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
  std::string model;
  std::string api_key_env = "OPENAI_API_KEY";
  uint32_t concurrency = 64;
  uint32_t rpm = 0;
  uint32_t tpm = 0;
  uint32_t retries = 3;
  uint32_t llm_timeout_ms = 20'000;
  std::string ca_file;
  bool insecure = false;
};

std::string from_environment(const char* name) {
  auto* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Settles the LLM options that may also come from the environment (a flag
// wins over the environment), and checks the URL. Returns false after
// complaining.
bool resolve_llm_options(score_options& opts) {
  if (opts.llm_url.empty())
    opts.llm_url = from_environment("GRADER_LLM_URL");
  if (opts.llm_url.empty())
    opts.llm_url = from_environment("OPENAI_BASE_URL");
  if (opts.model.empty())
    opts.model = from_environment("GRADER_MODEL");
  if (opts.model.empty())
    opts.model = "gpt-4o-mini";
  if (!opts.llm_url.empty() && opts.llm_url.rfind("http://", 0) != 0
      && opts.llm_url.rfind("https://", 0) != 0) {
    complain("the LLM URL '" + opts.llm_url
             + "' needs a scheme: http:// or https://");
    return false;
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

// Writes `text` so that `path` holds either its old content or all of the
// new one, never a torn file: write a temporary beside it, then rename.
bool write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << '\n' << std::flush;
    return static_cast<bool>(std::cout);
  }
  auto temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out{temp, std::ios::binary | std::ios::trunc};
    out << text << '\n';
    out.flush();
    if (!out) {
      complain("cannot write '" + path + "': " + std::strerror(errno));
      std::remove(temp.c_str());
      return false;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    complain("cannot write '" + path + "': " + std::strerror(errno));
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

int run_score(score_options opts) {
  if (!resolve_llm_options(opts))
    return exit_bad_input;
  std::string text;
  if (!read_input(opts.input, text))
    return exit_bad_input;
  auto batch = read_batch(text);
  if (!batch) {
    auto where = opts.input == "-" ? std::string{"standard input"} : opts.input;
    complain(where + ": " + error_text(batch.error()));
    return exit_bad_input;
  }
  batch->options.answer_timeout_ms = opts.answer_timeout_ms;
  batch->options.deadline_ms = opts.deadline_ms;
  batch->options.max_live_scorers = opts.sequential ? 1 : 0;
  batch->options.explain = !opts.no_explain;

  config settings;
  settings.max_in_flight = opts.concurrency;
  settings.requests_per_minute = opts.rpm;
  settings.tokens_per_minute = opts.tpm;
  settings.retries = opts.retries;
  settings.llm_timeout = std::chrono::milliseconds{opts.llm_timeout_ms};
  auto deadline = opts.deadline_ms > 0
                    ? std::chrono::milliseconds{opts.deadline_ms}
                    : settings.deadline;
  caf::actor_system_config cfg;
  register_message_types(cfg);
  cfg.set("scheduler.max-threads",
          static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  caf::actor_system sys{cfg};
  auto service = spawn_scoring_service(sys, settings, make_backend(opts));
  int code = exit_internal_error;
  {
    caf::scoped_actor self{sys};
    // The coordinator always replies by the deadline; the margin only
    // guards against a bug turning into a hang.
    self
      ->request(service, deadline + std::chrono::seconds{30}, score_atom_v,
                std::move(*batch))
      .receive(
        [&](batch_result& result) {
          if (!result.metrics.llm_error.empty())
            complain("warning: LLM calls failed, so some answers were "
                     "graded by fallback rules; the first error: "
                     + result.metrics.llm_error);
          if (write_output(opts.output, write_batch_result(result)))
            code = result.failures.empty() ? exit_ok : exit_some_failed;
        },
        [&](caf::error& err) {
          complain("scoring failed: " + sys.render(err));
        });
  }
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  return code;
}

} // namespace

void add_score_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<score_options>();
  auto* cmd = app.add_subcommand(
    "score", "Score a batch of answers and print the batch result as JSON.");
  cmd->add_option("input", opts->input,
                  "Batch file: {\"answers\": [...]}, a JSON array or JSON "
                  "Lines; - for standard input")
    ->capture_default_str();
  cmd->add_option("-o,--output", opts->output,
                  "Write the result to this file (atomically) instead of "
                  "standard output");
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
  cmd->add_flag("--insecure", opts->insecure,
                "Do not check the endpoint's TLS certificate (unsafe)")
    ->group(llm);
  cmd->footer("Exit codes: 0 every answer scored, 2 unusable input or "
              "options, 3 some answers failed (listed under \"failures\").");
  cmd->callback([opts, &result] { result = run_score(*opts); });
}

} // namespace grader::app
