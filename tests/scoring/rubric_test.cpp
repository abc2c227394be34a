#include <catch2/catch.hpp>

#include "scoring/rubric.hpp"

using namespace grader::scoring;

TEST_CASE("a rubric's points sum, scaled, to a score", "[scoring]") {
  std::vector<rubric_criterion> rubric{{"a", 2}, {"b", 2}, {"c", 1}};
  CHECK(rubric_score(rubric, {2, 2, 1}) == 100);
  CHECK(rubric_score(rubric, {1, 0, 0}) == 20);
  // 2 of 3 is 66.67 %, rounded.
  CHECK(rubric_score({{"a", 2}, {"b", 1}}, {2, 0}) == 67);
  CHECK(rubric_score({}, {}) == 0);
}

TEST_CASE("points are clamped to each criterion's", "[scoring]") {
  std::vector<rubric_criterion> rubric{{"a", 2}, {"b", 3}};
  CHECK(clamp_to_rubric(rubric, {5, -1}) == std::vector<int32_t>{2, 0});
  CHECK(clamp_to_rubric(rubric, {1}) == std::vector<int32_t>{1, 0});
  CHECK(clamp_to_rubric(rubric, {1, 2, 3}) == std::vector<int32_t>{1, 2});
}
