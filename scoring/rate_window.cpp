#include "scoring/rate_window.hpp"

#include <algorithm>

namespace grader::scoring {

rate_window::rate_window(uint32_t requests_per_window,
                         uint32_t tokens_per_window, clock::duration window)
  : requests_per_window_(requests_per_window),
    tokens_per_window_(tokens_per_window),
    window_(window) {
}

rate_window::clock::time_point rate_window::next_start(uint64_t tokens,
                                                       clock::time_point now) {
  forget_old_calls(now);
  auto at = now;
  if (requests_per_window_ > 0 && recent_.size() >= requests_per_window_)
    at = std::max(at, recent_[recent_.size() - requests_per_window_].first
                        + window_);
  if (tokens_per_window_ > 0) {
    for (const auto& entry : recent_)
      tokens += entry.second;
    // Wait until enough of the window's tokens have aged out.
    auto entry = recent_.begin();
    while (tokens > tokens_per_window_ && entry != recent_.end()) {
      tokens -= entry->second;
      at = std::max(at, entry->first + window_);
      ++entry;
    }
  }
  return at;
}

void rate_window::record(uint64_t tokens, clock::time_point now) {
  if (!limited())
    return;
  forget_old_calls(now);
  recent_.emplace_back(now, tokens);
}

void rate_window::forget_old_calls(clock::time_point now) {
  while (!recent_.empty() && now - recent_.front().first >= window_)
    recent_.pop_front();
}

} // namespace grader::scoring
