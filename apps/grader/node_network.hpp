#pragma once

// What `grader node` and `grader score --remote` share: CAF's network layer
// set up the same way on both sides, and the client's connection to its
// nodes.

#include <chrono>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/distributor.hpp"

namespace grader::app {

/// Names the protocol in the handshake (`middleman.app-identifiers`): a
/// node and a client of different versions refuse each other.
inline constexpr const char* node_protocol = "grader-node-1";

/// How often connected nodes and clients tell each other they are alive,
/// and how long without a word means the other is gone (CAF 0.17 checks
/// nothing by default: a hung peer would never be noticed).
inline constexpr auto heartbeat_interval = std::chrono::milliseconds{500};
inline constexpr auto connection_timeout = std::chrono::milliseconds{2000};

/// Loads CAF's middleman into `cfg` with heartbeats on and grader's
/// protocol named.
void configure_node_network(caf::actor_system_config& cfg);

/// Connects to the nodes of `addresses` (`HOST:PORT`, comma-separated) and
/// asks each its capacity. A node that cannot be reached, or an address
/// that is none, is reported on stderr and left out.
std::vector<remote_node> connect_nodes(caf::actor_system& sys,
                                       const std::string& addresses);

/// Splits `HOST:PORT`; false after a line on stderr when it is not one.
bool parse_node_address(const std::string& text, std::string& host,
                        uint16_t& port);

} // namespace grader::app
