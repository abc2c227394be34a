// `grader judge`: runs the built-in judge as an OpenAI-compatible HTTP
// server until SIGINT or SIGTERM.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <pthread.h>

#include "apps/grader/commands.hpp"
#include "apps/grader/output_file.hpp"
#include "apps/grader/signal_watch.hpp"
#include "net/judge_server.hpp"
#include "scoring/structured_output.hpp"

namespace grader::app {

namespace {

struct judge_options {
  net::judge_server_options server;
  uint32_t latency_ms = 0;
  uint32_t jitter_ms = 0;
  std::string port_file;
  std::string api_key_env;
  std::vector<std::string> refused_formats;
};

int run_judge(judge_options opts) {
  // The option's check admits only names parse_response_format knows.
  for (const auto& name : opts.refused_formats)
    opts.server.refused_formats.push_back(
      *scoring::parse_response_format(name));
  opts.server.latency = std::chrono::milliseconds{opts.latency_ms};
  opts.server.jitter = std::chrono::milliseconds{opts.jitter_ms};
  if (!opts.api_key_env.empty()) {
    auto* key = std::getenv(opts.api_key_env.c_str());
    if (key == nullptr || *key == '\0') {
      std::cerr << "grader: --api-key-env: " << opts.api_key_env
                << " is not set\n";
      return exit_bad_input;
    }
    opts.server.api_key = key;
  }
  if (opts.server.tls_cert_file.empty() != opts.server.tls_key_file.empty()) {
    std::cerr << "grader: --tls-cert and --tls-key go together\n";
    return exit_bad_input;
  }
  // Before the server starts its threads: only sigwait below sees them.
  auto stop_signals = block_stop_signals();
  std::unique_ptr<net::judge_server> server;
  try {
    server = std::make_unique<net::judge_server>(opts.server);
  } catch (const std::exception& e) {
    std::cerr << "grader: " << e.what() << '\n';
    return exit_bad_input;
  }
  auto scheme = opts.server.tls_cert_file.empty() ? "http" : "https";
  std::cerr << "grader judge listening on " << scheme << "://"
            << opts.server.host << ':' << server->port() << "/v1"
            << (opts.server.faults ? " (fault injection on)" : "") << '\n';
  // Whole or absent, so a waiting test or script never reads half a port.
  if (!opts.port_file.empty()) {
    auto error = write_file_atomically(opts.port_file,
                                       std::to_string(server->port()) + '\n');
    if (!error.empty()) {
      std::cerr << "grader: " << error << '\n';
      return exit_internal_error;
    }
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server->stop();
  return exit_ok;
}

} // namespace

void add_judge_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<judge_options>();
  auto* cmd = app.add_subcommand(
    "judge", "Run the built-in judge as an OpenAI-compatible chat-completions "
             "server (POST /v1/chat/completions) until Ctrl-C.");
  cmd->add_option("--host", opts->server.host, "Address to listen on")
    ->capture_default_str();
  cmd->add_option("--port", opts->server.port, "Port; 0 picks a free one")
    ->capture_default_str();
  cmd->add_option("--port-file", opts->port_file,
                  "Write the port to this file once listening");
  cmd
    ->add_option("--latency-ms", opts->latency_ms,
                 "Answer every request this long after it was read")
    ->capture_default_str();
  cmd
    ->add_option("--jitter-ms", opts->jitter_ms,
                 "Add a random delay up to this much")
    ->capture_default_str();
  cmd->add_option("--tls-cert", opts->server.tls_cert_file,
                  "PEM certificate: serve HTTPS (with --tls-key)");
  cmd->add_option("--tls-key", opts->server.tls_key_file, "PEM private key");
  cmd->add_option("--api-key-env", opts->api_key_env,
                  "Require `Authorization: Bearer KEY` on chat requests, KEY "
                  "read from this environment variable");
  cmd->add_option("--threads", opts->server.threads, "Serving threads")
    ->capture_default_str()
    ->check(CLI::Range(1, 64));
  cmd
    ->add_option("--grading-threads", opts->server.grading_threads,
                 "Threads grading requests, so a big request holds up no "
                 "other connection")
    ->capture_default_str()
    ->check(CLI::Range(1, 64));
  cmd
    ->add_option("--refuse-response-format", opts->refused_formats,
                 "Refuse chat requests with this response_format (400, as "
                 "an endpoint without structured outputs does): "
                 "json_schema, json_object; comma-separated")
    ->delimiter(',')
    ->check(CLI::IsMember({"json_schema", "json_object"}));
  cmd->add_flag(
    "--faults", opts->server.faults,
    "Obey fault directives, for tests: a message containing [[fault:KIND]] "
    "(or [[fault:KIND*N]], only the first N times that request is seen) "
    "makes the judge misbehave. KIND: hang, slow (+1 s), 429 (Retry-After: "
    "1), 429_long (Retry-After: 999999), 500, 503, 401, malformed_body, "
    "malformed_content, out_of_range "
    "(score 150), quoted_verdict (a quoted score before the real one), "
    "reset (close without a reply). Off by default: then no "
    "request can trigger a fault.");
  cmd->callback([opts, &result] { result = run_judge(*opts); });
}

} // namespace grader::app
