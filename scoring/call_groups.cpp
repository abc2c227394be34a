#include "scoring/call_groups.hpp"

namespace grader::scoring {

void call_groups::set_limits(uint64_t group_id, call_limits limits) {
  if (group_id == 0)
    return;
  auto i = groups_.find(group_id);
  if (!limits.any()) {
    if (i != groups_.end() && i->second.in_flight == 0)
      groups_.erase(i);
    else if (i != groups_.end())
      i->second.limits = limits;
    return;
  }
  if (i == groups_.end()) {
    groups_.emplace(group_id,
                    group{limits,
                          rate_window{limits.requests_per_minute,
                                      limits.tokens_per_minute, window_},
                          0});
    return;
  }
  // The calls of the window so far count against the new rates too.
  auto& g = i->second;
  if (g.limits.requests_per_minute != limits.requests_per_minute
      || g.limits.tokens_per_minute != limits.tokens_per_minute)
    g.rates.set_limits(limits.requests_per_minute, limits.tokens_per_minute);
  g.limits = limits;
}

call_groups::clock::time_point call_groups::next_start(uint64_t group_id,
                                                       uint64_t tokens,
                                                       clock::time_point now) {
  auto i = groups_.find(group_id);
  if (i == groups_.end())
    return now;
  auto& g = i->second;
  if (g.limits.max_in_flight > 0 && g.in_flight >= g.limits.max_in_flight)
    return clock::time_point::max();
  return g.rates.next_start(tokens, now);
}

void call_groups::started(uint64_t group_id, uint64_t tokens,
                          clock::time_point now) {
  auto i = groups_.find(group_id);
  if (i == groups_.end())
    return;
  ++i->second.in_flight;
  i->second.rates.record(tokens, now);
}

void call_groups::finished(uint64_t group_id) {
  auto i = groups_.find(group_id);
  if (i == groups_.end())
    return;
  auto& g = i->second;
  if (g.in_flight > 0)
    --g.in_flight;
  if (g.in_flight == 0 && !g.limits.any())
    groups_.erase(i);
}

} // namespace grader::scoring
