#include "actors/scoring_service.hpp"

#include <iterator>

#include <caf/actor_system.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/batch_coordinator.hpp"
#include "actors/llm_gateway.hpp"
#include "actors/log.hpp"
#include "messages/error.hpp"
#include "net/chat_backend.hpp"
#include "net/judge_backend.hpp"
#include "scoring/display_text.hpp"
#include "scoring/prompts.hpp"

namespace grader {

namespace {

// The gateway's group of limits for `batch` from `from`, its limits set:
// the group of the batches before it of the same requester and session id
// (the chunks of one remote batch), else a new one; 0 when the batch has no
// limits of its own.
uint64_t limits_group_for(scoring_service_pointer self,
                          const caf::node_id& from,
                          const batch_request& batch) {
  auto& st = self->state;
  if (!batch.options.limits.any())
    return 0;
  uint64_t group = 0;
  if (batch.session_id.empty()) {
    group = st.next_limits_group++;
  } else {
    auto [entry, added] = st.limits_groups.try_emplace(
      std::make_pair(from, batch.session_id), st.next_limits_group);
    if (added)
      ++st.next_limits_group;
    group = entry->second;
  }
  self->send(st.gateway, limits_atom_v, group, batch.options.limits);
  return group;
}

// How long the service waits for the address of a client that connected.
constexpr auto client_lookup_timeout = std::chrono::seconds{1};

// Tells the operator a client connected; the actors that were running when
// it did tell whether the clients that went left anything behind.
void log_connected(scoring_service_pointer self, const caf::actor_addr& who,
                   size_t actors_running) {
  auto& st = self->state;
  auto client = st.clients.find(who);
  if (client == st.clients.end())
    return;
  write_log_line("node", "client " + client->second.name + " connected ("
                           + std::to_string(actors_running)
                           + " actors running)");
}

// Once no batch at work is in `group`, the gateway forgets it.
void forget_unused_group(scoring_service_pointer self, uint64_t group) {
  auto& st = self->state;
  if (group == 0)
    return;
  for (const auto& [session_id, batch] : st.running)
    if (batch.limits_group == group)
      return;
  for (auto i = st.limits_groups.begin(); i != st.limits_groups.end(); ++i)
    if (i->second == group) {
      st.limits_groups.erase(i);
      break;
    }
  self->send(st.gateway, limits_atom_v, group, call_limits{});
}

} // namespace

scoring_service_actor::behavior_type
scoring_service(scoring_service_pointer self, config settings,
                std::shared_ptr<net::chat_backend> backend,
                scorer_factory make_scorer) {
  auto& st = self->state;
  if (!backend)
    backend = net::make_builtin_judge_backend();
  settings.llm_name = backend->description();
  settings.judge.prompt_version = scoring::prompt_version();
  if (settings.judge.model.empty())
    settings.judge.model = backend->description();
  st.settings = settings;
  st.gateway = self->spawn<caf::linked>(llm_gateway, std::move(backend),
                                        settings);
  st.make_scorer = make_scorer
                     ? std::move(make_scorer)
                     : scorers_using(st.gateway, settings.answer_limits,
                                     settings.judge);
  // A coordinator ends with its batch: forget it. A client that goes
  // (its process ended, its connection broke) takes its batches with it.
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    if (auto client = st.clients.find(msg.source); client != st.clients.end()) {
      auto gone = std::move(client->second);
      st.clients.erase(client);
      size_t ended = 0;
      for (auto& [session_id, batch] : st.running)
        if (batch.from == gone.node) {
          self->send_exit(batch.coordinator, caf::exit_reason::user_shutdown);
          ++ended;
        }
      if (st.settings.log_clients)
        write_log_line("node", "client " + gone.name + " disconnected; "
                                 + std::to_string(ended)
                                 + " of its batches end");
      return;
    }
    auto& running = st.running;
    for (auto i = running.begin(); i != running.end();) {
      if (i->second.coordinator.address() != msg.source) {
        ++i;
        continue;
      }
      auto group = i->second.limits_group;
      i = running.erase(i);
      forget_unused_group(self, group);
    }
    st.stopping.batch_ended(running.size());
  });
  // Its batches end with it: a host that stops grader mid-batch must not
  // wait for their deadlines.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [session_id, batch] : self->state.running)
      self->send_exit(batch.coordinator, msg.reason);
    self->quit(msg.reason);
  });
  auto start_batch
    = [=](batch_request& batch,
          progress_listeners& listeners) -> caf::result<batch_result> {
    auto& st = self->state;
    if (st.stopping.started())
      return caf::make_error(ec::node_stopping,
                             "the node takes no new batch: it is shutting "
                             "down");
    ++st.batches;
    auto sender = self->current_sender();
    auto from = sender ? sender->node() : caf::node_id{};
    auto group = limits_group_for(self, from, batch);
    // On a thread of its own, the coordinator keeps its deadline even
    // while costly answers occupy every scheduler thread.
    auto coordinator = self->spawn<caf::monitored + caf::detached>(
      batch_coordinator, st.settings, st.make_scorer, group);
    st.running.emplace(batch.session_id, scoring_service_state::running_batch{
                                           coordinator, from, group});
    return self->delegate(coordinator, score_atom_v, std::move(batch),
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
      // Batches sent without a session id cannot be named.
      if (session_id.empty())
        return;
      auto range = self->state.running.equal_range(session_id);
      for (auto i = range.first; i != range.second; ++i)
        self->send(i->second.coordinator, cancel_atom_v);
    },
    [=](stats_atom) {
      return self->delegate(self->state.gateway, stats_atom_v);
    },
    [=](capacity_atom) {
      const auto& settings = self->state.settings;
      return caf::make_result(settings.max_in_flight, settings.llm_name,
                              settings.judge);
    },
    [=](drain_atom) -> caf::result<uint64_t> {
      auto& st = self->state;
      return st.stopping.begin(self, st.running.size());
    },
    [=](client_atom, const caf::actor& client) {
      auto& st = self->state;
      if (!client
          || !st.clients
                .emplace(client.address(),
                         scoring_service_state::client{
                           client.node(), caf::to_string(client.node())})
                .second)
        return;
      self->monitor(client);
      if (!st.settings.log_clients)
        return;
      // Counted now: by the time the address comes, its batches may run.
      auto running = self->system().registry().running();
      if (!st.settings.client_directory) {
        log_connected(self, client.address(), running);
        return;
      }
      self
        ->request(st.settings.client_directory, client_lookup_timeout,
                  caf::get_atom_v, client.node())
        .then(
          [=](const caf::node_id&, const std::string& host, uint16_t port) {
            auto known = self->state.clients.find(client.address());
            if (known != self->state.clients.end() && !host.empty())
              known->second.name = scoring::escape_for_display(host, 80) + ":"
                                   + std::to_string(port);
            log_connected(self, client.address(), running);
          },
          [=](const caf::error&) {
            log_connected(self, client.address(), running);
          });
    },
  };
}

scoring_service_actor
spawn_scoring_service(caf::actor_system& sys, config settings,
                      std::shared_ptr<net::chat_backend> backend) {
  return sys.spawn(scoring_service, settings, std::move(backend),
                   scorer_factory{});
}

scoring_service_actor spawn_scoring_service(caf::actor_system& sys,
                                            config settings,
                                            scorer_factory make_scorer) {
  return sys.spawn(scoring_service, settings, nullptr, std::move(make_scorer));
}

} // namespace grader
