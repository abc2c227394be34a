#pragma once

#include <string>
#include <vector>

#include "messages/answer.hpp"
#include "messages/batch_options.hpp"
#include "messages/score_failure.hpp"

namespace grader {

/// A batch of answers to score, as a requester sends it to the scoring
/// service. Every item, answer or rejected one, carries its position in the
/// batch (`index`), and no two share one. A reader of a batch file that
/// meets an item it cannot turn into an answer puts it under `rejected`, so
/// that the item is still reported in the result at its place. A part of a
/// batch (the answers left to score on resume, say) keeps the positions of
/// the whole.
struct batch_request {
  /// Echoed in every result; the service makes one up when empty.
  std::string session_id;
  std::vector<answer> answers;
  /// Items already known to fail, with their positions in the batch.
  std::vector<score_failure> rejected;
  batch_options options;

  friend bool operator==(const batch_request& x, const batch_request& y) {
    return x.session_id == y.session_id && x.answers == y.answers
           && x.rejected == y.rejected && x.options == y.options;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_request& x) {
  return f(x.session_id, x.answers, x.rejected, x.options);
}

} // namespace grader
