#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/config.hpp"
#include "actors/scorer.hpp"

namespace grader {

/// State of the coordinator of one batch.
struct batch_coordinator_state {
  static inline const char* name = "batch_coordinator";

  /// The clock of the time points kept here. They are read from the actor
  /// system's clock (`self->clock().now()`), whose time points are this
  /// clock's, so that tests on simulated time move them too.
  using clock = std::chrono::steady_clock;

  /// Service settings, with the batch's own options applied.
  config settings;
  scorer_factory make_scorer;
  /// The gateway's group of limits its answers' calls wait in; 0: none.
  uint64_t limits_group = 0;
  /// The batch as received; its rejected items are already failures.
  batch_request batch;
  /// Who follows the batch.
  progress_listeners listeners;
  /// Outcome of each answer, filled exactly once.
  std::vector<std::optional<answer_outcome>> outcomes;
  /// Answers still without an outcome.
  size_t unfinished = 0;
  /// The next answer to get a scorer.
  size_t next_to_spawn = 0;
  /// Scorers alive now, by address (down messages name only the address),
  /// with the answer each one scores.
  std::map<caf::actor_addr, std::pair<size_t, scorer_actor>> live;
  /// When each answer's scorer was spawned, for its latency.
  std::vector<clock::time_point> started;
  std::vector<uint64_t> latencies_ms;
  clock::time_point received;
  /// Counts for progress events (rejected items included).
  progress_counts counts;
  /// The requester's reply, delivered once.
  caf::typed_response_promise<batch_result> reply;
  bool replied = false;
  /// Source of attempt ids.
  std::mt19937_64 random;
};

using batch_coordinator_pointer
  = batch_coordinator_actor::stateful_pointer<batch_coordinator_state>;

/// Scores one batch with one scorer per answer, at most
/// `settings.max_live_scorers` alive at once. Each answer's result is
/// requested with the answer timeout (on expiry: a fallback result) and its
/// scorer is monitored (a scorer that dies becomes a failure, never a
/// hang). At the batch deadline every unfinished answer gets a fallback
/// result and the reply goes out at once; on `cancel` every unfinished
/// answer fails with ec::cancelled and the reply goes out at once. Sends a
/// batch_progress per settled item to each of the batch's listeners. Replies
/// exactly once, then quits; killed, it stops its scorers first. Its
/// answers' calls wait in the gateway's `limits_group` (0: none, see
/// call_place::group).
batch_coordinator_actor::behavior_type
batch_coordinator(batch_coordinator_pointer self, config settings,
                  scorer_factory make_scorer, uint64_t limits_group);

} // namespace grader
