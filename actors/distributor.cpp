#include "actors/distributor.hpp"

#include <algorithm>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/log.hpp"
#include "actors/progress_report.hpp"
#include "actors/self_timer.hpp"
#include "messages/call_limits.hpp"
#include "messages/error.hpp"
#include "scoring/display_text.hpp"

namespace grader {

namespace {

using clock = distributor_state::clock;
using std::chrono::milliseconds;

// A node holds its capacity and a quarter more unsettled answers, topped
// up a quarter at a time: enough that a slot freed as an answer settles
// finds the next one there, few enough that the answers waiting on the node
// stay in step (see grader::live_scorer_window) and that the nodes run out
// of work together, not one chunk apart.
uint32_t chunk_size(uint32_t capacity) {
  return std::max<uint32_t>(capacity / 4, 1);
}

uint32_t work_ahead(uint32_t capacity) {
  return std::max<uint32_t>(capacity, 1) + chunk_size(capacity);
}

// Node `n`'s share of the batch's own limits: in proportion to its
// capacity among the nodes still in use, as rate limits are per API key,
// not per node.
call_limits limits_for(const distributor_state& st, size_t n) {
  uint64_t total = 0;
  for (size_t m = 0; m < st.nodes.size(); ++m)
    if (st.usable[m])
      total += st.nodes[m].capacity;
  return share_of(st.batch.options.limits, st.nodes[n].capacity, total);
}

// The calls node `n` keeps in flight for the batch: its capacity, or its
// share of the batch's in-flight limit when that is smaller.
uint32_t capacity_for(const distributor_state& st, size_t n) {
  auto limit = limits_for(st, n).max_in_flight;
  auto capacity = st.nodes[n].capacity;
  return limit > 0 ? std::min(capacity, limit) : capacity;
}

// A node replies by the batch deadline; past it by this much, it is taken
// for lost.
constexpr auto reply_grace = std::chrono::seconds{2};

uint64_t elapsed_ms(clock::time_point from, clock::time_point to) {
  return static_cast<uint64_t>(
    std::chrono::duration_cast<milliseconds>(to - from).count());
}

score_failure failure_of(const distributor_state& st, size_t i, ec code,
                         std::string message) {
  return failure_of(st.batch.answers[i], code, std::move(message));
}

void forward(distributor_pointer self, const answer_outcome& outcome) {
  auto& st = self->state;
  report_settled(self, st.listeners, st.counts, st.batch, outcome);
}

void reply_and_quit(distributor_pointer self) {
  auto& st = self->state;
  if (st.replied)
    return;
  st.replied = true;
  for (size_t n = 0; n < st.nodes.size(); ++n)
    log_line(st.settings, "distributor",
             "node " + scoring::escape_for_display(st.nodes[n].name, 80)
               + " settled " + std::to_string(st.settled_by[n]) + " answers");
  auto result = assemble_batch_result(
    st.batch.session_id, std::move(st.batch.rejected), st.outcomes,
    st.latencies_ms, elapsed_ms(st.received, self->clock().now()), st.llm);
  result.metrics.judge = st.judge;
  // The client's prices: the tokens are the sum of every node's.
  price(result.metrics, st.settings.prices);
  st.reply.deliver(std::move(result));
  // What the nodes still do for this batch is paid for nothing.
  if (!st.out.empty())
    for (size_t n = 0; n < st.nodes.size(); ++n)
      if (st.usable[n] && st.chunks_out[n] > 0)
        self->send(st.nodes[n].service, cancel_atom_v, st.batch.session_id);
  self->quit();
}

void settle(distributor_pointer self, size_t i, answer_outcome outcome) {
  auto& st = self->state;
  if (st.outcomes[i])
    return;
  if (st.owner[i] != distributor_state::nowhere) {
    ++st.settled_by[st.owner[i]];
    --st.assigned[st.owner[i]];
    st.owner[i] = distributor_state::nowhere;
  }
  st.latencies_ms.push_back(elapsed_ms(st.handed_out[i], self->clock().now()));
  forward(self, outcome);
  st.outcomes[i] = std::move(outcome);
  if (--st.unfinished == 0)
    reply_and_quit(self);
}

void hand_out(distributor_pointer self);

// Settles an outcome a node sent, by the position of its answer; one for
// an answer the batch does not have is ignored.
void settle_from_node(distributor_pointer self, answer_outcome outcome) {
  auto& st = self->state;
  auto i = st.position.find(index_of(outcome));
  if (i == st.position.end())
    return;
  settle(self, i->second, std::move(outcome));
  if (!st.replied)
    hand_out(self);
}

// Every answer without an outcome gets `code`.
void fail_unfinished(distributor_pointer self, ec code,
                     const std::string& message) {
  auto& st = self->state;
  for (size_t i = 0; i < st.outcomes.size() && !st.replied; ++i)
    if (!st.outcomes[i])
      settle(self, i, answer_outcome{failure_of(st, i, code, message)});
}

// Names the nodes lost, for the failures of the answers none could score.
std::string lost_nodes_text(const distributor_state& st) {
  std::string names;
  for (const auto& node : st.nodes)
    names += (names.empty() ? "" : ", ") + node.name;
  return "no node left to score it (lost: " + names + ")";
}

// The chunk is no longer out; returns its answers.
std::vector<size_t>
take_back(distributor_state& st,
          std::map<uint64_t, distributor_state::chunk>::iterator chunk) {
  auto answers = std::move(chunk->second.answers);
  auto n = chunk->second.node;
  --st.chunks_out[n];
  st.out.erase(chunk);
  for (auto a : answers)
    if (st.owner[a] == n) {
      --st.assigned[n];
      st.owner[a] = distributor_state::nowhere;
    }
  return answers;
}

// The unsettled of `answers` go first in line for a node, oldest first.
void requeue(distributor_state& st, std::vector<size_t> answers) {
  answers.erase(
    std::remove_if(answers.begin(), answers.end(),
                   [&](size_t a) { return st.outcomes[a].has_value(); }),
    answers.end());
  std::sort(answers.begin(), answers.end());
  st.waiting.insert(st.waiting.begin() + st.next_waiting, answers.begin(),
                    answers.end());
}

// The node gets no more work, and what it has goes to the others.
void lose_node(distributor_pointer self, size_t n, const char* why) {
  auto& st = self->state;
  if (!st.usable[n] && st.chunks_out[n] == 0)
    return;
  st.usable[n] = false;
  std::vector<size_t> again;
  for (auto i = st.out.begin(); i != st.out.end();) {
    auto next = std::next(i);
    if (i->second.node == n) {
      auto answers = take_back(st, i);
      again.insert(again.end(), answers.begin(), answers.end());
    }
    i = next;
  }
  requeue(st, again);
  log_line(st.settings, "distributor",
           "lost node " + scoring::escape_for_display(st.nodes[n].name, 80)
             + " (" + why
             + "); its unfinished answers go to the other "
               "nodes");
  hand_out(self);
}

void on_chunk_done(distributor_pointer self, uint64_t id,
                   batch_result& result) {
  auto& st = self->state;
  auto chunk = st.out.find(id);
  if (chunk == st.out.end())
    return; // its node was taken for lost: the answers went elsewhere
  if (st.llm.empty())
    st.llm = result.metrics.llm;
  if (st.judge.prompt_version.empty())
    st.judge = result.metrics.judge;
  // Settled while still the node's, so that they count as its work.
  for (auto& x : result.results)
    settle_from_node(self, answer_outcome{std::move(x)});
  for (auto& x : result.failures)
    settle_from_node(self, answer_outcome{std::move(x)});
  if (st.replied)
    return;
  auto answers = take_back(st, chunk);
  // A node that left answers out lost them: they go to another.
  requeue(st, std::move(answers));
  hand_out(self);
}

void on_chunk_error(distributor_pointer self, uint64_t id,
                    const caf::error& err) {
  auto& st = self->state;
  auto chunk = st.out.find(id);
  if (chunk == st.out.end())
    return;
  auto n = chunk->second.node;
  // The node is shutting down: it finishes the chunks it has, and this one
  // goes to another.
  if (err == ec::node_stopping) {
    st.usable[n] = false;
    log_line(st.settings, "distributor",
             "node " + scoring::escape_for_display(st.nodes[n].name, 80)
               + " is shutting down; its new work goes to the others");
    requeue(st, take_back(st, chunk));
    hand_out(self);
    return;
  }
  // The node refused the chunk itself: another would too.
  if (err.category() == caf::atom("grader")) {
    auto code = static_cast<ec>(err.code());
    for (auto a : take_back(st, chunk))
      if (!st.outcomes[a] && !st.replied)
        settle(self, a,
               answer_outcome{failure_of(st, a, code, error_text(err))});
    if (!st.replied)
      hand_out(self);
    return;
  }
  // No reply in time, or the connection is gone.
  lose_node(self, n,
            err == caf::sec::request_timeout ? "no reply by the deadline"
                                             : "its reply failed");
}

// The next answers for a node of `capacity`: a chunk_size.
std::vector<size_t> take_chunk(distributor_state& st, uint32_t capacity) {
  std::vector<size_t> result;
  auto size = chunk_size(capacity);
  while (result.size() < size && st.next_waiting < st.waiting.size()) {
    auto a = st.waiting[st.next_waiting++];
    if (!st.outcomes[a])
      result.push_back(a);
  }
  return result;
}

void send_chunk(distributor_pointer self, size_t n,
                std::vector<size_t> answers) {
  auto& st = self->state;
  auto now = self->clock().now();
  batch_request part;
  part.session_id = st.batch.session_id;
  part.options = st.batch.options;
  part.options.limits = limits_for(st, n);
  auto left = std::max(st.deadline - now, clock::duration{milliseconds{1}});
  part.options.deadline_ms = static_cast<uint32_t>(std::max<int64_t>(
    std::chrono::duration_cast<milliseconds>(left).count(), 1));
  part.answers.reserve(answers.size());
  for (auto a : answers) {
    part.answers.push_back(st.batch.answers[a]);
    st.handed_out[a] = now;
    st.owner[a] = n;
  }
  st.assigned[n] += static_cast<uint32_t>(answers.size());
  auto id = st.next_chunk++;
  st.out.emplace(id, distributor_state::chunk{n, std::move(answers)});
  ++st.chunks_out[n];
  progress_listeners relay{caf::actor_cast<progress_listener_actor>(self)};
  self
    ->request(st.nodes[n].service, left + reply_grace, score_atom_v,
              std::move(part), std::move(relay))
    .then([=](batch_result& result) { on_chunk_done(self, id, result); },
          [=](caf::error& err) { on_chunk_error(self, id, err); });
}

// Tops every usable node up to its work_ahead, the node with the least
// work for its capacity first. With no node left to take work, the answers
// waiting fail: only those out on a node that is shutting down may still
// come back.
void hand_out(distributor_pointer self) {
  auto& st = self->state;
  if (std::none_of(st.usable.begin(), st.usable.end(),
                   [](bool usable) { return usable; })) {
    auto text = lost_nodes_text(st);
    for (auto i = st.next_waiting; i < st.waiting.size() && !st.replied; ++i)
      if (!st.outcomes[st.waiting[i]])
        settle(
          self, st.waiting[i],
          answer_outcome{failure_of(st, st.waiting[i], ec::node_lost, text)});
    return;
  }
  // The nodes in use, and so their capacities, stay as they are while the
  // chunks go out.
  std::vector<uint32_t> capacity(st.nodes.size());
  for (size_t n = 0; n < st.nodes.size(); ++n)
    capacity[n] = capacity_for(st, n);
  auto share = [&](size_t n) {
    return double(st.assigned[n]) / std::max<uint32_t>(capacity[n], 1);
  };
  for (;;) {
    size_t best = st.nodes.size();
    for (size_t n = 0; n < st.nodes.size(); ++n)
      if (st.usable[n] && st.assigned[n] < work_ahead(capacity[n])
          && (best == st.nodes.size() || share(n) < share(best)))
        best = n;
    if (best == st.nodes.size())
      return;
    auto answers = take_chunk(st, capacity[best]);
    if (answers.empty())
      return;
    send_chunk(self, best, std::move(answers));
  }
}

void on_node_down(distributor_pointer self, const caf::down_msg& msg) {
  auto& st = self->state;
  for (size_t n = 0; n < st.nodes.size(); ++n)
    if (st.nodes[n].service.address() == msg.source)
      lose_node(self, n, "it died or stopped answering");
}

} // namespace

distributor_actor::behavior_type distributor(distributor_pointer self,
                                             std::vector<remote_node> nodes,
                                             config settings) {
  auto& st = self->state;
  st.nodes = std::move(nodes);
  st.settings = settings;
  st.usable.assign(st.nodes.size(), true);
  // What judged the answers, should no chunk's reply tell first.
  if (!st.nodes.empty()) {
    st.llm = st.nodes.front().llm;
    st.judge = st.nodes.front().judge;
  }
  st.chunks_out.assign(st.nodes.size(), 0);
  st.assigned.assign(st.nodes.size(), 0);
  st.settled_by.assign(st.nodes.size(), 0);
  self->set_down_handler([=](caf::down_msg& msg) { on_node_down(self, msg); });
  return {
    [=](score_atom, batch_request& batch,
        progress_listeners& listeners) -> caf::result<batch_result> {
      auto& st = self->state;
      auto reply = self->make_response_promise<batch_result>();
      st.reply = reply;
      st.received = self->clock().now();
      st.deadline = st.received + milliseconds{batch.options.deadline_ms};
      st.batch = std::move(batch);
      st.listeners = std::move(listeners);
      auto n = st.batch.answers.size();
      st.outcomes.resize(n);
      st.handed_out.assign(n, st.received);
      st.owner.assign(n, distributor_state::nowhere);
      st.unfinished = n;
      st.position.reserve(n);
      for (size_t i = 0; i < n; ++i)
        if (!st.position.emplace(st.batch.answers[i].index, i).second) {
          st.replied = true;
          reply.deliver(caf::make_error(
            ec::invalid_batch, "two answers share position "
                                 + std::to_string(st.batch.answers[i].index)));
          self->quit();
          return reply;
        }
      for (const auto& item : st.batch.rejected)
        forward(self, answer_outcome{item});
      if (n == 0) {
        reply_and_quit(self);
        return reply;
      }
      st.waiting.resize(n);
      for (size_t i = 0; i < n; ++i)
        st.waiting[i] = i;
      for (const auto& node : st.nodes)
        self->monitor(node.service);
      if (st.nodes.empty()) {
        fail_unfinished(self, ec::node_lost, "no node to score it");
        return reply;
      }
      start_self_timer(self,
                       std::chrono::duration_cast<milliseconds>(
                         st.deadline - st.received + reply_grace),
                       [self] {
                         fail_unfinished(self, ec::node_lost,
                                         "no node replied by the deadline");
                       });
      hand_out(self);
      return reply;
    },
    [=](cancel_atom) {
      auto& st = self->state;
      for (size_t n = 0; n < st.nodes.size(); ++n)
        if (st.usable[n])
          self->send(st.nodes[n].service, cancel_atom_v, st.batch.session_id);
      fail_unfinished(self, ec::cancelled,
                      "the batch was cancelled before this answer was "
                      "scored");
    },
    [=](deadline_atom) -> caf::delegated<void> { return {}; },
    [=](batch_progress& event) {
      if (!self->state.replied)
        settle_from_node(self, std::move(event.outcome));
    },
    [=](flush_atom) { return std::string{}; },
  };
}

} // namespace grader
