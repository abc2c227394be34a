#include "scoring/admission_queue.hpp"

#include <algorithm>
#include <cmath>

namespace grader::scoring {

admission_queue::admission_queue(uint32_t max_in_flight)
  : max_in_flight_(std::max<uint32_t>(max_in_flight, 1)),
    limit_(max_in_flight_) {
}

void admission_queue::push(uint64_t id) {
  waiting_.push_back(id);
}

void admission_queue::requeue(uint64_t id) {
  waiting_.push_front(id);
}

std::optional<uint64_t> admission_queue::next() const {
  if (waiting_.empty() || in_flight_ >= static_cast<size_t>(limit_))
    return std::nullopt;
  return waiting_.front();
}

uint64_t admission_queue::pop() {
  auto id = waiting_.front();
  waiting_.pop_front();
  ++in_flight_;
  return id;
}

bool admission_queue::remove(uint64_t id) {
  auto i = std::find(waiting_.begin(), waiting_.end(), id);
  if (i == waiting_.end())
    return false;
  waiting_.erase(i);
  return true;
}

std::vector<uint64_t> admission_queue::drain() {
  std::vector<uint64_t> result{waiting_.begin(), waiting_.end()};
  waiting_.clear();
  return result;
}

void admission_queue::finish() noexcept {
  if (in_flight_ > 0)
    --in_flight_;
}

void admission_queue::record_success() noexcept {
  limit_ = std::min<double>(max_in_flight_, limit_ + 1);
}

void admission_queue::record_rate_limited(
  clock::time_point now, std::chrono::milliseconds retry_after) noexcept {
  limit_ = std::max(1.0, std::floor(limit_ / 2));
  if (retry_after.count() > 0)
    paused_until_ = std::max(paused_until_, now + retry_after);
}

} // namespace grader::scoring
