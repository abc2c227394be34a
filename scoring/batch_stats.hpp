#pragma once

#include <cstdint>
#include <vector>

#include "scoring/grade.hpp"

namespace grader::scoring {

/// Aggregate figures over one batch.
struct batch_stats {
  /// Every answer of the batch, scored or failed.
  uint64_t total_count = 0;
  uint64_t successful_count = 0;
  uint64_t failed_count = 0;
  /// Mean score of the successful answers; 0 when there are none.
  double average_score = 0;
  uint64_t correct_count = 0;
  /// correct_count / successful_count; 0 when nothing was scored.
  double correct_rate = 0;
  /// Successful answers graded by a fallback rule.
  uint64_t fallback_count = 0;
  /// Successful answers flagged for a person to review.
  uint64_t needs_review_count = 0;

  friend bool operator==(const batch_stats& x, const batch_stats& y) {
    return x.total_count == y.total_count
           && x.successful_count == y.successful_count
           && x.failed_count == y.failed_count
           && x.average_score == y.average_score
           && x.correct_count == y.correct_count
           && x.correct_rate == y.correct_rate
           && x.fallback_count == y.fallback_count
           && x.needs_review_count == y.needs_review_count;
  }
};

/// Adds up the statistics of a batch one grade at a time, so that a batch of
/// 100,000 results is summarized without a copy of its grades.
class stats_tally {
public:
  /// Counts one successful answer.
  void add(const grade& g);

  /// The statistics of the grades added and `failed_count` failures.
  batch_stats finish(uint64_t failed_count) const;

private:
  batch_stats counts_;
  int64_t score_sum_ = 0;
};

/// The statistics of a batch whose successes are `grades` and which had
/// `failed_count` failures.
batch_stats summarize(const std::vector<grade>& grades, uint64_t failed_count);

/// Latency percentiles of the answers of a batch, in milliseconds.
struct latency_summary {
  uint64_t p50_ms = 0;
  uint64_t p95_ms = 0;
  uint64_t max_ms = 0;
};

/// Nearest-rank percentiles of `latencies_ms`; all zero when it is empty.
latency_summary summarize_latencies(std::vector<uint64_t> latencies_ms);

} // namespace grader::scoring
