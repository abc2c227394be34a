#include "messages/batch_result.hpp"

#include <algorithm>
#include <utility>

#include "scoring/batch_stats.hpp"

namespace grader {

batch_result make_batch_result(std::string session_id,
                               std::vector<answer_outcome> outcomes,
                               batch_metrics metrics) {
  std::stable_sort(outcomes.begin(), outcomes.end(),
                   [](const answer_outcome& x, const answer_outcome& y) {
                     return index_of(x) < index_of(y);
                   });
  batch_result out;
  out.session_id = std::move(session_id);
  out.metrics = std::move(metrics);
  std::vector<grade> grades;
  for (auto& outcome : outcomes) {
    if (auto* result = std::get_if<score_result>(&outcome)) {
      grades.push_back(result->verdict);
      out.results.push_back(std::move(*result));
    } else {
      out.failures.push_back(std::get<score_failure>(std::move(outcome)));
    }
  }
  out.stats = scoring::summarize(grades, out.failures.size());
  return out;
}

} // namespace grader
