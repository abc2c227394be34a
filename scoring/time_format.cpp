#include "scoring/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace grader::scoring {

std::string format_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  // floor, not duration_cast: times before 1970 must not round up a second.
  auto whole_seconds = floor<seconds>(t);
  auto millis = duration_cast<milliseconds>(t - whole_seconds).count();
  auto secs
    = static_cast<std::time_t>(whole_seconds.time_since_epoch().count());
  std::tm utc{};
  if (gmtime_r(&secs, &utc) == nullptr)
    return {};
  char date_time[64];
  auto length = std::strftime(date_time, sizeof(date_time), "%Y-%m-%dT%H:%M:%S",
                              &utc);
  char fraction[8];
  std::snprintf(fraction, sizeof(fraction), ".%03dZ", static_cast<int>(millis));
  return std::string(date_time, length) + fraction;
}

} // namespace grader::scoring
