#include "scoring/admission_queue.hpp"

#include <algorithm>
#include <cmath>

namespace grader::scoring {

admission_queue::admission_queue(uint32_t max_in_flight)
  : max_in_flight_(std::max<uint32_t>(max_in_flight, 1)),
    limit_(max_in_flight_) {
}

void admission_queue::push(uint64_t id, call_place place) {
  enqueue(id, place, true);
}

void admission_queue::requeue(uint64_t id, call_place place) {
  enqueue(id, place, false);
}

void admission_queue::enqueue(uint64_t id, call_place place, bool fresh) {
  auto tier_index = place.priority == batch_priority::bulk ? 1u : 0u;
  auto& t = tiers_[tier_index];
  auto [lane, is_new] = t.batches.try_emplace(place.batch);
  if (is_new)
    t.turns.push_back(place.batch);
  order key{place.ticket, fresh, arrivals_++};
  lane->second.emplace(key, id);
  where_[id] = position{tier_index, place.batch, key};
}

std::optional<uint64_t>
admission_queue::next(const start_check& may_start) const {
  if (in_flight_ >= static_cast<size_t>(limit_))
    return std::nullopt;
  for (const auto& t : tiers_)
    for (auto batch : t.turns) {
      auto id = t.batches.at(batch).begin()->second;
      if (!may_start || may_start(id))
        return id;
    }
  return std::nullopt;
}

uint64_t admission_queue::pop(uint64_t id) {
  auto at = where_.at(id);
  auto& t = tiers_[at.tier];
  auto lane = t.batches.find(at.batch);
  lane->second.erase(at.key);
  where_.erase(id);
  // The turn passes to the next batch with calls waiting.
  t.turns.erase(std::find(t.turns.begin(), t.turns.end(), at.batch));
  if (lane->second.empty())
    t.batches.erase(lane);
  else
    t.turns.push_back(at.batch);
  ++in_flight_;
  return id;
}

void admission_queue::erase(const position& at) {
  auto& t = tiers_[at.tier];
  auto lane = t.batches.find(at.batch);
  lane->second.erase(at.key);
  if (lane->second.empty()) {
    t.batches.erase(lane);
    t.turns.erase(std::find(t.turns.begin(), t.turns.end(), at.batch));
  }
}

bool admission_queue::remove(uint64_t id) {
  auto i = where_.find(id);
  if (i == where_.end())
    return false;
  erase(i->second);
  where_.erase(i);
  return true;
}

std::vector<uint64_t> admission_queue::drain() {
  std::vector<uint64_t> result;
  result.reserve(where_.size());
  for (auto& t : tiers_) {
    for (auto batch : t.turns)
      for (const auto& entry : t.batches.at(batch))
        result.push_back(entry.second);
    t.batches.clear();
    t.turns.clear();
  }
  where_.clear();
  return result;
}

void admission_queue::finish() noexcept {
  if (in_flight_ > 0)
    --in_flight_;
}

void admission_queue::record_success() noexcept {
  limit_ = std::min<double>(max_in_flight_, limit_ + 1);
}

void admission_queue::record_time(clock::time_point now) noexcept {
  constexpr auto growth_interval = std::chrono::seconds{1};
  if (limit_ >= max_in_flight_) {
    last_change_ = now;
    return;
  }
  auto steps = (now - last_change_) / growth_interval;
  if (steps <= 0)
    return;
  limit_ = std::min<double>(max_in_flight_,
                            limit_ + static_cast<double>(steps));
  last_change_ += steps * growth_interval;
}

void admission_queue::record_rate_limited(clock::time_point now) noexcept {
  limit_ = std::max(1.0, std::floor(limit_ / 2));
  last_change_ = now;
}

} // namespace grader::scoring
