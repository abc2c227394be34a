#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "actors/config.hpp"

namespace grader::net {
class chat_backend;
} // namespace grader::net

namespace grader {

/// One chat request on its way through the gateway: queued, in flight or
/// waiting out a backoff.
struct llm_call {
  chat_request request;
  /// The cache and coalescing key of `request`.
  std::string key;
  /// Everyone waiting for this reply: the first requester and those whose
  /// identical requests joined it.
  std::vector<caf::typed_response_promise<gateway_reply>> waiters;
  /// Who asked, one per waiter, so that a waiter whose requester is gone
  /// can be dropped.
  std::vector<caf::actor_addr> requesters;
  /// Whether an attempt is under way right now.
  bool in_flight = false;
  /// Attempts made so far.
  uint32_t attempts = 0;
  /// Estimated tokens, charged against the tokens-per-minute limit.
  uint64_t estimated_tokens = 0;
};

/// State of the LLM gateway.
struct llm_gateway_state {
  static inline const char* name = "llm_gateway";

  using clock = std::chrono::steady_clock;

  /// Where calls go. Shared so that I/O completions never outlive it.
  std::shared_ptr<net::chat_backend> backend;
  config settings;
  /// Every call not yet finished, by id.
  std::unordered_map<uint64_t, llm_call> calls;
  /// Calls waiting for admission, oldest first.
  std::deque<uint64_t> queue;
  /// The unfinished calls each requester waits for; requesters are
  /// monitored, and their calls dropped when they go away.
  std::map<caf::actor_addr, std::vector<uint64_t>> calls_of;
  /// Calls not yet finished, by key, so identical requests join them.
  std::unordered_map<std::string, uint64_t> by_key;
  /// Recent replies, most recent first, with an index by key.
  std::list<std::pair<std::string, chat_reply>> cache;
  std::unordered_map<std::string, decltype(cache)::iterator> cache_index;
  uint64_t next_id = 1;
  size_t in_flight = 0;
  /// The in-flight limit in force: cut in half on a 429, grown back by one
  /// per success up to settings.max_in_flight.
  double limit = 0;
  /// No call starts before this (a Retry-After for everyone, or an open
  /// circuit).
  clock::time_point paused_until;
  bool wake_pending = false;
  uint32_t transient_failures_in_a_row = 0;
  /// Start times and estimated tokens of the calls in the rate window, for
  /// the per-minute limits.
  std::deque<std::pair<clock::time_point, uint64_t>> recent;
  llm_stats stats;
  std::minstd_rand random;
};

using llm_gateway_pointer
  = llm_gateway_actor::stateful_pointer<llm_gateway_state>;

/// Admits chat calls to `backend` within the limits of `settings`, retries
/// transient failures with exponential backoff and full jitter (honouring
/// Retry-After, within a retry budget of a fifth of the calls), halves its
/// in-flight limit on a 429 and pauses admission for everyone for the
/// Retry-After, opens a circuit after repeated transient failures, joins
/// identical requests in flight into one call and answers repeated ones
/// from a bounded LRU cache.
llm_gateway_actor::behavior_type
llm_gateway(llm_gateway_pointer self, std::shared_ptr<net::chat_backend> backend,
            config settings);

} // namespace grader
