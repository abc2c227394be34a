#include "actors/llm_gateway.hpp"

#include <algorithm>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/log.hpp"
#include "messages/error.hpp"
#include "net/chat_backend.hpp"
#include "scoring/token_prices.hpp"

namespace grader {

namespace {

using clock = llm_gateway_state::clock;
using std::chrono::milliseconds;

// Everything that makes two requests ask the same thing.
std::string key_of(const chat_request& x) {
  std::string key = std::to_string(x.temperature) + '|'
                    + (x.seeded ? std::to_string(x.seed) : "-") + '|'
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
  done.format_refused = failure.what == kind::format_refused;
  done.retry_after_ms = static_cast<uint32_t>(failure.retry_after.count());
  done.message = failure.message;
  return done;
}

void wake_at(llm_gateway_pointer self, clock::time_point at,
             clock::time_point now) {
  auto& st = self->state;
  if (st.wake_pending)
    return;
  st.wake_pending = true;
  auto delay = std::chrono::duration_cast<milliseconds>(at - now);
  self->delayed_send(self, std::max(delay, milliseconds{1}), admit_atom_v);
}

void start(llm_gateway_pointer self, uint64_t id, clock::time_point now) {
  auto& st = self->state;
  auto& call = st.calls[id];
  ++call.attempts;
  call.in_flight = true;
  // In place: a format only ever steps down, so the request asked for at
  // least what it now holds.
  call.request.format = st.structured.sendable(call.request.format);
  st.stats.in_flight_high_water = std::max<uint64_t>(
    st.stats.in_flight_high_water, st.admission.in_flight());
  st.window.record(call.estimated_tokens, now);
  st.groups.started(call.place.group, call.estimated_tokens, now);
  auto me = caf::actor_cast<llm_gateway_actor>(self);
  st.backend->complete(call.request, st.settings.llm_timeout,
                       [me, id](const net::chat_outcome& outcome) {
                         caf::anon_send(me, to_message(id, outcome));
                       });
}

// Why no new call may start: the token budget is spent or the cost limit
// reached; none while both allow calls.
caf::error budget_error(const llm_gateway_state& st) {
  const auto& settings = st.settings;
  auto tokens = st.stats.prompt_tokens + st.stats.completion_tokens;
  if (settings.token_budget > 0 && tokens >= settings.token_budget)
    return caf::make_error(ec::llm_budget_spent,
                           "the token budget of "
                             + std::to_string(settings.token_budget)
                             + " is spent");
  if (settings.max_cost > 0
      && scoring::cost_of(settings.prices, st.stats.prompt_tokens,
                          st.stats.completion_tokens)
           >= settings.max_cost)
    return caf::make_error(ec::llm_cost_limit,
                           "the cost limit of "
                             + scoring::cost_text(settings.max_cost)
                             + " is reached");
  return caf::none;
}

void finish(llm_gateway_pointer self, uint64_t id, const llm_call_done& done);

// Starts waiting calls while the limits allow.
void admit(llm_gateway_pointer self) {
  auto& st = self->state;
  // Calls that queued while the last tokens were being spent are not made.
  if (!st.admission.empty()) {
    if (auto spent = budget_error(st)) {
      for (auto id : st.admission.drain()) {
        llm_call_done done;
        done.call_id = id;
        done.code = static_cast<ec>(spent.code());
        done.message = error_text(spent);
        finish(self, id, done);
      }
    }
  }
  st.admission.record_time(self->clock().now());
  if (st.circuit.close_if_due(self->clock().now()))
    log_line(st.settings, st.name,
             "closed the circuit after its cool-down; calls start again");
  // A group at its own limits gives its turn to the next batch, and wakes
  // the gateway when its rates allow (a call of its ending frees its
  // in-flight limit).
  auto now = self->clock().now();
  auto group_wake = clock::time_point::max();
  auto may_start = [&](uint64_t id) {
    const auto& call = st.calls.at(id);
    auto at = st.groups.next_start(call.place.group, call.estimated_tokens,
                                   now);
    if (at <= now)
      return true;
    group_wake = std::min(group_wake, at);
    return false;
  };
  while (auto id = st.admission.next(may_start)) {
    auto at
      = std::max(st.circuit.open_until(),
                 st.window.next_start(st.calls[*id].estimated_tokens, now));
    if (at > now) {
      wake_at(self, at, now);
      return;
    }
    start(self, st.admission.pop(*id), now);
    now = self->clock().now();
  }
  if (group_wake != clock::time_point::max())
    wake_at(self, group_wake, now);
}

void finish(llm_gateway_pointer self, uint64_t id, const llm_call_done& done) {
  auto& st = self->state;
  auto node = st.calls.extract(id);
  auto& call = node.mapped();
  st.by_key.erase(call.key);
  auto retries = call.attempts - 1;
  if (done.code == ec::none) {
    st.cache.put(call.key, done.reply);
    bool first = true;
    for (auto& waiter : call.waiters) {
      waiter.deliver(gateway_reply{done.reply, retries, !first,
                                   call.request.format,
                                   first ? call.format_note : std::string{}});
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

// The endpoint is overloaded: everyone slows down (the in-flight limit is
// halved), and the call that got the 429 waits out its Retry-After. The
// other calls do not wait for it: one answer's 429s must not stall a batch,
// and when the whole endpoint is overloaded, every call gets its own 429
// and its own wait. `what_next` says, for the log, what the call does.
void on_rate_limited(llm_gateway_pointer self, clock::time_point now,
                     const std::string& what_next) {
  auto& st = self->state;
  st.admission.record_rate_limited(now);
  log_line(st.settings, st.name,
           "received a 429; in-flight limit now "
             + std::to_string(st.admission.limit()) + "; " + what_next);
}

// Whose failure it is, for the circuit breaker: the calls of one answer
// (its score, its explanation, their retries) count once; a call sent
// without a place (batch ids start at 1) counts for itself.
scoring::circuit_breaker::source failure_source(const llm_gateway_state& st,
                                                uint64_t id) {
  const auto& place = st.calls.at(id).place;
  if (place.batch == 0)
    return {0, id};
  return {place.batch, place.ticket};
}

void on_transient_failure(llm_gateway_pointer self, const llm_call_done& done) {
  auto& st = self->state;
  auto now = self->clock().now();
  auto asked = milliseconds{done.retry_after_ms};
  auto give_up_at = st.calls[done.call_id].give_up_at;
  auto time_left = give_up_at > now ? std::chrono::duration_cast<milliseconds>(
                     give_up_at - now)
                                    : milliseconds{0};
  auto retry_after = scoring::retry_policy::honoured_wait(
    asked, st.settings.llm_timeout, time_left);
  // A wait its answer cannot afford would be for nothing: the call fails
  // now, and its answer falls back at once.
  if (done.rate_limited && !retry_after) {
    on_rate_limited(self, now,
                    "the call fails: it asked to wait longer than its "
                    "answer can");
    auto refused = done;
    refused.message += " (it asked to wait "
                       + std::to_string(asked.count() / 1000)
                       + " s, longer than its answer can)";
    finish(self, done.call_id, refused);
    return;
  }
  // Another transient failure with so long a Retry-After still retries,
  // after what a call may take.
  auto wait_at_least
    = retry_after.value_or(std::min(asked, st.settings.llm_timeout));
  if (done.rate_limited)
    on_rate_limited(self, now,
                    "the call waits " + std::to_string(wait_at_least.count())
                      + " ms");
  if (st.circuit.record_failure(now, failure_source(st, done.call_id))) {
    auto cooldown
      = std::chrono::duration_cast<milliseconds>(st.circuit.cooldown());
    log_line(st.settings, st.name,
             "opened the circuit after calls of "
               + std::to_string(std::max<uint32_t>(st.circuit.threshold(), 1))
               + " answers failed in a row; calls wait "
               + std::to_string(cooldown.count()) + " ms");
  }
  auto& call = st.calls[done.call_id];
  // Nobody waits any more (the answer timed out, the batch ended): a retry
  // would be paid for nothing.
  if (call.waiters.empty()) {
    ++st.stats.abandoned;
    finish(self, done.call_id, done);
    return;
  }
  if (!st.retry.may_retry(call.attempts, st.stats.calls, st.stats.retries)) {
    finish(self, done.call_id, done);
    return;
  }
  ++st.stats.retries;
  // Told now, not with the final reply: a requester that gives up before
  // that still knows what its calls went through.
  for (const auto& requester : call.requesters)
    if (auto handle = caf::actor_cast<caf::actor>(requester))
      caf::anon_send(handle, retry_atom_v, done.message);
  auto wait = st.retry.backoff(call.attempts, wait_at_least, st.random);
  self->delayed_send(self, wait, retry_atom_v, done.call_id);
}

// The endpoint refused call `id` for its response_format: under
// --structured auto, it goes again at once with a weaker format, which
// every later call gets too. Returns false when it may not (a fixed
// format, or none left to drop).
bool ask_with_weaker_format(llm_gateway_pointer self, uint64_t id,
                            const std::string& why) {
  auto& st = self->state;
  auto& call = st.calls[id];
  auto refused = call.request.format;
  auto before = st.structured.level();
  if (!st.structured.refused(refused))
    return false;
  if (st.structured.level() != before) {
    st.format_refusals += (st.format_refusals.empty() ? "" : ", then ")
                          + std::string{to_string(refused)} + " (" + why + ")";
    auto now_sent = st.structured.level() == scoring::response_format::text
                      ? std::string{"without response_format"}
                      : "with " + std::string{to_string(st.structured.level())};
    // Each step's note tells the earlier ones too.
    call.format_note = "the endpoint refused response_format "
                       + st.format_refusals + "; score calls go " + now_sent
                       + " from now on";
    log_line(st.settings, st.name, call.format_note);
  }
  call.request.format = st.structured.sendable(refused);
  // Not a retry: the endpoint said what to change, and it costs no wait.
  --call.attempts;
  st.admission.requeue(id, call.place);
  return true;
}

void on_call_done(llm_gateway_pointer self, const llm_call_done& done) {
  auto& st = self->state;
  st.admission.finish();
  auto i = st.calls.find(done.call_id);
  if (i == st.calls.end())
    return;
  i->second.in_flight = false;
  st.groups.finished(i->second.place.group);
  if (done.code == ec::none) {
    st.circuit.record_success();
    st.stats.prompt_tokens += done.reply.usage.prompt_tokens;
    st.stats.completion_tokens += done.reply.usage.completion_tokens;
    st.admission.record_success();
    finish(self, done.call_id, done);
  } else if (done.retryable) {
    on_transient_failure(self, done);
  } else if (done.format_refused
             && ask_with_weaker_format(self, done.call_id, done.message)) {
    // Admitted again below.
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
    st.admission.remove(id);
    st.by_key.erase(call.key);
    st.calls.erase(i);
    ++st.stats.abandoned;
  }
  st.calls_of.erase(entry);
}

// When a requester at `place` stops waiting for its reply.
clock::time_point waiting_ends(const llm_gateway_state& st,
                               const call_place& place, clock::time_point now) {
  auto patience = place.patience_ms > 0 ? milliseconds{place.patience_ms}
                                        : st.settings.answer_timeout;
  if (patience.count() <= 0)
    return clock::time_point::max();
  return now + patience;
}

// A chat request from a scorer: answered from the cache, joined to an
// identical call under way, or queued as a new call at `place`.
caf::result<gateway_reply> on_chat(llm_gateway_pointer self,
                                   chat_request& request, call_place place) {
  auto& st = self->state;
  auto key = key_of(request);
  if (auto* hit = st.cache.find(key)) {
    ++st.stats.cache_hits;
    return gateway_reply{
      *hit, 0, true, st.structured.sendable(request.format), {}};
  }
  if (auto spent = budget_error(st))
    return spent;
  // Taken before the promise, which takes the sender over.
  auto sender = self->current_sender();
  auto promise = self->make_response_promise<gateway_reply>();
  auto give_up_at = waiting_ends(st, place, self->clock().now());
  if (auto same = st.by_key.find(key); same != st.by_key.end()) {
    ++st.stats.coalesced;
    auto& call = st.calls[same->second];
    call.give_up_at = std::max(call.give_up_at, give_up_at);
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
  call.place = place;
  call.give_up_at = give_up_at;
  st.admission.push(id, place);
  admit(self);
  return promise;
}

} // namespace

llm_gateway_actor::behavior_type
llm_gateway(llm_gateway_pointer self,
            std::shared_ptr<net::chat_backend> backend, config settings) {
  auto& st = self->state;
  st.backend = std::move(backend);
  st.settings = settings;
  st.admission = scoring::admission_queue{settings.max_in_flight};
  st.window = scoring::rate_window{settings.requests_per_minute,
                                   settings.tokens_per_minute,
                                   settings.rate_window};
  st.retry = scoring::retry_policy{settings.retries, settings.base_backoff,
                                   settings.max_backoff};
  st.circuit = scoring::circuit_breaker{settings.circuit_threshold,
                                        settings.circuit_cooldown};
  st.groups = scoring::call_groups{settings.rate_window};
  st.cache = scoring::reply_cache{settings.cache_entries};
  st.structured = settings.structured;
  st.random.seed(std::random_device{}());
  self->set_down_handler(
    [=](caf::down_msg& msg) { on_requester_down(self, msg); });
  return {
    [=](chat_atom, chat_request& request) {
      return on_chat(self, request, call_place{});
    },
    [=](chat_atom, chat_request& request, call_place place) {
      return on_chat(self, request, place);
    },
    [=](stats_atom) { return self->state.stats; },
    [=](limits_atom, uint64_t group, call_limits limits) {
      self->state.groups.set_limits(group, limits);
      admit(self);
    },
    [=](llm_call_done& done) { on_call_done(self, done); },
    [=](retry_atom, uint64_t id) {
      if (self->state.calls.count(id) > 0)
        self->state.admission.requeue(id, self->state.calls[id].place);
      admit(self);
    },
    [=](admit_atom) {
      self->state.wake_pending = false;
      admit(self);
    },
  };
}

} // namespace grader
