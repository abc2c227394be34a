#include "actors/llm_gateway.hpp"

#include <algorithm>
#include <cmath>

#include <caf/actor_cast.hpp>
#include <caf/system_messages.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/error.hpp"
#include "net/chat_backend.hpp"

namespace grader {

namespace {

using clock = llm_gateway_state::clock;
using std::chrono::milliseconds;

// Everything that makes two requests ask the same thing.
std::string key_of(const chat_request& x) {
  std::string key = std::to_string(x.temperature) + '|'
                    + std::to_string(x.max_tokens);
  for (const auto& message : x.messages) {
    key += '\x1f';
    key += message.role;
    key += '\x1e';
    key += message.content;
  }
  return key;
}

uint64_t estimate_tokens(const chat_request& x) {
  uint64_t bytes = 0;
  for (const auto& message : x.messages)
    bytes += message.content.size();
  return bytes / 4 + x.max_tokens;
}

// Runs on whatever thread the backend completes on: only turns the outcome
// into a message, touching no actor state.
llm_call_done to_message(uint64_t id, const net::chat_outcome& outcome) {
  llm_call_done done;
  done.call_id = id;
  if (auto* reply = std::get_if<chat_reply>(&outcome)) {
    done.reply = *reply;
    return done;
  }
  const auto& failure = std::get<net::chat_failure>(outcome);
  using kind = net::chat_failure::kind;
  done.retryable = failure.what == kind::transient;
  done.code = failure.what == kind::transient || failure.what == kind::config
                ? ec::llm_unavailable
                : ec::llm_refused;
  done.rate_limited = failure.status == 429;
  done.retry_after_ms = static_cast<uint32_t>(failure.retry_after.count());
  done.message = failure.message;
  return done;
}

void remember(llm_gateway_state& st, const std::string& key,
              const chat_reply& reply) {
  if (st.settings.cache_entries == 0)
    return;
  if (auto i = st.cache_index.find(key); i != st.cache_index.end()) {
    st.cache.erase(i->second);
    st.cache_index.erase(i);
  }
  st.cache.emplace_front(key, reply);
  st.cache_index[key] = st.cache.begin();
  if (st.cache.size() > st.settings.cache_entries) {
    st.cache_index.erase(st.cache.back().first);
    st.cache.pop_back();
  }
}

// Drops the records that left the rate window.
void forget_old_calls(llm_gateway_state& st, clock::time_point now) {
  while (!st.recent.empty()
         && now - st.recent.front().first >= st.settings.rate_window)
    st.recent.pop_front();
}

// When the per-minute limits let call `id` start; `now` when they do not
// hold it back.
clock::time_point admissible_at(llm_gateway_state& st, uint64_t id,
                                clock::time_point now) {
  forget_old_calls(st, now);
  auto at = now;
  if (st.settings.requests_per_minute > 0
      && st.recent.size() >= st.settings.requests_per_minute)
    at = std::max(at, st.recent.front().first + st.settings.rate_window);
  if (st.settings.tokens_per_minute > 0) {
    uint64_t tokens = st.calls[id].estimated_tokens;
    for (const auto& entry : st.recent)
      tokens += entry.second;
    // Wait until enough of the minute's tokens have aged out; a single call
    // larger than the whole limit goes alone rather than never.
    auto entry = st.recent.begin();
    while (tokens > st.settings.tokens_per_minute
           && entry != st.recent.end()) {
      tokens -= entry->second;
      at = std::max(at, entry->first + st.settings.rate_window);
      ++entry;
    }
  }
  return at;
}

void wake_at(llm_gateway_pointer self, clock::time_point at) {
  auto& st = self->state;
  if (st.wake_pending)
    return;
  st.wake_pending = true;
  auto delay = std::chrono::duration_cast<milliseconds>(at - clock::now());
  self->delayed_send(self, std::max(delay, milliseconds{1}), retry_atom_v,
                     uint64_t{0});
}

void start(llm_gateway_pointer self, uint64_t id) {
  auto& st = self->state;
  auto& call = st.calls[id];
  ++call.attempts;
  call.in_flight = true;
  ++st.in_flight;
  st.stats.in_flight_high_water
    = std::max<uint64_t>(st.stats.in_flight_high_water, st.in_flight);
  st.recent.emplace_back(clock::now(), call.estimated_tokens);
  auto me = caf::actor_cast<llm_gateway_actor>(self);
  st.backend->complete(call.request, st.settings.llm_timeout,
                       [me, id](const net::chat_outcome& outcome) {
                         caf::anon_send(me, to_message(id, outcome));
                       });
}

bool budget_spent(const llm_gateway_state& st) {
  return st.settings.token_budget > 0
         && st.stats.prompt_tokens + st.stats.completion_tokens
              >= st.settings.token_budget;
}

caf::error budget_error(const llm_gateway_state& st) {
  return caf::make_error(ec::llm_budget_spent,
                         "the token budget of "
                           + std::to_string(st.settings.token_budget)
                           + " is spent");
}

void finish(llm_gateway_pointer self, uint64_t id, const llm_call_done& done);

// Starts waiting calls while the limits allow.
void admit(llm_gateway_pointer self) {
  auto& st = self->state;
  // Calls that queued while the last tokens were being spent are not made.
  while (!st.queue.empty() && budget_spent(st)) {
    auto id = st.queue.front();
    st.queue.pop_front();
    llm_call_done done;
    done.call_id = id;
    done.code = ec::llm_budget_spent;
    done.message = error_text(budget_error(st));
    finish(self, id, done);
  }
  while (!st.queue.empty() && st.in_flight < static_cast<size_t>(st.limit)) {
    auto now = clock::now();
    auto at = std::max(st.paused_until, admissible_at(st, st.queue.front(), now));
    if (at > now) {
      wake_at(self, at);
      return;
    }
    auto id = st.queue.front();
    st.queue.pop_front();
    start(self, id);
  }
}

milliseconds backoff(llm_gateway_state& st, uint32_t attempts,
                     uint32_t retry_after_ms) {
  // Full jitter: a random wait up to base * 2^(attempts-1), capped.
  auto ceiling = std::min<double>(
    static_cast<double>(st.settings.max_backoff.count()),
    static_cast<double>(st.settings.base_backoff.count())
      * std::pow(2.0, attempts - 1));
  std::uniform_real_distribution<double> jitter{0.0, ceiling};
  auto wait = milliseconds{static_cast<int64_t>(jitter(st.random))};
  return std::max(wait, milliseconds{retry_after_ms});
}

bool may_retry(const llm_gateway_state& st, const llm_call& call) {
  // The budget keeps a failing endpoint from drawing a retry storm: retries
  // stay within a fifth of all calls (plus a few to start with).
  auto budget = 10 + st.stats.calls / 5;
  return call.attempts <= st.settings.retries && st.stats.retries < budget;
}

void finish(llm_gateway_pointer self, uint64_t id, const llm_call_done& done) {
  auto& st = self->state;
  auto node = st.calls.extract(id);
  auto& call = node.mapped();
  st.by_key.erase(call.key);
  auto retries = call.attempts - 1;
  if (done.code == ec::none) {
    remember(st, call.key, done.reply);
    bool first = true;
    for (auto& waiter : call.waiters) {
      waiter.deliver(gateway_reply{done.reply, retries, !first});
      first = false;
    }
    return;
  }
  ++st.stats.failures;
  auto text = done.message;
  if (retries > 0)
    text += " (after " + std::to_string(retries) + " retries)";
  for (auto& waiter : call.waiters)
    waiter.deliver(caf::make_error(done.code, text));
}

void on_call_done(llm_gateway_pointer self, const llm_call_done& done) {
  auto& st = self->state;
  --st.in_flight;
  auto i = st.calls.find(done.call_id);
  if (i == st.calls.end())
    return;
  auto& call = i->second;
  call.in_flight = false;
  if (done.code == ec::none) {
    st.transient_failures_in_a_row = 0;
    st.stats.prompt_tokens += done.reply.usage.prompt_tokens;
    st.stats.completion_tokens += done.reply.usage.completion_tokens;
    st.limit = std::min<double>(st.settings.max_in_flight, st.limit + 1);
    finish(self, done.call_id, done);
  } else if (done.retryable) {
    auto now = clock::now();
    if (done.rate_limited) {
      // The endpoint is overloaded: everyone slows down, not only this call.
      st.limit = std::max(1.0, std::floor(st.limit / 2));
      if (done.retry_after_ms > 0)
        st.paused_until = std::max(st.paused_until,
                                   now + milliseconds{done.retry_after_ms});
    }
    if (++st.transient_failures_in_a_row >= st.settings.circuit_threshold) {
      st.transient_failures_in_a_row = 0;
      st.paused_until = std::max(st.paused_until,
                                 now + st.settings.circuit_cooldown);
    }
    if (may_retry(st, call)) {
      ++st.stats.retries;
      // Told now, not with the final reply: a requester that gives up
      // before that still knows what its calls went through.
      for (const auto& requester : call.requesters)
        if (auto handle = caf::actor_cast<caf::actor>(requester))
          caf::anon_send(handle, retry_atom_v, done.message);
      auto wait = backoff(st, call.attempts, done.retry_after_ms);
      self->delayed_send(self, wait, retry_atom_v, done.call_id);
    } else {
      finish(self, done.call_id, done);
    }
  } else {
    finish(self, done.call_id, done);
  }
  admit(self);
}

// Remembers who waits for call `id`, watching the requester so that its
// calls can be dropped if it goes away first.
void add_waiter(llm_gateway_pointer self, uint64_t id,
                caf::typed_response_promise<gateway_reply> promise,
                const caf::strong_actor_ptr& sender) {
  auto& st = self->state;
  auto& call = st.calls[id];
  call.waiters.push_back(std::move(promise));
  auto requester = caf::actor_cast<caf::actor_addr>(sender);
  call.requesters.push_back(requester);
  if (!requester)
    return;
  auto& ids = st.calls_of[requester];
  if (ids.empty())
    self->monitor(sender);
  ids.push_back(id);
}

// A requester went away (its batch was cancelled or ran out of time): its
// waiting calls that nobody else needs are not made.
void on_requester_down(llm_gateway_pointer self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto entry = st.calls_of.find(msg.source);
  if (entry == st.calls_of.end())
    return;
  for (auto id : entry->second) {
    auto i = st.calls.find(id);
    if (i == st.calls.end())
      continue;
    auto& call = i->second;
    for (size_t w = call.requesters.size(); w-- > 0;)
      if (call.requesters[w] == msg.source) {
        call.requesters.erase(call.requesters.begin() + w);
        call.waiters.erase(call.waiters.begin() + w);
      }
    if (!call.waiters.empty() || call.in_flight)
      continue;
    st.queue.erase(std::remove(st.queue.begin(), st.queue.end(), id),
                   st.queue.end());
    st.by_key.erase(call.key);
    st.calls.erase(i);
    ++st.stats.abandoned;
  }
  st.calls_of.erase(entry);
}

} // namespace

llm_gateway_actor::behavior_type
llm_gateway(llm_gateway_pointer self, std::shared_ptr<net::chat_backend> backend,
            config settings) {
  auto& st = self->state;
  st.backend = std::move(backend);
  st.settings = settings;
  st.settings.max_in_flight = std::max<uint32_t>(settings.max_in_flight, 1);
  st.limit = st.settings.max_in_flight;
  st.random.seed(std::random_device{}());
  self->set_down_handler(
    [=](caf::down_msg& msg) { on_requester_down(self, msg); });
  return {
    [=](chat_atom, chat_request& request) -> caf::result<gateway_reply> {
      auto& st = self->state;
      auto key = key_of(request);
      if (auto hit = st.cache_index.find(key); hit != st.cache_index.end()) {
        ++st.stats.cache_hits;
        st.cache.splice(st.cache.begin(), st.cache, hit->second);
        return gateway_reply{hit->second->second, 0, true};
      }
      if (budget_spent(st))
        return budget_error(st);
      // Taken before the promise, which takes the sender over.
      auto sender = self->current_sender();
      auto promise = self->make_response_promise<gateway_reply>();
      if (auto same = st.by_key.find(key); same != st.by_key.end()) {
        ++st.stats.coalesced;
        add_waiter(self, same->second, promise, sender);
        return promise;
      }
      auto id = st.next_id++;
      ++st.stats.calls;
      auto& call = st.calls[id];
      call.estimated_tokens = estimate_tokens(request);
      call.request = std::move(request);
      call.key = key;
      add_waiter(self, id, promise, sender);
      st.by_key.emplace(std::move(key), id);
      st.queue.push_back(id);
      admit(self);
      return promise;
    },
    [=](stats_atom) { return self->state.stats; },
    [=](llm_call_done& done) { on_call_done(self, done); },
    [=](retry_atom, uint64_t id) {
      auto& st = self->state;
      if (id == 0)
        st.wake_pending = false;
      else if (st.calls.count(id) > 0)
        st.queue.push_front(id);
      admit(self);
    },
  };
}

} // namespace grader
