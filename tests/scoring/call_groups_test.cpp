#include "scoring/call_groups.hpp"

#include <catch2/catch.hpp>

using namespace grader::scoring;
using namespace std::chrono_literals;
using time_point = call_groups::clock::time_point;

namespace {

const time_point t0 = time_point{} + 1h;

} // namespace

TEST_CASE("call groups keep a group within its in-flight limit", "[scoring]") {
  call_groups groups{1min};
  groups.set_limits(5, call_limits{2, 0, 0});
  CHECK(groups.next_start(5, 100, t0) == t0);
  groups.started(5, 100, t0);
  groups.started(5, 100, t0);
  // Full until a call of its own ends; other groups and group 0 go on.
  CHECK(groups.next_start(5, 100, t0) == time_point::max());
  CHECK(groups.next_start(6, 100, t0) == t0);
  CHECK(groups.next_start(0, 100, t0) == t0);
  groups.finished(5);
  CHECK(groups.next_start(5, 100, t0) == t0);
  // A wider limit lets more start at once.
  groups.set_limits(5, call_limits{3, 0, 0});
  groups.started(5, 100, t0);
  groups.started(5, 100, t0);
  CHECK(groups.next_start(5, 100, t0) == time_point::max());
}

TEST_CASE("call groups keep a group within its rates", "[scoring]") {
  call_groups groups{1min};
  groups.set_limits(5, call_limits{0, 2, 0});
  groups.started(5, 10, t0);
  groups.started(5, 10, t0 + 1s);
  groups.finished(5);
  groups.finished(5);
  // Two a minute: the third waits until the first leaves the window.
  CHECK(groups.next_start(5, 10, t0 + 2s) == t0 + 1min);
  SECTION("tokens too") {
    groups.set_limits(7, call_limits{0, 0, 100});
    groups.started(7, 80, t0);
    CHECK(groups.next_start(7, 30, t0 + 1s) == t0 + 1min);
    CHECK(groups.next_start(7, 20, t0 + 1s) == t0 + 1s);
  }
}

TEST_CASE("call groups forget a group without limits once its calls ended",
          "[scoring]") {
  call_groups groups{1min};
  groups.set_limits(5, call_limits{1, 0, 0});
  groups.set_limits(0, call_limits{1, 0, 0});
  CHECK(groups.size() == 1);
  groups.started(5, 10, t0);
  groups.set_limits(5, call_limits{});
  // Its call in flight still counts, so the group stays until it ends.
  CHECK(groups.size() == 1);
  CHECK(groups.next_start(5, 10, t0) == t0);
  groups.finished(5);
  CHECK(groups.size() == 0);
  // Calls of a forgotten group are not held back.
  groups.started(5, 10, t0);
  groups.finished(5);
  CHECK(groups.next_start(5, 10, t0) == t0);
}
