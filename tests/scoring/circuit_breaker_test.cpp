#include "scoring/circuit_breaker.hpp"

#include <catch2/catch.hpp>

using namespace grader::scoring;
using namespace std::chrono_literals;
using time_point = circuit_breaker::clock::time_point;

namespace {

const time_point t0 = time_point{} + 1h;

} // namespace

TEST_CASE("circuit breaker opens after failures in a row for its cool-down",
          "[scoring]") {
  circuit_breaker circuit{3, 400ms};
  CHECK_FALSE(circuit.is_open(t0));
  CHECK_FALSE(circuit.record_failure(t0, {1, 1}));
  CHECK_FALSE(circuit.record_failure(t0 + 1ms, {1, 2}));
  CHECK_FALSE(circuit.is_open(t0 + 2ms));
  SECTION("the third failure opens it") {
    CHECK(circuit.record_failure(t0 + 2ms, {1, 3}));
    CHECK(circuit.is_open(t0 + 2ms));
    CHECK(circuit.open_until() == t0 + 402ms);
    CHECK(circuit.is_open(t0 + 401ms));
    SECTION("and it closes after the cool-down, reported once") {
      CHECK_FALSE(circuit.close_if_due(t0 + 401ms));
      CHECK_FALSE(circuit.is_open(t0 + 402ms));
      CHECK(circuit.close_if_due(t0 + 402ms));
      CHECK_FALSE(circuit.close_if_due(t0 + 500ms));
    }
    SECTION("and the run of failures starts anew") {
      CHECK_FALSE(circuit.record_failure(t0 + 500ms, {1, 4}));
      CHECK_FALSE(circuit.record_failure(t0 + 501ms, {1, 5}));
      CHECK(circuit.record_failure(t0 + 502ms, {1, 6}));
      CHECK(circuit.open_until() == t0 + 902ms);
    }
  }
  SECTION("a success between failures keeps it closed") {
    circuit.record_success();
    CHECK_FALSE(circuit.record_failure(t0 + 2ms, {1, 7}));
    CHECK_FALSE(circuit.is_open(t0 + 2ms));
    CHECK_FALSE(circuit.close_if_due(t0 + 1s));
  }
}

TEST_CASE("circuit breaker with threshold 0 opens on every failure",
          "[scoring]") {
  circuit_breaker circuit{0, 100ms};
  CHECK(circuit.record_failure(t0, {1, 8}));
  CHECK(circuit.is_open(t0 + 99ms));
}

TEST_CASE("circuit breaker counts the failures of one answer once",
          "[scoring]") {
  circuit_breaker circuit{3, 400ms};
  // Two poisoned answers fail again and again: the endpoint is fine.
  for (int i = 0; i < 10; ++i) {
    CHECK_FALSE(circuit.record_failure(t0 + i * 1ms, {1, 7}));
    CHECK_FALSE(circuit.record_failure(t0 + i * 1ms, {1, 8}));
  }
  CHECK_FALSE(circuit.is_open(t0 + 20ms));
  // The same ticket in another batch is another answer.
  CHECK(circuit.record_failure(t0 + 20ms, {2, 7}));
  CHECK(circuit.is_open(t0 + 21ms));
}
