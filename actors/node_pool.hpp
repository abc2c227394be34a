#pragma once

#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "actors/actors.hpp"
#include "actors/distributor.hpp"

namespace grader {

/// State of the node pool.
struct node_pool_state {
  static inline const char* name = "node_pool";

  std::vector<remote_node> nodes;
  /// The deadline of a batch that names none.
  std::chrono::milliseconds deadline{120'000};
  /// Distributors at work, by session id, so a requester can cancel.
  std::multimap<std::string, distributor_actor> running;
  /// Source of session ids for batches that come without one.
  std::mt19937_64 random;
};

using node_pool_pointer
  = scoring_service_actor::stateful_pointer<node_pool_state>;

/// A scoring service made of the services of other nodes: the client side
/// of `grader score --remote`, and what a host holds to score on several
/// nodes as it would in-process. It spawns a distributor per batch (see
/// actors/distributor.hpp); its capacity is the sum of the nodes', and
/// its counters are theirs added up. `deadline` is the deadline of a batch
/// that names none.
scoring_service_actor::behavior_type
node_pool(node_pool_pointer self, std::vector<remote_node> nodes,
          std::chrono::milliseconds deadline);

} // namespace grader
