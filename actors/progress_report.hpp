#pragma once

#include <caf/send.hpp>

#include "actors/actors.hpp"

namespace grader {

/// Counts one more settled item of `batch` into `counts` and sends each of
/// `listeners` the event telling of it: what a coordinator and a
/// distributor do as each of their answers settles.
template <class Self>
void report_settled(Self* self, const progress_listeners& listeners,
                    progress_counts& counts, const batch_request& batch,
                    const answer_outcome& outcome) {
  counts.count(outcome);
  if (listeners.empty())
    return;
  auto event = counts.event(
    batch.session_id, batch.answers.size() + batch.rejected.size(), outcome);
  for (const auto& listener : listeners)
    self->send(listener, event);
}

} // namespace grader
