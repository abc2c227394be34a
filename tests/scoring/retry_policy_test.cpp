#include "scoring/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace grader::scoring;
using namespace std::chrono_literals;

TEST_CASE("retry policy doubles the backoff ceiling up to its maximum",
          "[scoring]") {
  retry_policy policy{5, 250ms, 1000ms};
  CHECK(policy.ceiling(1) == 250ms);
  CHECK(policy.ceiling(2) == 500ms);
  CHECK(policy.ceiling(3) == 1000ms);
  CHECK(policy.ceiling(4) == 1000ms);
  CHECK(policy.ceiling(40) == 1000ms);
}

TEST_CASE("retry policy draws a backoff between 0 and its ceiling",
          "[scoring]") {
  retry_policy policy{5, 100ms, 10'000ms};
  std::minstd_rand random{42};
  auto shortest = 10'000ms;
  auto longest = 0ms;
  for (int i = 0; i < 1000; ++i) {
    auto wait = policy.backoff(3, 0ms, random);
    shortest = std::min(shortest, wait);
    longest = std::max(longest, wait);
  }
  CHECK(shortest >= 0ms);
  CHECK(longest <= 400ms);
  // Full jitter: the draws spread over the whole range.
  CHECK(shortest < 40ms);
  CHECK(longest > 360ms);
}

TEST_CASE("retry policy draws the same backoffs from the same seed",
          "[scoring]") {
  retry_policy policy{5, 100ms, 10'000ms};
  std::minstd_rand first{7};
  std::minstd_rand second{7};
  for (uint32_t attempts = 1; attempts < 6; ++attempts)
    CHECK(policy.backoff(attempts, 0ms, first)
          == policy.backoff(attempts, 0ms, second));
}

TEST_CASE("retry policy waits at least the Retry-After", "[scoring]") {
  retry_policy policy{5, 10ms, 50ms};
  std::minstd_rand random{1};
  for (int i = 0; i < 100; ++i)
    CHECK(policy.backoff(1, 1000ms, random) == 1000ms);
}

TEST_CASE("retry policy allows its number of retries per call", "[scoring]") {
  retry_policy policy{3, 10ms, 50ms};
  // After the first attempt and each of the three retries.
  CHECK(policy.may_retry(1, 1, 0));
  CHECK(policy.may_retry(2, 1, 1));
  CHECK(policy.may_retry(3, 1, 2));
  CHECK_FALSE(policy.may_retry(4, 1, 3));
  retry_policy none{0, 10ms, 50ms};
  CHECK_FALSE(none.may_retry(1, 1, 0));
}

TEST_CASE("retry policy keeps retries within a fifth of the calls",
          "[scoring]") {
  retry_policy policy{3, 10ms, 50ms};
  // Ten retries to start with.
  CHECK(policy.may_retry(1, 1, 9));
  CHECK_FALSE(policy.may_retry(1, 1, 10));
  // Then one more per five calls.
  CHECK(policy.may_retry(1, 100, 29));
  CHECK_FALSE(policy.may_retry(1, 100, 30));
}

TEST_CASE("retry policy honours a Retry-After up to the call timeout and "
          "none longer than the answer can still wait",
          "[scoring]") {
  CHECK(retry_policy::honoured_wait(1000ms, 20s, 45s) == 1000ms);
  CHECK(retry_policy::honoured_wait(30s, 20s, 45s) == 20s);
  CHECK(retry_policy::honoured_wait(45s, 20s, 45s) == 20s);
  CHECK_FALSE(retry_policy::honoured_wait(46s, 20s, 45s));
  CHECK_FALSE(retry_policy::honoured_wait(999'999s, 20s, 45s));
  // Two seconds before the deadline, a 3 s wait is for nothing.
  CHECK_FALSE(retry_policy::honoured_wait(3s, 20s, 2s));
  CHECK(retry_policy::honoured_wait(0ms, 20s, 0ms) == 0ms);
}
