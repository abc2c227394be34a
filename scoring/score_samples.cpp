#include "scoring/score_samples.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace grader::scoring {

std::string_view to_string(score_reducer x) {
  switch (x) {
    case score_reducer::median:
      return "median";
    case score_reducer::mean:
      return "mean";
  }
  // Only reachable through a value cast from an out-of-range integer.
  return "unknown";
}

std::optional<score_reducer> parse_score_reducer(std::string_view name) {
  if (name == "median")
    return score_reducer::median;
  if (name == "mean")
    return score_reducer::mean;
  return std::nullopt;
}

int32_t reduce_scores(std::vector<int32_t> samples, score_reducer how) {
  if (samples.empty())
    return 0;
  if (how == score_reducer::mean) {
    auto sum = std::accumulate(samples.begin(), samples.end(), int64_t{0});
    return static_cast<int32_t>(std::lround(
      static_cast<double>(sum) / static_cast<double>(samples.size())));
  }
  std::sort(samples.begin(), samples.end());
  auto middle = samples.size() / 2;
  if (samples.size() % 2 == 1)
    return samples[middle];
  return static_cast<int32_t>(
    std::lround((samples[middle - 1] + samples[middle]) / 2.0));
}

int32_t score_spread(const std::vector<int32_t>& samples) {
  if (samples.empty())
    return 0;
  auto [low, high] = std::minmax_element(samples.begin(), samples.end());
  return *high - *low;
}

} // namespace grader::scoring
