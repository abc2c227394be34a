#pragma once

#include <optional>
#include <string>
#include <vector>

#include "messages/answer_outcome.hpp"
#include "messages/batch_metrics.hpp"
#include "messages/grade.hpp"
#include "messages/score_failure.hpp"
#include "messages/score_result.hpp"

namespace grader {

/// The one reply to a batch_request. Every position of the batch appears
/// exactly once, in `results` or in `failures`, each list in input order.
struct batch_result {
  std::string session_id;
  std::vector<score_result> results;
  std::vector<score_failure> failures;
  batch_stats stats;
  batch_metrics metrics;

  friend bool operator==(const batch_result& x, const batch_result& y) {
    return x.session_id == y.session_id && x.results == y.results
           && x.failures == y.failures && x.stats == y.stats
           && x.metrics == y.metrics;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_result& x) {
  return f(x.session_id, x.results, x.failures, x.stats, x.metrics);
}

/// The result of a batch whose items came to `outcomes`, one per position
/// in any order: the results and the failures, each in index order, with
/// statistics over all of them. The coordinator, the merge of a resumed
/// batch and the reader of an earlier output all build theirs with it.
batch_result make_batch_result(std::string session_id,
                               std::vector<answer_outcome> outcomes,
                               batch_metrics metrics);

/// The result of a batch settled answer by answer, as a coordinator or a
/// distributor ends it: its `rejected` items, the outcome of each answer
/// (every one filled), and metrics from the answers' LLM use, their
/// latencies, the batch's wall time and what judged it (`llm`, "none" when
/// empty). The outcomes are moved out of `outcomes`, each of which stays
/// filled, so that late news of an answer still finds it settled.
batch_result
assemble_batch_result(std::string session_id,
                      std::vector<score_failure> rejected,
                      std::vector<std::optional<answer_outcome>>& outcomes,
                      const std::vector<uint64_t>& latencies_ms,
                      uint64_t wall_ms, const std::string& llm);

/// Records `prices` in `metrics` and the cost of its tokens at them.
void price(batch_metrics& metrics, const token_prices& prices);

} // namespace grader
