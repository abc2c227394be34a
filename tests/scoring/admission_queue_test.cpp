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

TEST_CASE("admission queue passes over a batch whose first call is held "
          "back",
          "[scoring]") {
  admission_queue queue{8};
  queue.push(1, call_place{1, 0});
  queue.push(2, call_place{1, 1});
  queue.push(3, call_place{2, 0});
  queue.push(4, call_place{3, 0, batch_priority::bulk});
  auto not_batch_one = [](uint64_t id) { return id != 1 && id != 2; };
  // Batch 1's turn passes to batch 2, then to the bulk batch.
  REQUIRE(queue.next(not_batch_one) == 3u);
  CHECK(queue.pop(3) == 3u);
  REQUIRE(queue.next(not_batch_one) == 4u);
  CHECK(queue.pop(4) == 4u);
  CHECK_FALSE(queue.next(not_batch_one));
  // Batch 1 kept its place and its order.
  CHECK(queue.next() == 1u);
  CHECK(queue.pop() == 1u);
  CHECK(queue.pop() == 2u);
  CHECK(queue.empty());
  CHECK(queue.in_flight() == 4);
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
  queue.record_rate_limited(t0);
  CHECK(queue.limit() == 4);
  queue.record_rate_limited(t0);
  queue.record_rate_limited(t0);
  queue.record_rate_limited(t0);
  CHECK(queue.limit() == 1);
  for (int i = 0; i < 20; ++i)
    queue.record_success();
  CHECK(queue.limit() == 8);
}

TEST_CASE("admission queue counts a limit of 0 as 1", "[scoring]") {
  admission_queue queue{0};
  queue.push(1);
  queue.push(2);
  CHECK(queue.pop() == 1u);
  CHECK_FALSE(queue.next());
}

TEST_CASE("admission queue lets the oldest answer's call out first within "
          "a batch",
          "[scoring]") {
  admission_queue queue{1};
  // Answers 3 and 5 wait with their first calls; then answer 1, which
  // started earlier, comes back for its second call.
  queue.push(30, call_place{7, 3});
  queue.push(50, call_place{7, 5});
  queue.push(10, call_place{7, 1});
  CHECK(queue.pop() == 10u);
  queue.finish();
  CHECK(queue.pop() == 30u);
  queue.finish();
  // A retry keeps its answer's place, ahead of a new call of that answer.
  queue.push(51, call_place{7, 5});
  queue.requeue(52, call_place{7, 5});
  CHECK(queue.pop() == 52u);
  queue.finish();
  CHECK(queue.pop() == 50u);
  queue.finish();
  CHECK(queue.pop() == 51u);
}

TEST_CASE("admission queue takes batches in turn", "[scoring]") {
  admission_queue queue{100};
  // A big batch queues 50 calls, then a small one queues 2.
  for (uint64_t ticket = 0; ticket < 50; ++ticket)
    queue.push(1000 + ticket, call_place{1, ticket});
  queue.push(1, call_place{2, 0});
  queue.push(2, call_place{2, 1});
  std::vector<uint64_t> order;
  for (int i = 0; i < 5; ++i)
    order.push_back(queue.pop());
  // The small batch's calls go out every other turn, not after the 50.
  CHECK(order == std::vector<uint64_t>{1000, 1, 1001, 2, 1002});
  CHECK(queue.size() == 47);
}

TEST_CASE("admission queue admits interactive batches before bulk ones",
          "[scoring]") {
  admission_queue queue{100};
  queue.push(1, call_place{1, 0, batch_priority::bulk});
  queue.push(2, call_place{1, 1, batch_priority::bulk});
  queue.push(3, call_place{2, 0, batch_priority::interactive});
  CHECK(queue.pop() == 3u);
  CHECK(queue.pop() == 1u);
  CHECK(queue.pop() == 2u);
  CHECK_FALSE(queue.next());
}

TEST_CASE("admission queue removes a call of any batch and keeps the turns",
          "[scoring]") {
  admission_queue queue{100};
  queue.push(1, call_place{1, 0});
  queue.push(2, call_place{2, 0});
  queue.push(3, call_place{3, 0, batch_priority::bulk});
  CHECK(queue.remove(2));
  CHECK(queue.size() == 2);
  CHECK(queue.pop() == 1u);
  CHECK(queue.pop() == 3u);
  CHECK(queue.empty());
  queue.push(4, call_place{2, 5});
  CHECK(queue.drain() == std::vector<uint64_t>{4});
}

TEST_CASE("admission queue grows a cut limit back by one per second even "
          "without successes",
          "[scoring]") {
  admission_queue queue{16};
  queue.record_rate_limited(t0);
  queue.record_rate_limited(t0);
  CHECK(queue.limit() == 4);
  queue.record_time(t0 + 999ms);
  CHECK(queue.limit() == 4);
  queue.record_time(t0 + 1000ms);
  CHECK(queue.limit() == 5);
  // Five seconds without a success: five steps, whatever the wake-ups.
  queue.record_time(t0 + 5000ms);
  CHECK(queue.limit() == 9);
  queue.record_time(t0 + 60s);
  CHECK(queue.limit() == 16);
  // A new 429 starts the count again from its own time.
  queue.record_rate_limited(t0 + 61s);
  CHECK(queue.limit() == 8);
  queue.record_time(t0 + 61s + 500ms);
  CHECK(queue.limit() == 8);
}
