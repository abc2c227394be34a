#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace grader::scoring {

/// How the judge's samples of one score become the score
/// (--judge-samples, --reducer).
enum class score_reducer : uint8_t {
  /// The middle sample; of an even number, the mean of the middle two.
  median,
  mean,
};

/// The wire name of a reducer (`"median"`, `"mean"`).
std::string_view to_string(score_reducer x);

/// Reads a wire name; nothing when it names no reducer.
std::optional<score_reducer> parse_score_reducer(std::string_view name);

/// What `samples` (not empty) reduce to, rounded half away from zero.
int32_t reduce_scores(std::vector<int32_t> samples, score_reducer how);

/// How far apart the samples lie: the highest less the lowest; 0 for none.
int32_t score_spread(const std::vector<int32_t>& samples);

} // namespace grader::scoring
