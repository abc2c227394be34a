#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

#include "scoring/chat.hpp"

namespace grader::scoring {

/// The most recent LLM replies by request key, at most `capacity` of them:
/// identical requests (the same answer to the same question) get the same
/// reply for one call. When full, it forgets the reply least recently used.
class reply_cache {
public:
  /// A capacity of 0 keeps nothing.
  explicit reply_cache(size_t capacity);

  /// The reply stored under `key`, marked as just used; nullptr if none.
  /// The pointer stays valid until the next `put`.
  const chat_reply* find(const std::string& key);

  /// Stores `reply` under `key` as the most recently used, replacing what
  /// was there and forgetting the least recently used reply when full.
  void put(const std::string& key, chat_reply reply);

  /// The replies it holds.
  size_t size() const noexcept {
    return entries_.size();
  }

private:
  using entry_list = std::list<std::pair<std::string, chat_reply>>;

  size_t capacity_;
  /// Most recently used first.
  entry_list entries_;
  std::unordered_map<std::string, entry_list::iterator> index_;
};

} // namespace grader::scoring
