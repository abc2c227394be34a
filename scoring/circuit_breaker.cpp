#include "scoring/circuit_breaker.hpp"

#include <algorithm>

namespace grader::scoring {

circuit_breaker::circuit_breaker(uint32_t threshold, clock::duration cooldown)
  : threshold_(threshold), cooldown_(cooldown) {
}

bool circuit_breaker::record_failure(clock::time_point now, uint64_t call_id) {
  if (std::find(failing_calls_.begin(), failing_calls_.end(), call_id)
      == failing_calls_.end())
    failing_calls_.push_back(call_id);
  if (failing_calls_.size() < threshold_)
    return false;
  failing_calls_.clear();
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
