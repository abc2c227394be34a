#include <catch2/catch.hpp>

#include "scoring/token_prices.hpp"

using namespace grader::scoring;

TEST_CASE("token prices give the cost of tokens per million", "[scoring]") {
  token_prices prices{0.15, 0.6};
  CHECK(prices.priced());
  // 2,000,000 * 0.15 + 500,000 * 0.6, per million.
  CHECK(cost_of(prices, 2'000'000, 500'000) == Approx(0.6));
  CHECK(cost_of(prices, 0, 0) == 0);
  CHECK_FALSE(token_prices{}.priced());
  CHECK(token_prices{0, 1}.priced());
}

TEST_CASE("costs read without trailing zeros", "[scoring]") {
  CHECK(cost_text(0.00206775) == "0.00206775");
  CHECK(cost_text(12.5) == "12.5");
  CHECK(cost_text(1) == "1");
  CHECK(cost_text(1234567.891) == "1234568");
}
