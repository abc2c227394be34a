#include <catch2/catch.hpp>

#include "scoring/batch_stats.hpp"

using namespace grader::scoring;

namespace {

grade scored(int32_t score, graded_by by = graded_by::rules,
             bool needs_review = false) {
  grade g;
  g.score = score;
  g.is_correct = score >= correct_threshold;
  g.by = by;
  g.needs_review = needs_review;
  return g;
}

batch_stats make_stats(uint64_t total, uint64_t successful, uint64_t failed,
                       double average, uint64_t correct, double rate,
                       uint64_t fallbacks, uint64_t reviews) {
  batch_stats s;
  s.total_count = total;
  s.successful_count = successful;
  s.failed_count = failed;
  s.average_score = average;
  s.correct_count = correct;
  s.correct_rate = rate;
  s.fallback_count = fallbacks;
  s.needs_review_count = reviews;
  return s;
}

} // namespace

TEST_CASE("an empty batch has all-zero statistics", "[scoring]") {
  CHECK(summarize({}, 0) == batch_stats{});
}

TEST_CASE("a batch of only failures has zero average and rate", "[scoring]") {
  CHECK(summarize({}, 3) == make_stats(3, 0, 3, 0.0, 0, 0.0, 0, 0));
}

TEST_CASE("a batch of zero scores averages 0", "[scoring]") {
  CHECK(summarize({scored(0), scored(0)}, 0)
        == make_stats(2, 2, 0, 0.0, 0, 0.0, 0, 0));
}

TEST_CASE("a batch of full scores averages 100 with every answer correct",
          "[scoring]") {
  CHECK(summarize({scored(100), scored(100)}, 0)
        == make_stats(2, 2, 0, 100.0, 2, 1.0, 0, 0));
}

TEST_CASE("failures count in the total but not in the averages", "[scoring]") {
  auto stats = summarize({scored(100), scored(50), scored(0)}, 2);
  CHECK(stats == make_stats(5, 3, 2, 50.0, 1, 1 / 3.0, 0, 0));
  CHECK(stats.correct_rate == 1 / 3.0);
}

TEST_CASE("the average keeps fractions", "[scoring]") {
  auto stats = summarize({scored(100), scored(67), scored(0)}, 0);
  CHECK(stats.average_score == 167 / 3.0);
  CHECK(summarize({scored(1), scored(2)}, 0).average_score == 1.5);
}

TEST_CASE("the batch counts fallback grades and grades needing review",
          "[scoring]") {
  std::vector<grade> grades{
    scored(100, graded_by::llm),
    scored(67, graded_by::fallback, true),
    scored(80, graded_by::fallback, true),
    scored(0, graded_by::fallback),
    scored(90, graded_by::llm, true),
  };
  CHECK(summarize(grades, 1) == make_stats(6, 5, 1, 337 / 5.0, 3, 0.6, 3, 3));
}

TEST_CASE("latency percentiles of 1 to 100 ms use the nearest rank",
          "[scoring]") {
  std::vector<uint64_t> latencies;
  for (uint64_t ms = 100; ms >= 1; --ms)
    latencies.push_back(ms);
  auto summary = summarize_latencies(latencies);
  CHECK(summary.p50_ms == 50);
  CHECK(summary.p95_ms == 95);
  CHECK(summary.max_ms == 100);
}

TEST_CASE("latency percentiles round the rank up", "[scoring]") {
  auto summary = summarize_latencies({30, 10, 20});
  CHECK(summary.p50_ms == 20); // rank ceil(1.5) = 2
  CHECK(summary.p95_ms == 30); // rank ceil(2.85) = 3
  CHECK(summary.max_ms == 30);
  std::vector<uint64_t> twenty;
  for (uint64_t ms = 1; ms <= 20; ++ms)
    twenty.push_back(ms * 10);
  auto exact = summarize_latencies(twenty);
  CHECK(exact.p50_ms == 100); // rank 10
  CHECK(exact.p95_ms == 190); // rank 19, exactly
  CHECK(exact.max_ms == 200);
}

TEST_CASE("a single latency is every percentile", "[scoring]") {
  auto summary = summarize_latencies({7});
  CHECK(summary.p50_ms == 7);
  CHECK(summary.p95_ms == 7);
  CHECK(summary.max_ms == 7);
}

TEST_CASE("no latencies give all-zero percentiles", "[scoring]") {
  auto summary = summarize_latencies({});
  CHECK(summary.p50_ms == 0);
  CHECK(summary.p95_ms == 0);
  CHECK(summary.max_ms == 0);
}
