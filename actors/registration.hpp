#pragma once

#include <caf/fwd.hpp>

namespace grader {

/// Makes grader's message types and error category known to an actor
/// system. Call it on the configuration of every process that runs grader
/// actors or talks to them, before the actor system starts; a host
/// application embedding grader calls this and nothing else.
void register_message_types(caf::actor_system_config& cfg);

/// Sizes CAF's scheduler for grader's load, a host may call it too: one
/// worker per core (CAF 0.17 starts at least four), and a worker that runs
/// out of work sleeps until work arrives instead of waking every 50 us for
/// 25 ms to look. grader's workers mostly wait for LLM replies, and that
/// polling took CPU from the HTTP client's thread: without it, `grader
/// score` on 10,000 short answers uses about a sixth less CPU
/// (bench/NOTES.md).
void configure_scheduler(caf::actor_system_config& cfg);

} // namespace grader
