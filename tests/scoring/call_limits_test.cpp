#include "scoring/call_limits.hpp"

#include <catch2/catch.hpp>

using namespace grader::scoring;

TEST_CASE("call limits split in proportion to capacity, at least one each",
          "[scoring]") {
  call_limits key{300, 6000, 0};
  // Nodes of 100, 100 and 200 in flight: a quarter, a quarter, a half.
  CHECK(share_of(key, 100, 400) == call_limits{75, 1500, 0});
  CHECK(share_of(key, 200, 400) == call_limits{150, 3000, 0});
  // Rounded down, never to nothing: a tiny node may still call.
  CHECK(share_of(call_limits{2, 0, 10}, 1, 1000) == call_limits{1, 0, 1});
  // The only node gets it all; no limit stays no limit.
  CHECK(share_of(key, 64, 64) == key);
  CHECK_FALSE(share_of(call_limits{}, 4, 8).any());
  CHECK(share_of(key, 4, 0) == key);
}
