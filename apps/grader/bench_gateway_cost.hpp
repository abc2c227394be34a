#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

namespace grader::app {

/// A load of chat calls for the gateway-cost scenario: `calls` score
/// prompts, all different, sent to the judge server at `url` with
/// `concurrency` of them kept in flight.
struct call_load {
  std::string url;
  uint64_t calls = 0;
  uint32_t concurrency = 0;
};

/// How each call of a load went.
struct call_timings {
  /// Round trip of each call in milliseconds, in the order they were sent.
  std::vector<double> round_trip_ms;
  /// From the first call sent to the last reply.
  double seconds = 0;
  /// Calls that got no reply (an error, or none in time).
  uint64_t failures = 0;
  /// Set when the load could not be run to its end.
  std::string error;
};

/// Sends the load straight to an llm_gateway actor spawned into `sys`
/// (an in-flight limit of the load's concurrency, over the net/ client),
/// from a requester actor that sends the next call as each reply comes,
/// as scorers do (`chat_atom, request, place`).
call_timings time_gateway_calls(caf::actor_system& sys, const call_load& load);

/// Makes the same calls with the net/ OpenAI client alone, no actor: the
/// baseline that shows the gateway's share.
call_timings time_direct_calls(const call_load& load);

/// The `fraction` quantile (0.5 for the median) of the round trips after
/// the first `skip` calls, less `latency_ms`: the time the path added to
/// the judge's own.
double added_ms(const call_timings& x, size_t skip, double fraction,
                double latency_ms);

} // namespace grader::app
