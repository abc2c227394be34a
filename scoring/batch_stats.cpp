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

batch_stats summarize(const std::vector<grade>& grades, uint64_t failed_count) {
  batch_stats result;
  result.successful_count = grades.size();
  result.failed_count = failed_count;
  result.total_count = result.successful_count + failed_count;
  int64_t score_sum = 0;
  for (const auto& g : grades) {
    score_sum += g.score;
    if (g.is_correct)
      ++result.correct_count;
    if (g.by == graded_by::fallback)
      ++result.fallback_count;
    if (g.needs_review)
      ++result.needs_review_count;
  }
  if (result.successful_count > 0) {
    auto n = static_cast<double>(result.successful_count);
    result.average_score = static_cast<double>(score_sum) / n;
    result.correct_rate = static_cast<double>(result.correct_count) / n;
  }
  return result;
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
