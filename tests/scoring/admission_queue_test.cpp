#include "scoring/admission_queue.hpp"

#include <catch2/catch.hpp>

using namespace grader::scoring;
using namespace std::chrono_literals;
using time_point = admission_queue::clock::time_point;

namespace {

const time_point t0 = time_point{} + 1h;

} // namespace

TEST_CASE("admission queue lets calls out oldest first within its limit",
          "[scoring]") {
  admission_queue queue{2};
  CHECK_FALSE(queue.next());
  for (uint64_t id = 1; id <= 4; ++id)
    queue.push(id);
  CHECK(queue.size() == 4);
  REQUIRE(queue.next() == 1u);
  CHECK(queue.pop() == 1u);
  REQUIRE(queue.next() == 2u);
  CHECK(queue.pop() == 2u);
  CHECK(queue.in_flight() == 2);
  // The limit is full: nothing is admissible until a call ends.
  CHECK_FALSE(queue.next());
  queue.finish();
  CHECK(queue.next() == 3u);
  CHECK(queue.size() == 2);
}

TEST_CASE("admission queue puts a retry ahead of waiting calls", "[scoring]") {
  admission_queue queue{4};
  queue.push(1);
  queue.push(2);
  queue.requeue(7);
  CHECK(queue.pop() == 7u);
  CHECK(queue.pop() == 1u);
}

TEST_CASE("admission queue removes a call and drains the rest", "[scoring]") {
  admission_queue queue{4};
  for (uint64_t id = 1; id <= 4; ++id)
    queue.push(id);
  CHECK(queue.remove(2));
  CHECK_FALSE(queue.remove(2));
  CHECK(queue.drain() == std::vector<uint64_t>{1, 3, 4});
  CHECK(queue.empty());
  CHECK(queue.in_flight() == 0);
}

TEST_CASE("admission queue halves its limit on a 429 and grows it by one",
          "[scoring]") {
  admission_queue queue{8};
  CHECK(queue.limit() == 8);
  queue.record_rate_limited(t0, 0ms);
  CHECK(queue.limit() == 4);
  queue.record_rate_limited(t0, 0ms);
  queue.record_rate_limited(t0, 0ms);
  queue.record_rate_limited(t0, 0ms);
  CHECK(queue.limit() == 1);
  for (int i = 0; i < 20; ++i)
    queue.record_success();
  CHECK(queue.limit() == 8);
}

TEST_CASE("admission queue pauses for a 429's Retry-After", "[scoring]") {
  admission_queue queue{8};
  CHECK(queue.paused_until() <= t0);
  queue.record_rate_limited(t0, 1000ms);
  CHECK(queue.paused_until() == t0 + 1000ms);
  // A shorter pause later does not cut the longer one short.
  queue.record_rate_limited(t0 + 100ms, 200ms);
  CHECK(queue.paused_until() == t0 + 1000ms);
}

TEST_CASE("admission queue counts a limit of 0 as 1", "[scoring]") {
  admission_queue queue{0};
  queue.push(1);
  queue.push(2);
  CHECK(queue.pop() == 1u);
  CHECK_FALSE(queue.next());
}
