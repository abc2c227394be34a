#include "scoring/call_limits.hpp"

#include <algorithm>

namespace grader::scoring {

namespace {

uint32_t part(uint32_t limit, uint32_t capacity, uint64_t total_capacity) {
  if (limit == 0)
    return 0;
  if (total_capacity == 0)
    return limit;
  auto share = uint64_t{limit} * std::min<uint64_t>(capacity, total_capacity)
               / total_capacity;
  return static_cast<uint32_t>(std::max<uint64_t>(share, 1));
}

} // namespace

call_limits share_of(const call_limits& total, uint32_t capacity,
                     uint64_t total_capacity) {
  return {part(total.max_in_flight, capacity, total_capacity),
          part(total.requests_per_minute, capacity, total_capacity),
          part(total.tokens_per_minute, capacity, total_capacity)};
}

} // namespace grader::scoring
