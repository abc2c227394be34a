#include <catch2/catch.hpp>

#include "scoring/score_samples.hpp"

using namespace grader::scoring;

TEST_CASE("score samples reduce to their median", "[scoring]") {
  CHECK(reduce_scores({70}, score_reducer::median) == 70);
  CHECK(reduce_scores({90, 10, 60}, score_reducer::median) == 60);
  // Of an even number, the mean of the middle two, rounded half up.
  CHECK(reduce_scores({10, 90, 60, 61}, score_reducer::median) == 61);
  CHECK(reduce_scores({0, 100}, score_reducer::median) == 50);
  CHECK(reduce_scores({}, score_reducer::median) == 0);
}

TEST_CASE("score samples reduce to their mean, rounded", "[scoring]") {
  CHECK(reduce_scores({90, 10, 60}, score_reducer::mean) == 53);
  CHECK(reduce_scores({1, 2}, score_reducer::mean) == 2);
  CHECK(reduce_scores({100, 100, 99}, score_reducer::mean) == 100);
}

TEST_CASE("score samples spread from lowest to highest", "[scoring]") {
  CHECK(score_spread({}) == 0);
  CHECK(score_spread({40}) == 0);
  CHECK(score_spread({55, 90, 70}) == 35);
}

TEST_CASE("score reducers have wire names", "[scoring]") {
  CHECK(to_string(score_reducer::median) == "median");
  CHECK(parse_score_reducer("mean") == score_reducer::mean);
  CHECK_FALSE(parse_score_reducer("Median"));
}
