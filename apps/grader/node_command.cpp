// `grader node`: publishes a scoring service on CAF's network layer, for
// `grader score --remote` and for host applications on other machines,
// until SIGINT or SIGTERM.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <pthread.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/registration.hpp"
#include "actors/scoring_service.hpp"
#include "apps/grader/commands.hpp"
#include "apps/grader/llm_options.hpp"
#include "apps/grader/node_network.hpp"
#include "apps/grader/output_file.hpp"
#include "apps/grader/signal_watch.hpp"
#include "scoring/display_text.hpp"

namespace grader::app {

namespace {

struct node_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string port_file;
  bool verbose = false;
  llm_options llm;
  node_tls_options tls;
  // Read before parsing (see argument_sources.hpp); kept so --help shows it.
  std::string config_file;
};

int run_node(const node_options& opts) {
  if (!check_llm_options(opts.llm) || !check_node_tls_options(opts.tls))
    return exit_bad_input;
  // Before CAF starts its threads: only sigwait below sees them.
  auto stop_signals = block_stop_signals();
  caf::actor_system_config cfg;
  register_message_types(cfg);
  configure_scheduler(cfg);
  configure_node_network(cfg);
  configure_node_tls(cfg, opts.tls);
  caf::actor_system sys{cfg};
  config settings;
  apply_llm_options(opts.llm, settings);
  settings.verbose = opts.verbose;
  settings.log_clients = true;
  settings.client_directory
    = caf::actor_cast<caf::actor>(sys.middleman().actor_handle());
  auto service = spawn_scoring_service(sys, settings, make_backend(opts.llm));
  auto shown_host = scoring::escape_for_display(opts.host, 80);
  auto port = publish_service(sys, service, opts.host, opts.port, opts.tls);
  if (!port) {
    std::cerr << "grader: cannot listen on " << shown_host << ':' << opts.port
              << ": " << sys.render(port.error()) << '\n';
    caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
    return exit_bad_input;
  }
  std::cerr << "grader node listening on " << shown_host << ':' << *port
            << " (concurrency " << settings.max_in_flight
            << (opts.tls.enabled() ? ", TLS" : "") << ")\n";
  // Whole or absent, so a waiting script never reads half a port.
  if (!opts.port_file.empty()) {
    auto error = write_file_atomically(opts.port_file,
                                       std::to_string(*port) + '\n');
    if (!error.empty()) {
      std::cerr << "grader: " << error << '\n';
      caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
      return exit_internal_error;
    }
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  // No new client, no new batch; the batches under way end by their
  // deadlines. A second signal ends the node at once: their clients then
  // give the answers to other nodes.
  sys.middleman().unpublish(service, *port);
  std::cerr << "grader node stopping: finishing the batches under way "
               "(signal again to stop at once)\n";
  std::thread impatient{[stop_signals] {
    int again = 0;
    sigwait(&stop_signals, &again);
    std::cerr << "grader node stopped at once\n";
    std::_Exit(exit_cancelled);
  }};
  impatient.detach();
  caf::scoped_actor self{sys};
  self->request(service, caf::infinite, drain_atom_v)
    .receive(
      [](uint64_t batches) {
        std::cerr << "grader node stopped; " << batches
                  << " batches were finished first\n";
      },
      [&](caf::error& err) {
        std::cerr << "grader node stopped: " << sys.render(err) << '\n';
      });
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  return exit_ok;
}

} // namespace

void add_node_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<node_options>();
  auto* cmd = app.add_subcommand(
    "node", "Publish a scoring service for `grader score --remote` and for "
            "host applications on other machines, until Ctrl-C.");
  // Settings from a config file and the environment come first on the
  // command line, as for `grader score`: the last value of an option wins.
  cmd->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--host", opts->host, "Address to listen on")
    ->capture_default_str();
  cmd->add_option("--port", opts->port, "Port; 0 picks a free one")
    ->capture_default_str();
  cmd->add_option("--port-file", opts->port_file,
                  "Write the port to this file once listening");
  cmd->add_flag("--verbose", opts->verbose,
                "Log batch, circuit-breaker and rate-limit events on stderr");
  add_llm_options(*cmd, opts->llm);
  add_node_tls_options(*cmd, opts->tls);
  cmd->add_option("--config", opts->config_file,
                  "Read settings from this TOML/INI file (name = value, names "
                  "as the long options); flags and the environment win over "
                  "it");
  cmd->footer("Settings: a flag beats the environment (GRADER_LLM_URL, "
              "OPENAI_BASE_URL, GRADER_MODEL, the API key variable), which "
              "beats --config, which beats the defaults.");
  cmd->callback([opts, &result] { result = run_node(*opts); });
}

} // namespace grader::app
