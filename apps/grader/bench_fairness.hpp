#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/fwd.hpp>

#include "messages/batch_result.hpp"

namespace grader::app {

/// The fairness scenario: a big bulk batch on a scoring service, and a
/// small interactive one sent to the same service while it runs.
struct fairness_load {
  /// The judge server's base URL.
  std::string url;
  size_t big_answers = 0;
  size_t small_answers = 0;
  /// The service's LLM calls in flight at once.
  uint32_t concurrency = 0;
  /// How long after the big batch the small one is sent.
  std::chrono::milliseconds small_after{0};
};

/// What the two batches got, and their wall times from sending to reply.
struct fairness_outcome {
  batch_result big;
  batch_result small;
  double big_wall_ms = 0;
  double small_wall_ms = 0;
  /// Set when a batch got no result.
  std::string error;
};

/// Spawns one scoring service into `sys` with the judge server as its
/// LLM, sends the big batch (priority bulk), then after `small_after` the
/// small one (priority interactive), and waits for both results.
fairness_outcome run_fairness(caf::actor_system& sys,
                              const fairness_load& load);

} // namespace grader::app
