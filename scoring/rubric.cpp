#include "scoring/rubric.hpp"

#include <algorithm>
#include <cmath>

namespace grader::scoring {

std::vector<int32_t>
clamp_to_rubric(const std::vector<rubric_criterion>& rubric,
                const std::vector<int32_t>& awarded) {
  std::vector<int32_t> result(rubric.size(), 0);
  for (size_t i = 0; i < rubric.size() && i < awarded.size(); ++i)
    result[i] = std::clamp(awarded[i], 0, rubric[i].points);
  return result;
}

int32_t rubric_score(const std::vector<rubric_criterion>& rubric,
                     const std::vector<int32_t>& awarded) {
  int64_t total = 0;
  int64_t got = 0;
  for (size_t i = 0; i < rubric.size(); ++i) {
    total += rubric[i].points;
    if (i < awarded.size())
      got += awarded[i];
  }
  if (total <= 0)
    return 0;
  return static_cast<int32_t>(
    std::lround(100.0 * static_cast<double>(got) / static_cast<double>(total)));
}

} // namespace grader::scoring
