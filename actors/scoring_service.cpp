#include "actors/scoring_service.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/batch_coordinator.hpp"

namespace grader {

scoring_service_actor::behavior_type
scoring_service(scoring_service_pointer self, config settings,
                scorer_factory make_scorer) {
  self->state.settings = settings;
  self->state.make_scorer = std::move(make_scorer);
  return {
    [=](score_atom, batch_request& batch) {
      ++self->state.batches;
      auto coordinator = self->spawn(batch_coordinator, self->state.settings,
                                     self->state.make_scorer);
      return self->delegate(coordinator, score_atom_v, std::move(batch));
    },
  };
}

scoring_service_actor spawn_scoring_service(caf::actor_system& sys,
                                            config settings,
                                            scorer_factory make_scorer) {
  return sys.spawn(scoring_service, settings, std::move(make_scorer));
}

} // namespace grader
