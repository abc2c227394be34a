#pragma once

#include <cstdint>

#include <caf/fwd.hpp>

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/scorer.hpp"

namespace grader {

/// State of the scoring service.
struct scoring_service_state {
  static inline const char* name = "scoring_service";

  /// Settings every batch starts from.
  config settings;
  /// How coordinators spawn scorers.
  scorer_factory make_scorer;
  /// Batches received so far.
  uint64_t batches = 0;
};

using scoring_service_pointer
  = scoring_service_actor::stateful_pointer<scoring_service_state>;

/// The entry actor: hands each batch to a coordinator of its own, which
/// answers the requester directly.
scoring_service_actor::behavior_type
scoring_service(scoring_service_pointer self, config settings,
                scorer_factory make_scorer);

/// Spawns a scoring service into a host's actor system. The host owns the
/// system; stop the service with `anon_send_exit` before the system ends.
scoring_service_actor spawn_scoring_service(caf::actor_system& sys,
                                            config settings,
                                            scorer_factory make_scorer
                                            = spawn_scorer);

} // namespace grader
