#include "scoring/rate_window.hpp"

#include <catch2/catch.hpp>

using namespace grader::scoring;
using namespace std::chrono_literals;
using time_point = rate_window::clock::time_point;

namespace {

// Any fixed time point does: the window never reads the clock.
const time_point t0 = time_point{} + 1h;

} // namespace

TEST_CASE("rate window without limits admits every call and remembers none",
          "[scoring]") {
  rate_window window{0, 0, 60s};
  for (int i = 0; i < 1000; ++i) {
    auto now = t0 + std::chrono::milliseconds{i};
    CHECK(window.next_start(1'000'000, now) == now);
    window.record(1'000'000, now);
  }
  CHECK(window.size() == 0);
}

TEST_CASE("rate window holds a call back until a request leaves the window",
          "[scoring]") {
  rate_window window{2, 0, 300ms};
  SECTION("two calls start at once") {
    CHECK(window.admits(10, t0));
    window.record(10, t0);
    CHECK(window.admits(10, t0 + 10ms));
    window.record(10, t0 + 10ms);
    SECTION("the third waits for the first to age out") {
      CHECK_FALSE(window.admits(10, t0 + 20ms));
      CHECK(window.next_start(10, t0 + 20ms) == t0 + 300ms);
      CHECK(window.admits(10, t0 + 300ms));
    }
  }
}

TEST_CASE("rate window keeps five calls at two per window in three windows",
          "[scoring]") {
  rate_window window{2, 0, 300ms};
  auto now = t0;
  for (int i = 0; i < 5; ++i) {
    now = window.next_start(1, now);
    window.record(1, now);
  }
  // The fifth starts in the third window.
  CHECK(now - t0 >= 600ms);
  CHECK(now - t0 < 900ms);
}

TEST_CASE("rate window holds a call back until enough tokens age out",
          "[scoring]") {
  rate_window window{0, 100, 300ms};
  window.record(40, t0);
  window.record(40, t0 + 100ms);
  CHECK(window.admits(20, t0 + 150ms));
  // 40 + 40 + 30 > 100: the first call's tokens must leave first.
  CHECK(window.next_start(30, t0 + 150ms) == t0 + 300ms);
  // 40 + 40 + 70 > 100 even without the first: both must leave.
  CHECK(window.next_start(70, t0 + 150ms) == t0 + 400ms);
}

TEST_CASE("rate window lets a call larger than the token limit go alone",
          "[scoring]") {
  rate_window window{0, 100, 300ms};
  CHECK(window.admits(500, t0));
  window.record(500, t0);
  CHECK(window.next_start(500, t0 + 1ms) == t0 + 300ms);
}

TEST_CASE("rate window forgets calls older than the window", "[scoring]") {
  rate_window window{1000, 0, 100ms};
  for (int i = 0; i < 1000; ++i)
    window.record(1, t0 + std::chrono::milliseconds{i});
  // Only the calls of the last 100 ms remain.
  CHECK(window.size() == 100);
  CHECK(window.admits(1, t0 + 1000ms));
  CHECK(window.size() == 99);
}
