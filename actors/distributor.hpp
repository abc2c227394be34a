#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/config.hpp"

namespace grader {

/// A scoring service on another node, as a client sees it.
struct remote_node {
  scoring_service_actor service;
  /// How many LLM calls it keeps in flight: it gets work in proportion.
  uint32_t capacity = 1;
  /// `host:port`, for messages.
  std::string name;
  /// What judges its answers (see batch_metrics::llm).
  std::string llm;
  /// The settings it judges with (see batch_metrics::judge).
  judge_settings judge;
};

/// State of the distributor of one batch.
struct distributor_state {
  static inline const char* name = "distributor";

  /// The clock of the time points kept here (the actor system's, see
  /// batch_coordinator_state).
  using clock = std::chrono::steady_clock;

  /// Part of the batch out on one node.
  struct chunk {
    size_t node = 0;
    /// Positions in `batch.answers`.
    std::vector<size_t> answers;
  };

  std::vector<remote_node> nodes;
  /// For `verbose`: a line on stderr for each node lost, and one for each
  /// node's share when the batch ends.
  config settings;
  /// Whether each node is still in use: a node that died, hung or did not
  /// reply in time gets no more work.
  std::vector<bool> usable;
  /// Chunks out on each node.
  std::vector<uint32_t> chunks_out;
  /// Unsettled answers out on each node.
  std::vector<uint32_t> assigned;
  /// Answers each node settled, for the log of how the work spread.
  std::vector<uint32_t> settled_by;
  /// The node each answer is out on; `nowhere` when it waits or is settled.
  std::vector<size_t> owner;
  static constexpr size_t nowhere = static_cast<size_t>(-1);
  batch_request batch;
  progress_listeners listeners;
  /// Positions in `batch.answers` by answer index, for the events and
  /// results that come back from the nodes.
  std::unordered_map<uint64_t, size_t> position;
  /// Outcome of each answer, the first to come back; filled exactly once.
  std::vector<std::optional<answer_outcome>> outcomes;
  size_t unfinished = 0;
  /// Answers waiting for a node, oldest first; settled ones are skipped.
  std::vector<size_t> waiting;
  size_t next_waiting = 0;
  /// Chunks out, by id.
  std::map<uint64_t, chunk> out;
  uint64_t next_chunk = 0;
  /// When each answer was last handed to a node, for its latency.
  std::vector<clock::time_point> handed_out;
  std::vector<uint64_t> latencies_ms;
  clock::time_point received;
  clock::time_point deadline;
  /// What judged the answers: what the first node said it judges with,
  /// else the first chunk's metrics.
  std::string llm;
  judge_settings judge;
  /// Counts for progress events (rejected items included).
  progress_counts counts;
  caf::typed_response_promise<batch_result> reply;
  bool replied = false;
};

using distributor_pointer
  = distributor_actor::stateful_pointer<distributor_state>;

/// Scores one batch on several nodes, replies exactly once, then quits. It
/// hands the answers out in chunks on demand: each node holds about a
/// quarter more unsettled answers than its capacity, topped up in chunks of
/// a quarter of it as its answers settle, so every slot stays busy, a slow
/// node gets less, and the nodes run out of work together. It monitors every
/// node; a node that dies, hangs (heartbeats, see apps/grader/remote_nodes) or
/// does not reply by the deadline loses its unfinished answers to the
/// others, and an answer that comes back twice is taken once. With no node
/// left the unfinished answers fail with ec::node_lost. The nodes send
/// their events to it; it passes each answer's first on to the listeners
/// with the counts of the whole batch.
distributor_actor::behavior_type distributor(distributor_pointer self,
                                             std::vector<remote_node> nodes,
                                             config settings);

} // namespace grader
