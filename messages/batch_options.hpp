#pragma once

#include <cstdint>

#include "messages/call_limits.hpp"
#include "messages/call_place.hpp"

namespace grader {

/// Per-batch settings a requester may give; a zero means "the service's
/// default" (see grader::config).
struct batch_options {
  /// Time one answer may take, all its calls included, before it gets a
  /// fallback result.
  uint32_t answer_timeout_ms = 0;
  /// Time the whole batch may take; unfinished answers then get fallback
  /// results and the reply goes out at once.
  uint32_t deadline_ms = 0;
  /// Most scorers alive at once. 1 scores one answer at a time (the
  /// sequential baseline of the benchmarks).
  uint32_t max_live_scorers = 0;
  /// Whether every answer gets an explanation.
  bool explain = true;
  /// Interactive batches have their LLM calls admitted before bulk ones;
  /// batches of one priority take turns.
  batch_priority priority = batch_priority::interactive;
  /// Limits of the batch's own on its LLM calls, beside the service's: a
  /// share of an API key's. Batches of one requester with the same session
  /// id share them (the chunks a remote client sends a node do), the latest
  /// batch's limits holding for all.
  call_limits limits;

  friend bool operator==(const batch_options& x, const batch_options& y) {
    return x.answer_timeout_ms == y.answer_timeout_ms
           && x.deadline_ms == y.deadline_ms
           && x.max_live_scorers == y.max_live_scorers && x.explain == y.explain
           && x.priority == y.priority && x.limits == y.limits;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_options& x) {
  return f(x.answer_timeout_ms, x.deadline_ms, x.max_live_scorers, x.explain,
           x.priority, x.limits);
}

} // namespace grader
