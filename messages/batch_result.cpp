#include "messages/batch_result.hpp"

#include <algorithm>
#include <utility>

#include "scoring/batch_stats.hpp"

namespace grader {

batch_result make_batch_result(std::string session_id,
                               std::vector<answer_outcome> outcomes,
                               batch_metrics metrics) {
  auto by_index = [](const answer_outcome& x, const answer_outcome& y) {
    return index_of(x) < index_of(y);
  };
  // Outcomes mostly come in order already; sorting them anyway would move
  // every result several times.
  if (!std::is_sorted(outcomes.begin(), outcomes.end(), by_index))
    std::stable_sort(outcomes.begin(), outcomes.end(), by_index);
  batch_result out;
  out.session_id = std::move(session_id);
  out.metrics = std::move(metrics);
  auto result_count = static_cast<size_t>(
    std::count_if(outcomes.begin(), outcomes.end(), [](const auto& x) {
      return std::holds_alternative<score_result>(x);
    }));
  out.results.reserve(result_count);
  out.failures.reserve(outcomes.size() - result_count);
  scoring::stats_tally tally;
  for (auto& outcome : outcomes) {
    if (auto* result = std::get_if<score_result>(&outcome)) {
      tally.add(result->verdict);
      out.results.push_back(std::move(*result));
    } else {
      out.failures.push_back(std::get<score_failure>(std::move(outcome)));
    }
  }
  out.stats = tally.finish(out.failures.size());
  return out;
}

} // namespace grader
