#include "scoring/circuit_breaker.hpp"

#include <algorithm>

namespace grader::scoring {

circuit_breaker::circuit_breaker(uint32_t threshold, clock::duration cooldown)
  : threshold_(threshold), cooldown_(cooldown) {
}

bool circuit_breaker::record_failure(clock::time_point now, source failed) {
  if (std::find(failing_.begin(), failing_.end(), failed) == failing_.end())
    failing_.push_back(failed);
  if (failing_.size() < threshold_)
    return false;
  failing_.clear();
  open_until_ = std::max(open_until_, now + cooldown_);
  opened_ = true;
  return true;
}

bool circuit_breaker::close_if_due(clock::time_point now) noexcept {
  if (!opened_ || is_open(now))
    return false;
  opened_ = false;
  return true;
}

} // namespace grader::scoring
