#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "messages/answer.hpp"
#include "messages/batch_options.hpp"
#include "messages/score_failure.hpp"

namespace grader {

/// A batch of answers to score, as a requester sends it to the scoring
/// service. Positions in the batch count `answers` and `rejected` together:
/// each rejected item keeps its own index, and the answers take the
/// remaining indices in order. A reader of a batch file that meets an item
/// it cannot turn into an answer puts it under `rejected`, so that the item
/// is still reported in the result at its place.
struct batch_request {
  /// Echoed in every result; the service makes one up when empty.
  std::string session_id;
  std::vector<answer> answers;
  /// Items already known to fail, with their positions in the batch.
  std::vector<score_failure> rejected;
  batch_options options;
  /// Receives a batch_progress per settled answer; none when invalid.
  caf::actor progress;

  friend bool operator==(const batch_request& x, const batch_request& y) {
    return x.session_id == y.session_id && x.answers == y.answers
           && x.rejected == y.rejected && x.options == y.options
           && x.progress == y.progress;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_request& x) {
  return f(x.session_id, x.answers, x.rejected, x.options, x.progress);
}

} // namespace grader
