#pragma once

/// grader across nodes, for a host application: the CAF network settings
/// every grader node and client share. A host that reaches a `grader node`
/// with `remote_actor` calls configure_node_network on its configuration,
/// links CAF's io module (`CAF::io`), and talks to the node's
/// `grader::scoring_service_actor` as to an in-process service
/// (apps/embed_example/remote_main.cpp).

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

namespace grader {

/// Names the protocol in the handshake (`middleman.app-identifiers`): a
/// node and a client of different versions refuse each other. Raised with
/// every change to a message that crosses nodes (messages/, their inspect
/// overloads): CAF 0.17 would otherwise read one version's bytes as the
/// other's fields. 2: rubrics, structured-output and cost metrics. 3: the
/// capacity reply carries the node's judge settings.
inline constexpr const char* node_protocol = "grader-node-3";

/// How often connected nodes and clients tell each other they are alive,
/// and how long without a word means the other is gone (CAF 0.17 checks
/// nothing by default: a hung peer would never be noticed).
inline constexpr auto heartbeat_interval = std::chrono::milliseconds{500};
inline constexpr auto connection_timeout = std::chrono::milliseconds{2000};

/// Loads CAF's middleman into `cfg` with heartbeats on and grader's
/// protocol named. Call it before the actor system starts.
inline void configure_node_network(caf::actor_system_config& cfg) {
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.heartbeat-interval", caf::timespan{heartbeat_interval});
  cfg.set("middleman.connection-timeout", caf::timespan{connection_timeout});
  cfg.set("middleman.app-identifiers", std::vector<std::string>{node_protocol});
}

} // namespace grader
