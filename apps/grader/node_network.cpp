#include "apps/grader/node_network.hpp"

#include <charconv>
#include <iostream>
#include <sstream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/error.hpp"
#include "scoring/display_text.hpp"

namespace grader::app {

namespace {

// How long a node may take to say its capacity once connected.
constexpr auto capacity_timeout = std::chrono::seconds{3};

} // namespace

bool parse_node_address(const std::string& text, std::string& host,
                        uint16_t& port, std::string& problem) {
  auto colon = text.rfind(':');
  auto shown = scoring::escape_for_display(text, 80);
  if (colon == std::string::npos || colon == 0) {
    problem = "--remote: '" + shown + "' is not HOST:PORT";
    return false;
  }
  host = text.substr(0, colon);
  auto digits = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                   value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0
      || value > 65535) {
    problem = "--remote: '" + shown + "' has no port number from 1 to 65535";
    return false;
  }
  port = static_cast<uint16_t>(value);
  return true;
}

namespace {

// Why `remote_actor` failed, in words a user can act on.
std::string unreachable_text(caf::actor_system& sys, const caf::error& err) {
  if (err == caf::sec::incompatible_application_ids)
    return std::string{"it speaks another protocol than this client ("}
           + node_protocol + "): run the same grader version on both";
  if (err == caf::sec::unexpected_actor_messaging_interface)
    return "it offers another scoring interface than this client knows: "
           "run the same grader version on both";
  if (err == caf::sec::cannot_connect_to_node)
    return "nothing accepts connections there";
  if (err == caf::sec::disconnect_during_handshake)
    return "it closed the connection in the handshake: TLS on one side "
           "only, or a certificate the other side does not trust "
           "(--tls-cert, --tls-key, --tls-ca)";
  return sys.render(err);
}

} // namespace

std::vector<remote_node>
connect_nodes(caf::actor_system& sys, const std::string& addresses,
              const node_tls_options& tls, std::vector<std::string>& problems) {
  std::vector<remote_node> nodes;
  caf::scoped_actor self{sys};
  std::istringstream list{addresses};
  std::string address;
  while (std::getline(list, address, ',')) {
    std::string host;
    uint16_t port = 0;
    std::string problem;
    if (!parse_node_address(address, host, port, problem)) {
      problems.push_back(problem);
      continue;
    }
    auto shown = scoring::escape_for_display(address, 80);
    auto service
      = tls.enabled()
          ? caf::openssl::remote_actor<scoring_service_actor>(sys, host, port)
          : sys.middleman().remote_actor<scoring_service_actor>(host, port);
    if (!service) {
      problems.push_back("cannot reach node " + shown + ": "
                         + unreachable_text(sys, service.error()));
      continue;
    }
    self->request(*service, capacity_timeout, capacity_atom_v)
      .receive(
        [&](uint32_t capacity, std::string& llm, judge_settings& judge) {
          nodes.push_back(
            remote_node{*service, capacity, address, llm, std::move(judge)});
        },
        [&](caf::error& err) {
          problems.push_back("node " + shown
                             + " did not say its capacity: " + sys.render(err));
        });
  }
  return nodes;
}

caf::expected<uint16_t> publish_service(caf::actor_system& sys,
                                        const scoring_service_actor& service,
                                        const std::string& host, uint16_t port,
                                        const node_tls_options& tls) {
  if (tls.enabled())
    return caf::openssl::publish(service, port, host.c_str(), true);
  return sys.middleman().publish(service, port, host.c_str(), true);
}

void add_node_tls_options(CLI::App& cmd, node_tls_options& opts) {
  auto* tls = "TLS between nodes and clients";
  cmd.add_option("--tls-cert", opts.cert, "PEM certificate of this side")
    ->check(CLI::ExistingFile)
    ->group(tls);
  cmd.add_option("--tls-key", opts.key, "PEM private key of this side")
    ->check(CLI::ExistingFile)
    ->group(tls);
  cmd
    .add_option("--tls-ca", opts.ca,
                "PEM certificate of the CA the other side's certificate "
                "must be signed by")
    ->check(CLI::ExistingFile)
    ->group(tls);
}

bool check_node_tls_options(const node_tls_options& opts) {
  auto given = int{!opts.cert.empty()} + int{!opts.key.empty()}
               + int{!opts.ca.empty()};
  if (given == 0 || given == 3)
    return true;
  std::cerr << "grader: --tls-cert, --tls-key and --tls-ca go together\n";
  return false;
}

void configure_node_tls(caf::actor_system_config& cfg,
                        const node_tls_options& opts) {
  if (!opts.enabled())
    return;
  cfg.load<caf::openssl::manager>();
  cfg.set("openssl.certificate", opts.cert);
  cfg.set("openssl.key", opts.key);
  cfg.set("openssl.cafile", opts.ca);
}

} // namespace grader::app
