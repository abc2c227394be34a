#include "scoring/reply_cache.hpp"

namespace grader::scoring {

reply_cache::reply_cache(size_t capacity) : capacity_(capacity) {
}

const chat_reply* reply_cache::find(const std::string& key) {
  auto hit = index_.find(key);
  if (hit == index_.end())
    return nullptr;
  entries_.splice(entries_.begin(), entries_, hit->second);
  return &hit->second->second;
}

void reply_cache::put(const std::string& key, chat_reply reply) {
  if (capacity_ == 0)
    return;
  if (auto i = index_.find(key); i != index_.end()) {
    entries_.erase(i->second);
    index_.erase(i);
  }
  entries_.emplace_front(key, std::move(reply));
  index_[key] = entries_.begin();
  if (entries_.size() > capacity_) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

} // namespace grader::scoring
