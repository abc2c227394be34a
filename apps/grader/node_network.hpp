#pragma once

// The client side of `grader score --remote`: its connection to the nodes.
// Both sides set CAF's network layer up with grader::configure_node_network
// (grader/remote.hpp).

#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/distributor.hpp"
#include "grader/remote.hpp"

namespace grader::app {

/// Connects to the nodes of `addresses` (`HOST:PORT`, comma-separated) and
/// asks each its capacity. A node that cannot be reached, or an address
/// that is none, is left out with a line in `problems` saying why.
std::vector<remote_node> connect_nodes(caf::actor_system& sys,
                                       const std::string& addresses,
                                       std::vector<std::string>& problems);

/// Splits `HOST:PORT`; nothing but a line in `problem` when it is not one.
bool parse_node_address(const std::string& text, std::string& host,
                        uint16_t& port, std::string& problem);

} // namespace grader::app
