#pragma once

// The invariant every batch result keeps, checked the same way everywhere.

#include <algorithm>
#include <vector>

#include <catch2/catch.hpp>

#include "messages/batch_result.hpp"
#include "scoring/batch_stats.hpp"

namespace grader::test {

/// Checks that `x` accounts for positions 0..total-1 exactly once each,
/// each list in index order, with the statistics of its outcomes.
inline void check_every_answer_once(const batch_result& x, size_t total) {
  std::vector<uint64_t> seen;
  for (const auto& result : x.results)
    seen.push_back(result.index);
  for (const auto& failure : x.failures)
    seen.push_back(failure.index);
  REQUIRE(seen.size() == total);
  std::sort(seen.begin(), seen.end());
  for (size_t i = 0; i < total; ++i)
    REQUIRE(seen[i] == i);
  auto by_index = [](const auto& a, const auto& b) { return a.index < b.index; };
  CHECK(std::is_sorted(x.results.begin(), x.results.end(), by_index));
  CHECK(std::is_sorted(x.failures.begin(), x.failures.end(), by_index));
  std::vector<scoring::grade> grades;
  for (const auto& result : x.results)
    grades.push_back(result.verdict);
  CHECK(x.stats == scoring::summarize(grades, x.failures.size()));
  CHECK(x.stats.total_count == total);
}

} // namespace grader::test
