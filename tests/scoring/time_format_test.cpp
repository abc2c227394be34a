#include <catch2/catch.hpp>

#include "scoring/time_format.hpp"

using namespace grader::scoring;

namespace {

std::chrono::system_clock::time_point at_ms(int64_t ms) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{ms}};
}

} // namespace

TEST_CASE("format_utc writes ISO 8601 UTC with milliseconds", "[scoring]") {
  // date -u -d @1795884110 => 2026-11-28T16:41:50
  CHECK(format_utc(at_ms(1795884110123)) == "2026-11-28T16:41:50.123Z");
}

TEST_CASE("format_utc pads milliseconds to three digits", "[scoring]") {
  CHECK(format_utc(at_ms(0)) == "1970-01-01T00:00:00.000Z");
  CHECK(format_utc(at_ms(5)) == "1970-01-01T00:00:00.005Z");
  CHECK(format_utc(at_ms(60'050)) == "1970-01-01T00:01:00.050Z");
}

TEST_CASE("format_utc drops sub-millisecond precision", "[scoring]") {
  auto t = at_ms(1795884110123) + std::chrono::microseconds{999};
  CHECK(format_utc(t) == "2026-11-28T16:41:50.123Z");
}

TEST_CASE("format_utc handles leap days", "[scoring]") {
  // date -u -d @951782400 => 2000-02-29T00:00:00
  CHECK(format_utc(at_ms(951782400999)) == "2000-02-29T00:00:00.999Z");
}

TEST_CASE("format_utc counts times before 1970 backwards correctly",
          "[scoring]") {
  CHECK(format_utc(at_ms(-1)) == "1969-12-31T23:59:59.999Z");
}
