#pragma once

// The client side of `grader score --remote`: its connection to the nodes.
// Both sides set CAF's network layer up with grader::configure_node_network
// (grader/remote.hpp).

#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include <CLI/App.hpp>

#include "actors/distributor.hpp"
#include "grader/remote.hpp"

namespace grader::app {

/// TLS between nodes and clients (CAF's openssl module): this side's
/// certificate and key, and the CA whose certificates it trusts. All three
/// or none.
struct node_tls_options {
  std::string cert;
  std::string key;
  std::string ca;

  bool enabled() const {
    return !cert.empty();
  }
};

/// Adds `--tls-cert`, `--tls-key` and `--tls-ca` to `cmd`.
void add_node_tls_options(CLI::App& cmd, node_tls_options& opts);

/// Whether the three are given together; false after a line on stderr.
bool check_node_tls_options(const node_tls_options& opts);

/// Loads CAF's openssl module into `cfg` with the certificates of `opts`
/// (after configure_node_network), when TLS is on.
void configure_node_tls(caf::actor_system_config& cfg,
                        const node_tls_options& opts);

/// Connects to the nodes of `addresses` (`HOST:PORT`, comma-separated) and
/// asks each its capacity. A node that cannot be reached, or an address
/// that is none, is left out with a line in `problems` saying why.
std::vector<remote_node>
connect_nodes(caf::actor_system& sys, const std::string& addresses,
              const node_tls_options& tls, std::vector<std::string>& problems);

/// Publishes `service` at `host`:`port` (0: any free port), over TLS when
/// `tls` says so; the port, or why not.
caf::expected<uint16_t> publish_service(caf::actor_system& sys,
                                        const scoring_service_actor& service,
                                        const std::string& host, uint16_t port,
                                        const node_tls_options& tls);

/// Splits `HOST:PORT`; nothing but a line in `problem` when it is not one.
bool parse_node_address(const std::string& text, std::string& host,
                        uint16_t& port, std::string& problem);

} // namespace grader::app
