#include "scoring/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace grader::scoring {

using std::chrono::milliseconds;

retry_policy::retry_policy(uint32_t retries, milliseconds base_backoff,
                           milliseconds max_backoff)
  : retries_(retries), base_backoff_(base_backoff), max_backoff_(max_backoff) {
}

bool retry_policy::may_retry(uint32_t attempts, uint64_t calls,
                             uint64_t retries) const noexcept {
  // A few retries to start with, then a fifth of all calls.
  auto budget = 10 + calls / 5;
  return attempts <= retries_ && retries < budget;
}

milliseconds retry_policy::ceiling(uint32_t attempts) const noexcept {
  return milliseconds{static_cast<int64_t>(ceiling_ms(attempts))};
}

double retry_policy::ceiling_ms(uint32_t attempts) const noexcept {
  return std::min<double>(static_cast<double>(max_backoff_.count()),
                          static_cast<double>(base_backoff_.count())
                            * std::pow(2.0, attempts - 1.0));
}

milliseconds retry_policy::backoff(uint32_t attempts, milliseconds retry_after,
                                   std::minstd_rand& random) const {
  std::uniform_real_distribution<double> jitter{0.0, ceiling_ms(attempts)};
  auto wait = milliseconds{static_cast<int64_t>(jitter(random))};
  return std::max(wait, retry_after);
}

std::optional<milliseconds>
retry_policy::honoured_wait(milliseconds asked, milliseconds call_timeout,
                            milliseconds time_left) noexcept {
  if (asked > time_left)
    return std::nullopt;
  return std::min(asked, call_timeout);
}

} // namespace grader::scoring
