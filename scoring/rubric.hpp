#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace grader::scoring {

/// One criterion of a short answer's rubric and the points it is worth.
struct rubric_criterion {
  std::string criterion;
  int32_t points = 0;

  friend bool operator==(const rubric_criterion& x, const rubric_criterion& y) {
    return x.criterion == y.criterion && x.points == y.points;
  }
};

/// The points awarded for each criterion, each clamped to 0..its points;
/// missing ones count 0, extra ones are dropped.
std::vector<int32_t>
clamp_to_rubric(const std::vector<rubric_criterion>& rubric,
                const std::vector<int32_t>& awarded);

/// The score from 0 to 100 the points awarded (already clamped) make: their
/// sum over the rubric's total, rounded half up; 0 for an empty rubric.
int32_t rubric_score(const std::vector<rubric_criterion>& rubric,
                     const std::vector<int32_t>& awarded);

} // namespace grader::scoring
