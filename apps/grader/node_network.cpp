#include "apps/grader/node_network.hpp"

#include <charconv>
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
  return sys.render(err);
}

} // namespace

std::vector<remote_node> connect_nodes(caf::actor_system& sys,
                                       const std::string& addresses,
                                       std::vector<std::string>& problems) {
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
    auto service = sys.middleman().remote_actor<scoring_service_actor>(host,
                                                                       port);
    if (!service) {
      problems.push_back("cannot reach node " + shown + ": "
                         + unreachable_text(sys, service.error()));
      continue;
    }
    self->request(*service, capacity_timeout, capacity_atom_v)
      .receive(
        [&](uint32_t capacity) {
          nodes.push_back(remote_node{*service, capacity, address});
        },
        [&](caf::error& err) {
          problems.push_back("node " + shown
                             + " did not say its capacity: " + sys.render(err));
        });
  }
  return nodes;
}

} // namespace grader::app
