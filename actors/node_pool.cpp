#include "actors/node_pool.hpp"

#include <iterator>
#include <memory>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/error.hpp"
#include "scoring/uuid.hpp"

namespace grader {

namespace {

// How long the pool waits for a node's counters.
constexpr auto stats_timeout = std::chrono::seconds{5};

void add(llm_stats& sum, const llm_stats& x) {
  sum.calls += x.calls;
  sum.retries += x.retries;
  sum.failures += x.failures;
  sum.prompt_tokens += x.prompt_tokens;
  sum.completion_tokens += x.completion_tokens;
  sum.in_flight_high_water += x.in_flight_high_water;
  sum.cache_hits += x.cache_hits;
  sum.coalesced += x.coalesced;
  sum.abandoned += x.abandoned;
}

} // namespace

scoring_service_actor::behavior_type node_pool(node_pool_pointer self,
                                               std::vector<remote_node> nodes,
                                               config settings) {
  auto& st = self->state;
  st.nodes = std::move(nodes);
  st.settings = settings;
  st.random.seed(std::random_device{}());
  // The nodes end this client's batches should it go.
  for (const auto& node : st.nodes)
    self->send(node.service, client_atom_v, caf::actor_cast<caf::actor>(self));
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& running = self->state.running;
    for (auto i = running.begin(); i != running.end();)
      i = i->second.address() == msg.source ? running.erase(i) : std::next(i);
    auto& st = self->state;
    st.stopping.batch_ended(running.size());
  });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [session_id, x] : self->state.running)
      self->send_exit(x, msg.reason);
    self->quit(msg.reason);
  });
  auto start_batch
    = [=](batch_request& batch,
          progress_listeners& listeners) -> caf::result<batch_result> {
    auto& st = self->state;
    if (st.stopping.started())
      return caf::make_error(ec::node_stopping,
                             "the client takes no new batch: it is shutting "
                             "down");
    // The chunks of a batch share its session id: cancelling it on a node
    // cancels them all.
    if (batch.session_id.empty())
      batch.session_id = scoring::make_uuid(st.random);
    if (batch.options.deadline_ms == 0)
      batch.options.deadline_ms
        = static_cast<uint32_t>(st.settings.deadline.count());
    auto x = self->spawn<caf::monitored>(distributor, st.nodes, st.settings);
    st.running.emplace(batch.session_id, x);
    return self->delegate(x, score_atom_v, std::move(batch),
                          std::move(listeners));
  };
  return {
    [=](score_atom, batch_request& batch) {
      progress_listeners none;
      return start_batch(batch, none);
    },
    [=](score_atom, batch_request& batch, progress_listeners& listeners) {
      return start_batch(batch, listeners);
    },
    [=](cancel_atom, const std::string& session_id) {
      auto range = self->state.running.equal_range(session_id);
      for (auto i = range.first; i != range.second; ++i)
        self->send(i->second, cancel_atom_v);
    },
    [=](stats_atom) -> caf::result<llm_stats> {
      auto& nodes = self->state.nodes;
      auto promise = self->make_response_promise<llm_stats>();
      if (nodes.empty()) {
        promise.deliver(llm_stats{});
        return promise;
      }
      struct tally {
        llm_stats sum;
        size_t pending;
      };
      auto counts = std::make_shared<tally>(tally{{}, nodes.size()});
      auto done = [promise, counts]() mutable {
        if (--counts->pending == 0)
          promise.deliver(counts->sum);
      };
      for (const auto& node : nodes)
        self->request(node.service, stats_timeout, stats_atom_v)
          .then(
            [counts, done](const llm_stats& x) mutable {
              add(counts->sum, x);
              done();
            },
            [done](const caf::error&) mutable { done(); });
      return promise;
    },
    [=](drain_atom) -> caf::result<uint64_t> {
      auto& st = self->state;
      return st.stopping.begin(self, st.running.size());
    },
    // Its nodes follow its own clients (see above).
    [=](client_atom, const caf::actor&) {},
    [=](capacity_atom) {
      uint32_t sum = 0;
      for (const auto& node : self->state.nodes)
        sum += node.capacity;
      const auto& nodes = self->state.nodes;
      if (nodes.empty())
        return caf::make_result(sum, std::string{"none"}, judge_settings{});
      return caf::make_result(sum, nodes.front().llm, nodes.front().judge);
    },
  };
}

scoring_service_actor spawn_node_pool(caf::actor_system& sys,
                                      std::vector<remote_node> nodes,
                                      config settings) {
  return sys.spawn(node_pool, std::move(nodes), settings);
}

} // namespace grader
