#pragma once

#include <caf/fwd.hpp>

namespace grader {

/// Makes grader's message types and error category known to an actor
/// system. Call it on the configuration of every process that runs grader
/// actors or talks to them, before the actor system starts; a host
/// application embedding grader calls this and nothing else.
void register_message_types(caf::actor_system_config& cfg);

} // namespace grader
