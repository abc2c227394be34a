#pragma once

#include <chrono>
#include <cstdint>
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
#include "scoring/admission_queue.hpp"
#include "scoring/call_groups.hpp"
#include "scoring/circuit_breaker.hpp"
#include "scoring/rate_window.hpp"
#include "scoring/reply_cache.hpp"
#include "scoring/retry_policy.hpp"
#include "scoring/structured_output.hpp"

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
  /// Where it waits for admission, retries included.
  call_place place;
  /// When the last of its waiters stops waiting (see
  /// call_place::patience_ms).
  std::chrono::steady_clock::time_point give_up_at;
  /// Why its response_format is weaker than asked, when its own refusal
  /// made the gateway step down: the reply carries it to the batch.
  std::string format_note;
};

/// State of the LLM gateway. The decisions (when a call may start, whether
/// and when it is retried, which replies are kept) belong to the policy
/// classes of scoring/; the actor keeps the calls and their requesters.
struct llm_gateway_state {
  static inline const char* name = "llm_gateway";

  /// The clock of the time points kept here. They are read from the actor
  /// system's clock (`self->clock().now()`), whose time points are this
  /// clock's, so that tests on simulated time move them too.
  using clock = std::chrono::steady_clock;

  /// Where calls go. Shared so that I/O completions never outlive it.
  std::shared_ptr<net::chat_backend> backend;
  config settings;
  /// Every call not yet finished, by id.
  std::unordered_map<uint64_t, llm_call> calls;
  /// The unfinished calls each requester waits for; requesters are
  /// monitored, and their calls dropped when they go away.
  std::map<caf::actor_addr, std::vector<uint64_t>> calls_of;
  /// Calls not yet finished, by key, so identical requests join them.
  std::unordered_map<std::string, uint64_t> by_key;
  /// The id of the next new call; 0 is never one.
  uint64_t next_id = 1;

  // -- the policies, made from `settings` when the gateway starts ------------

  /// Calls waiting for admission, and the in-flight limit.
  scoring::admission_queue admission{1};
  /// The per-minute limits.
  scoring::rate_window window{0, 0, clock::duration{}};
  /// The limits of groups of batches of their own (a remote client's share
  /// of an API key).
  scoring::call_groups groups{clock::duration{}};
  /// Whether and when a failed call is tried again.
  scoring::retry_policy retry{0, {}, {}};
  /// Stops calling for a cool-down after transient failures in a row.
  scoring::circuit_breaker circuit{0, clock::duration{}};
  /// The response_format score calls go with, stepping down on refusals.
  scoring::structured_output structured;
  /// The formats the endpoint refused so far, each with its reason.
  std::string format_refusals;
  /// Recent replies by key.
  scoring::reply_cache cache{0};
  /// The source of backoff jitter.
  std::minstd_rand random;

  /// Whether an admit_atom is on its way, so that one timer wakes the
  /// gateway however many calls wait.
  bool wake_pending = false;
  llm_stats stats;
};

using llm_gateway_pointer
  = llm_gateway_actor::stateful_pointer<llm_gateway_state>;

/// Admits chat calls to `backend` within the limits of `settings`, retries
/// transient failures with exponential backoff and full jitter (honouring
/// Retry-After, within a retry budget of a fifth of the calls), halves its
/// in-flight limit on a 429 and pauses admission for everyone for the
/// Retry-After, opens a circuit after repeated transient failures, joins
/// identical requests in flight into one call and answers repeated ones
/// from a bounded LRU cache. A call the endpoint refuses for its
/// response_format goes again at once with a weaker one (see
/// scoring::structured_output), and so do all later calls.
llm_gateway_actor::behavior_type
llm_gateway(llm_gateway_pointer self,
            std::shared_ptr<net::chat_backend> backend, config settings);

} // namespace grader
