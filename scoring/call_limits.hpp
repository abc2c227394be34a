#pragma once

#include <cstdint>

namespace grader::scoring {

/// Limits of a batch's own on the LLM calls made for it, beside those of
/// the service for all its batches: a share of what an API key allows, when
/// several nodes call on one key. 0: no limit of the batch's own.
struct call_limits {
  uint32_t max_in_flight = 0;
  uint32_t requests_per_minute = 0;
  uint32_t tokens_per_minute = 0;

  /// Whether any limit is set.
  bool any() const noexcept {
    return max_in_flight > 0 || requests_per_minute > 0
           || tokens_per_minute > 0;
  }

  friend bool operator==(const call_limits& x, const call_limits& y) {
    return x.max_in_flight == y.max_in_flight
           && x.requests_per_minute == y.requests_per_minute
           && x.tokens_per_minute == y.tokens_per_minute;
  }
};

/// The share of `total` of a node with `capacity` among nodes of
/// `total_capacity` together: in proportion, rounded down, at least 1 of
/// each limit set, so that no node is barred from calling.
call_limits share_of(const call_limits& total, uint32_t capacity,
                     uint64_t total_capacity);

} // namespace grader::scoring
