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

batch_result
assemble_batch_result(std::string session_id,
                      std::vector<score_failure> rejected,
                      std::vector<std::optional<answer_outcome>>& outcomes,
                      const std::vector<uint64_t>& latencies_ms,
                      uint64_t wall_ms, const std::string& llm) {
  std::vector<answer_outcome> all;
  all.reserve(outcomes.size() + rejected.size());
  for (auto& item : rejected)
    all.emplace_back(std::move(item));
  llm_usage usage;
  for (auto& outcome : outcomes) {
    if (const auto* result = std::get_if<score_result>(&*outcome))
      usage += result->usage;
    all.push_back(std::move(*outcome));
  }
  batch_metrics metrics;
  auto latency = scoring::summarize_latencies(latencies_ms);
  metrics.wall_ms = wall_ms;
  metrics.p50_ms = latency.p50_ms;
  metrics.p95_ms = latency.p95_ms;
  metrics.max_ms = latency.max_ms;
  metrics.llm = llm.empty() ? "none" : llm;
  metrics.llm_calls = usage.calls;
  metrics.llm_retries = usage.retries;
  metrics.prompt_tokens = usage.prompt_tokens;
  metrics.completion_tokens = usage.completion_tokens;
  metrics.llm_error = usage.error;
  for (auto format : {response_format::text, response_format::json_object,
                      response_format::json_schema})
    if (usage.score_formats & (1u << static_cast<unsigned>(format))) {
      metrics.structured_output = std::string{to_string(format)};
      break;
    }
  metrics.structured_output_note = usage.format_note;
  return make_batch_result(std::move(session_id), std::move(all),
                           std::move(metrics));
}

void price(batch_metrics& metrics, const token_prices& prices) {
  metrics.prices = prices;
  metrics.cost = scoring::cost_of(prices, metrics.prompt_tokens,
                                  metrics.completion_tokens);
}

} // namespace grader
