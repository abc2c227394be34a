#include "apps/grader/node_network.hpp"

#include <charconv>
#include <iostream>
#include <sstream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "messages/error.hpp"
#include "scoring/display_text.hpp"

namespace grader::app {

namespace {

// How long a node may take to say its capacity once connected.
constexpr auto capacity_timeout = std::chrono::seconds{3};

} // namespace

void configure_node_network(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.heartbeat-interval", caf::timespan{heartbeat_interval});
  cfg.set("middleman.connection-timeout", caf::timespan{connection_timeout});
  cfg.set("middleman.app-identifiers", std::vector<std::string>{node_protocol});
}

bool parse_node_address(const std::string& text, std::string& host,
                        uint16_t& port) {
  auto colon = text.rfind(':');
  auto shown = scoring::escape_for_display(text, 80);
  if (colon == std::string::npos || colon == 0) {
    std::cerr << "grader: --remote: '" << shown << "' is not HOST:PORT\n";
    return false;
  }
  host = text.substr(0, colon);
  auto digits = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                   value);
  if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0
      || value > 65535) {
    std::cerr << "grader: --remote: '" << shown
              << "' has no port number from 1 to 65535\n";
    return false;
  }
  port = static_cast<uint16_t>(value);
  return true;
}

std::vector<remote_node> connect_nodes(caf::actor_system& sys,
                                       const std::string& addresses) {
  std::vector<remote_node> nodes;
  caf::scoped_actor self{sys};
  std::istringstream list{addresses};
  std::string address;
  while (std::getline(list, address, ',')) {
    std::string host;
    uint16_t port = 0;
    if (!parse_node_address(address, host, port))
      continue;
    auto shown = scoring::escape_for_display(address, 80);
    auto service = sys.middleman().remote_actor<scoring_service_actor>(host,
                                                                       port);
    if (!service) {
      std::cerr << "grader: cannot reach node " << shown << ": "
                << sys.render(service.error()) << '\n';
      continue;
    }
    self->request(*service, capacity_timeout, capacity_atom_v)
      .receive(
        [&](uint32_t capacity) {
          nodes.push_back(remote_node{*service, capacity, address});
        },
        [&](caf::error& err) {
          std::cerr << "grader: node " << shown
                    << " did not say its capacity: " << sys.render(err) << '\n';
        });
  }
  return nodes;
}

} // namespace grader::app
