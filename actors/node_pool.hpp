#pragma once

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/distributor.hpp"
#include "actors/drain.hpp"

namespace grader {

/// State of the node pool.
struct node_pool_state {
  static inline const char* name = "node_pool";

  std::vector<remote_node> nodes;
  /// The deadline of a batch that names none, and whether to log.
  config settings;
  /// Distributors at work, by session id, so a requester can cancel.
  std::multimap<std::string, distributor_actor> running;
  /// Source of session ids for batches that come without one.
  std::mt19937_64 random;
  /// Set once it stops taking batches (drain_atom).
  drain stopping;
};

using node_pool_pointer
  = scoring_service_actor::stateful_pointer<node_pool_state>;

/// A scoring service made of the services of other nodes: the client side
/// of `grader score --remote`, and what a host holds to score on several
/// nodes as it would in-process. It spawns a distributor per batch (see
/// actors/distributor.hpp); its capacity is the sum of the nodes', and
/// its counters are theirs added up. Of `settings` it uses the deadline
/// (of a batch that names none) and `verbose` (a line on stderr for each
/// node lost).
scoring_service_actor::behavior_type node_pool(node_pool_pointer self,
                                               std::vector<remote_node> nodes,
                                               config settings);

/// Spawns a node pool into `sys`; the host stops it with `anon_send_exit`
/// before the system ends.
scoring_service_actor spawn_node_pool(caf::actor_system& sys,
                                      std::vector<remote_node> nodes,
                                      config settings = {});

} // namespace grader
