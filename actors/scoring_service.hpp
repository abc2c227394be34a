#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>
#include <caf/node_id.hpp>

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/drain.hpp"
#include "actors/scorer.hpp"

namespace grader::net {
class chat_backend;
} // namespace grader::net

namespace grader {

/// State of the scoring service.
struct scoring_service_state {
  static inline const char* name = "scoring_service";

  /// Settings every batch starts from.
  config settings;
  /// The LLM gateway shared by all batches; linked, so it ends with the
  /// service.
  llm_gateway_actor gateway;
  /// How coordinators spawn scorers.
  scorer_factory make_scorer;
  /// Batches received so far.
  uint64_t batches = 0;
  /// A batch at work: its coordinator, the node it came from, and the
  /// gateway's group of limits its calls wait in (0: none).
  struct running_batch {
    batch_coordinator_actor coordinator;
    caf::node_id from;
    uint64_t limits_group = 0;
  };
  /// Batches at work, by session id (empty when the batch came without
  /// one), so a requester can cancel its batch, a client that goes takes
  /// its batches with it, and the service can end them all when it ends.
  std::multimap<std::string, running_batch> running;
  /// The gateway's groups of limits, by the requester's node and session
  /// id of the batches that share them (see batch_options::limits).
  std::map<std::pair<caf::node_id, std::string>, uint64_t> limits_groups;
  uint64_t next_limits_group = 1;
  /// Clients on other nodes, monitored, by address.
  struct client {
    caf::node_id node;
    /// For the log: the address it connects from, once known, else its
    /// node id.
    std::string name;
  };
  std::map<caf::actor_addr, client> clients;
  /// Set once it stops taking batches (drain_atom).
  drain stopping;
};

using scoring_service_pointer
  = scoring_service_actor::stateful_pointer<scoring_service_state>;

/// The entry actor: hands each batch to a coordinator of its own, which
/// answers the requester directly; `cancel` with a session id cancels the
/// batches of that session. Spawns the LLM gateway for `backend`;
/// `make_scorer`, when given, replaces the scorers that use it (tests
/// inject faults that way).
scoring_service_actor::behavior_type
scoring_service(scoring_service_pointer self, config settings,
                std::shared_ptr<net::chat_backend> backend,
                scorer_factory make_scorer);

/// Spawns a scoring service into a host's actor system, judging short
/// answers and writing explanations with `backend` (the built-in judge when
/// null). The host owns the system; stop the service with `anon_send_exit`
/// before the system ends.
scoring_service_actor
spawn_scoring_service(caf::actor_system& sys, config settings,
                      std::shared_ptr<net::chat_backend> backend = nullptr);

/// The same with scorers from `make_scorer`, for tests.
scoring_service_actor spawn_scoring_service(caf::actor_system& sys,
                                            config settings,
                                            scorer_factory make_scorer);

} // namespace grader
