#include "scoring/batch_stats.hpp"

#include <algorithm>

namespace grader::scoring {

namespace {

// Nearest rank: the smallest value with at least `percent` % of the values
// at or below it. Integer arithmetic avoids 0.95 * n landing just above a
// whole number. Expects `sorted` not empty.
uint64_t percentile(const std::vector<uint64_t>& sorted, uint64_t percent) {
  auto n = static_cast<uint64_t>(sorted.size());
  auto rank = (percent * n + 99) / 100; // ceil(percent / 100 * n)
  auto index = std::clamp<uint64_t>(rank, 1, n) - 1;
  return sorted[index];
}

} // namespace

void stats_tally::add(const grade& g) {
  ++counts_.successful_count;
  score_sum_ += g.score;
  if (g.is_correct)
    ++counts_.correct_count;
  if (g.by == graded_by::fallback)
    ++counts_.fallback_count;
  if (g.needs_review)
    ++counts_.needs_review_count;
}

batch_stats stats_tally::finish(uint64_t failed_count) const {
  auto result = counts_;
  result.failed_count = failed_count;
  result.total_count = result.successful_count + failed_count;
  if (result.successful_count > 0) {
    auto n = static_cast<double>(result.successful_count);
    result.average_score = static_cast<double>(score_sum_) / n;
    result.correct_rate = static_cast<double>(result.correct_count) / n;
  }
  return result;
}

batch_stats summarize(const std::vector<grade>& grades, uint64_t failed_count) {
  stats_tally tally;
  for (const auto& g : grades)
    tally.add(g);
  return tally.finish(failed_count);
}

latency_summary summarize_latencies(std::vector<uint64_t> latencies_ms) {
  latency_summary result;
  if (latencies_ms.empty())
    return result;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  result.p50_ms = percentile(latencies_ms, 50);
  result.p95_ms = percentile(latencies_ms, 95);
  result.max_ms = latencies_ms.back();
  return result;
}

} // namespace grader::scoring
