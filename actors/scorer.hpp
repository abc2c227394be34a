#pragma once

#include <exception>
#include <functional>
#include <string>

#include <caf/fwd.hpp>

#include "actors/actors.hpp"

namespace grader {

/// The scorer keeps no state: it scores one answer per life.
///
/// Multiple choice and true/false are decided by rules; short answers by the
/// keyword rule (graded_by fallback, flagged for review) until an LLM judge
/// is wired in. Every answer is validated first; an invalid one is replied
/// as an ec::invalid_answer error naming the fields.
scorer_actor::behavior_type scorer(scorer_actor::pointer self);

/// Spawns the scorer of one answer. Batch coordinators call one of these per
/// answer; tests pass their own to inject faults.
using scorer_factory = std::function<scorer_actor(caf::actor_system&)>;

/// The default scorer_factory: spawns `scorer`.
scorer_actor spawn_scorer(caf::actor_system& sys);

/// Turns an exception escaping a handler into the actor's exit reason, with
/// the exception's text, so the coordinator can report what went wrong.
caf::error exception_to_error(std::exception_ptr& ptr);

/// Wraps a grade into the result message of answer `x`, stamped with the
/// current time; with `explain`, adds the templated explanation.
score_result make_score_result(const std::string& session_id, uint64_t index,
                               const answer& x, grade verdict, bool explain);

} // namespace grader
