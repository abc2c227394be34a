#include "apps/grader/bench_gateway_cost.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <variant>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/llm_gateway.hpp"
#include "apps/grader/bench_batch.hpp"
#include "net/openai_backend.hpp"
#include "scoring/prompts.hpp"

namespace grader::app {

namespace {

using clock_type = std::chrono::steady_clock;

// A call may take this long; far beyond the judge's latency, so that only
// a lost call runs into it.
constexpr std::chrono::seconds call_timeout{20};

double ms_between(clock_type::time_point from, clock_type::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// The load's prompts, made before the clock starts: the score prompt of
// distinct short answers, as scorers send them.
std::vector<chat_request> prompts(uint64_t calls) {
  auto batch = bench_batch(question_type::short_answer, calls, "gateway");
  std::vector<chat_request> result;
  result.reserve(batch.answers.size());
  for (const auto& x : batch.answers)
    result.push_back(scoring::short_answer_prompt(x));
  return result;
}

std::shared_ptr<net::chat_backend> backend_for(const call_load& load) {
  net::http_client_options http;
  http.max_connections_per_host = load.concurrency;
  return net::make_openai_backend({load.url, "judge", ""}, http);
}

// What the requester actor and the waiting thread share; the thread reads
// it only after `finished` is set.
struct shared_run {
  std::vector<chat_request> requests;
  std::vector<double> round_trip_ms;
  clock_type::time_point first_sent;
  clock_type::time_point last_reply;
  uint64_t failures = 0;
  std::promise<void> finished;
};

struct requester_state {
  static inline const char* name = "bench_requester";
  llm_gateway_actor gateway;
  std::shared_ptr<shared_run> run;
  size_t next = 0;
  size_t done = 0;
};

using requester_pointer = caf::stateful_actor<requester_state>*;

void send_next(requester_pointer self);

void on_reply(requester_pointer self, size_t i, clock_type::time_point sent,
              bool ok) {
  auto& st = self->state;
  auto now = clock_type::now();
  st.run->round_trip_ms[i] = ms_between(sent, now);
  st.run->last_reply = now;
  if (!ok)
    ++st.run->failures;
  if (st.next < st.run->requests.size())
    send_next(self);
  if (++st.done == st.run->requests.size()) {
    st.run->finished.set_value();
    self->quit();
  }
}

void send_next(requester_pointer self) {
  auto& st = self->state;
  auto i = st.next++;
  // One batch, tickets in order of sending: admission is first come,
  // first served, as for the answers of one batch.
  call_place place;
  place.batch = 1;
  place.ticket = i;
  auto sent = clock_type::now();
  self
    ->request(st.gateway, caf::infinite, chat_atom_v, st.run->requests[i],
              place)
    .then([self, i,
           sent](const gateway_reply&) { on_reply(self, i, sent, true); },
          [self, i, sent](caf::error&) { on_reply(self, i, sent, false); });
}

caf::behavior requester(requester_pointer self, llm_gateway_actor gateway,
                        std::shared_ptr<shared_run> run, uint32_t concurrency) {
  auto& st = self->state;
  st.gateway = std::move(gateway);
  st.run = std::move(run);
  st.run->first_sent = clock_type::now();
  auto first = std::min<size_t>(concurrency, st.run->requests.size());
  for (size_t k = 0; k < first; ++k)
    send_next(self);
  // Replies arrive as responses; this keeps the actor alive until the
  // last one, when it quits.
  return {[](caf::ok_atom) {}};
}

call_timings timings_of(shared_run& run) {
  call_timings x;
  x.round_trip_ms = std::move(run.round_trip_ms);
  x.seconds = ms_between(run.first_sent, run.last_reply) / 1000.0;
  x.failures = run.failures;
  return x;
}

// Long enough for any load that runs at all: a hundred times its ideal,
// and a minute at least.
std::chrono::milliseconds give_up_after(const call_load& load,
                                        double latency_ms) {
  auto rounds = static_cast<double>(load.calls)
                / std::max<uint32_t>(load.concurrency, 1);
  auto ideal = std::chrono::milliseconds{
    static_cast<int64_t>(rounds * std::max(latency_ms, 1.0))};
  return std::max<std::chrono::milliseconds>(100 * ideal,
                                             std::chrono::minutes{1});
}

} // namespace

call_timings time_gateway_calls(caf::actor_system& sys, const call_load& load) {
  auto run = std::make_shared<shared_run>();
  run->requests = prompts(load.calls);
  run->round_trip_ms.assign(load.calls, 0.0);
  auto finished = run->finished.get_future();
  config settings;
  settings.max_in_flight = load.concurrency;
  settings.llm_timeout = call_timeout;
  auto gateway = sys.spawn(llm_gateway, backend_for(load), settings);
  auto client = sys.spawn(requester, gateway, run, load.concurrency);
  call_timings result;
  if (finished.wait_for(give_up_after(load, 20)) == std::future_status::ready) {
    result = timings_of(*run);
  } else {
    caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
    result.error = "the gateway did not answer every call in time";
  }
  caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
  return result;
}

call_timings time_direct_calls(const call_load& load) {
  auto requests = prompts(load.calls);
  std::mutex mutex;
  std::condition_variable replied;
  std::vector<double> round_trip_ms(load.calls, 0.0);
  clock_type::time_point last_reply;
  uint64_t failures = 0;
  uint64_t done = 0;
  // Declared after what its callbacks touch, so that it ends (cancelling
  // any call still out) before they do.
  auto backend = backend_for(load);
  // Sends from this thread, never from the client's callback: the client
  // serves its I/O thread, the bench only waits for room.
  auto send = [&](size_t i) {
    auto sent = clock_type::now();
    backend->complete(requests[i], call_timeout,
                      [&, i, sent](net::chat_outcome outcome) {
                        auto now = clock_type::now();
                        std::lock_guard<std::mutex> guard{mutex};
                        round_trip_ms[i] = ms_between(sent, now);
                        last_reply = now;
                        if (std::holds_alternative<net::chat_failure>(outcome))
                          ++failures;
                        ++done;
                        replied.notify_one();
                      });
  };
  auto first_sent = clock_type::now();
  auto give_up = first_sent + give_up_after(load, 20);
  call_timings result;
  for (size_t i = 0; i < load.calls; ++i) {
    std::unique_lock<std::mutex> lock{mutex};
    if (!replied.wait_until(lock, give_up,
                            [&] { return i - done < load.concurrency; })) {
      result.error = "the judge did not answer every call in time";
      break;
    }
    lock.unlock();
    send(i);
  }
  std::unique_lock<std::mutex> lock{mutex};
  if (!replied.wait_until(lock, give_up, [&] { return done == load.calls; })
      && result.error.empty())
    result.error = "the judge did not answer every call in time";
  if (!result.error.empty()) {
    // The callbacks refer to this frame: end the client before leaving it.
    lock.unlock();
    backend.reset();
    return result;
  }
  result.round_trip_ms = std::move(round_trip_ms);
  result.seconds = ms_between(first_sent, last_reply) / 1000.0;
  result.failures = failures;
  return result;
}

double added_ms(const call_timings& x, size_t skip, double fraction,
                double latency_ms) {
  if (x.round_trip_ms.size() <= skip)
    skip = 0;
  std::vector<double> kept(x.round_trip_ms.begin()
                             + static_cast<std::ptrdiff_t>(skip),
                           x.round_trip_ms.end());
  if (kept.empty())
    return 0;
  auto rank = static_cast<size_t>(
    std::ceil(fraction * static_cast<double>(kept.size())));
  auto at = std::min(kept.size() - 1, rank > 0 ? rank - 1 : 0);
  std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(at),
                   kept.end());
  return kept[at] - latency_ms;
}

} // namespace grader::app
