#include "actors/batch_coordinator.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_set>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/log.hpp"
#include "actors/progress_report.hpp"
#include "actors/self_timer.hpp"
#include "messages/error.hpp"
#include "scoring/display_text.hpp"
#include "scoring/feedback.hpp"
#include "scoring/rules.hpp"
#include "scoring/uuid.hpp"

namespace grader {

namespace {

using clock = batch_coordinator_state::clock;

uint64_t elapsed_ms(clock::time_point since, clock::time_point now) {
  auto elapsed = now - since;
  return static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
}

// Applies the batch's own options over the service settings.
config effective_settings(config settings, const batch_options& options) {
  using std::chrono::milliseconds;
  if (options.answer_timeout_ms > 0)
    settings.answer_timeout = milliseconds{options.answer_timeout_ms};
  if (options.deadline_ms > 0)
    settings.deadline = milliseconds{options.deadline_ms};
  if (options.max_live_scorers > 0)
    settings.max_live_scorers = options.max_live_scorers;
  settings.max_live_scorers = live_scorer_window(settings);
  settings.explain = options.explain;
  return settings;
}

// The first position two items of `batch` share, if any.
std::optional<uint64_t> repeated_position(const batch_request& batch) {
  std::unordered_set<uint64_t> taken;
  taken.reserve(batch.answers.size() + batch.rejected.size());
  for (const auto& x : batch.answers)
    if (!taken.insert(x.index).second)
      return x.index;
  for (const auto& x : batch.rejected)
    if (!taken.insert(x.index).second)
      return x.index;
  return std::nullopt;
}

score_failure failure_of(const batch_coordinator_state& st, size_t i, ec code,
                         std::string message) {
  return failure_of(st.batch.answers[i], code, std::move(message));
}

score_result fallback_result_of(const batch_coordinator_state& st, size_t i,
                                const char* reason) {
  const auto& x = st.batch.answers[i];
  auto verdict = scoring::fallback_grade(x);
  auto explanation = st.settings.explain
                       ? scoring::templated_explanation(x, verdict)
                       : std::string{};
  auto result = make_score_result(st.batch.session_id, x, std::move(verdict),
                                  std::move(explanation));
  result.fallback_reason = reason;
  return result;
}

// At the deadline the coordinator applies the fallback rules itself, on its
// own thread, which must reply at once: only to answers small enough for
// the rules to take well under a millisecond (the answer limits' defaults
// are), and only within this allowance past the deadline. The rest get no
// rule applied (see scoring::deferred_grade), so that however costly the
// answers, the reply comes by deadline + 0.5 s.
constexpr auto fallback_allowance = std::chrono::milliseconds{250};
constexpr size_t cheap_answer_bytes = 64 * 1024;

bool cheap_to_grade(const answer& x) {
  auto bytes = x.user_answer.size() + x.correct_answer.size();
  for (const auto& keyword : x.correct_keywords)
    bytes += keyword.size();
  return bytes <= cheap_answer_bytes;
}

// `now` is read anew for each answer: the allowance bounds the time the
// fallback rules take, answer after answer.
score_result deadline_result_of(const batch_coordinator_state& st, size_t i,
                                clock::time_point now) {
  const auto& x = st.batch.answers[i];
  if (cheap_to_grade(x)
      && now < st.received + st.settings.deadline + fallback_allowance)
    return fallback_result_of(st, i, fallback_reasons::deadline);
  auto result = make_score_result(st.batch.session_id, x,
                                  scoring::deferred_grade(x), std::string{});
  result.fallback_reason = fallback_reasons::deadline;
  return result;
}

// The scorer gets the answer timeout and falls back on its own with what it
// has; the coordinator waits this much longer before it gives up on a
// scorer that does not answer at all.
constexpr auto scorer_grace = std::chrono::seconds{1};

// How long before the batch deadline scorers give up on their own (a tenth
// of the deadline when that is less): time for their replies to come in.
constexpr auto deadline_margin = std::chrono::milliseconds{100};

// Takes the handle by value: callers may pass a reference into `live`.
void stop_scorer(batch_coordinator_pointer self, scorer_actor scorer) {
  self->state.live.erase(scorer.address());
  self->send_exit(scorer, caf::exit_reason::user_shutdown);
}

batch_result assemble(batch_coordinator_state& st, clock::time_point now) {
  auto result = assemble_batch_result(
    st.batch.session_id, std::move(st.batch.rejected), st.outcomes,
    st.latencies_ms, elapsed_ms(st.received, now), st.settings.llm_name);
  result.metrics.judge = st.settings.judge;
  price(result.metrics, st.settings.prices);
  return result;
}

// How log lines name the batch: its session id comes from the requester.
std::string batch_name(const batch_coordinator_state& st) {
  return "session '" + scoring::escape_for_display(st.batch.session_id, 80)
         + "'";
}

// Replies with everything gathered, stops the scorers still at work and
// ends the coordinator.
void reply_and_quit(batch_coordinator_pointer self) {
  auto& st = self->state;
  st.replied = true;
  auto result = assemble(st, self->clock().now());
  log_line(st.settings, "coordinator",
           "replied to " + batch_name(st) + ": "
             + std::to_string(result.results.size()) + " scored, "
             + std::to_string(result.failures.size()) + " failed, in "
             + std::to_string(result.metrics.wall_ms) + " ms");
  st.reply.deliver(std::move(result));
  while (!st.live.empty())
    stop_scorer(self, st.live.begin()->second.second);
  self->quit();
}

void spawn_next(batch_coordinator_pointer self);

// Tells the listeners about one settled item.
void report(batch_coordinator_pointer self, const answer_outcome& outcome) {
  auto& st = self->state;
  report_settled(self, st.listeners, st.counts, st.batch, outcome);
}

// Settles answer `i` once; later news about it (a late reply, the scorer's
// down message) finds the slot filled and is dropped.
void settle(batch_coordinator_pointer self, size_t i, answer_outcome outcome) {
  auto& st = self->state;
  if (st.replied || st.outcomes[i])
    return;
  // Stamped before the journal sees it, so that a resumed batch keeps it.
  if (auto* result = std::get_if<score_result>(&outcome))
    result->attempt_id = scoring::make_uuid(st.random);
  report(self, outcome);
  st.outcomes[i] = std::move(outcome);
  st.latencies_ms.push_back(elapsed_ms(st.started[i], self->clock().now()));
  --st.unfinished;
  if (st.unfinished == 0)
    reply_and_quit(self);
  else if (st.next_to_spawn < st.batch.answers.size())
    spawn_next(self);
}

void on_scorer_error(batch_coordinator_pointer self, size_t i,
                     const scorer_actor& scorer, const caf::error& err) {
  auto& st = self->state;
  if (err == caf::sec::request_timeout) {
    // The answer ran out of time: it gets the rules' verdict, and its
    // scorer must not keep working for nothing.
    stop_scorer(self, scorer);
    settle(self, i,
           fallback_result_of(st, i, fallback_reasons::answer_timeout));
  } else if (err.category() == caf::atom("grader")) {
    settle(self, i,
           failure_of(st, i, static_cast<ec>(err.code()), error_text(err)));
  } else {
    settle(self, i,
           failure_of(st, i, ec::scorer_crashed,
                      "scorer failed: " + error_text(err)));
  }
}

// The time a scorer started at `started` may take, and whether that is
// what is left before the batch deadline rather than the answer timeout.
// Its timer fires a little before the deadline at the latest: an answer
// whose score came back then still replies with it (graded by the LLM,
// explanation templated), where the coordinator at the deadline could
// only give the rules' fallback.
std::pair<std::chrono::milliseconds, bool>
scorer_timeout(const batch_coordinator_state& st, clock::time_point started) {
  auto margin = std::min<clock::duration>(deadline_margin,
                                          st.settings.deadline / 10);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
    st.received + st.settings.deadline - margin - started);
  auto timeout = st.settings.answer_timeout;
  if (timeout.count() > 0 && timeout <= left)
    return {timeout, false};
  return {std::max(left, std::chrono::milliseconds{1}), true};
}

void spawn_next(batch_coordinator_pointer self) {
  auto& st = self->state;
  auto i = st.next_to_spawn++;
  auto scorer = st.make_scorer(self->system());
  self->monitor(scorer);
  st.live.emplace(scorer.address(), std::make_pair(i, scorer));
  st.started[i] = self->clock().now();
  // Answers start in order, so their spawn order is their ticket: the
  // gateway serves the oldest answer of the batch first. The coordinator's
  // actor id tells batches apart.
  auto [timeout, by_deadline] = scorer_timeout(st, st.started[i]);
  scoring_task task{st.batch.session_id,
                    st.batch.answers[i],
                    st.settings.explain,
                    static_cast<uint32_t>(timeout.count()),
                    by_deadline,
                    call_place{self->id(), i, st.batch.options.priority, 0,
                               st.limits_group}};
  self->request(scorer, caf::infinite, score_atom_v, std::move(task))
    .then(
      [=](score_result& result) {
        self->state.live.erase(scorer.address());
        settle(self, i, std::move(result));
      },
      [=](caf::error& err) { on_scorer_error(self, i, scorer, err); });
}

// Scorers run their own answer timer; this sweep is the safety net for a
// scorer that does not answer at all (a bug, or one stuck in a long
// computation). Every scorer_grace it treats the answers whose scorer
// outlived its answer timeout by scorer_grace as timed out. One timer per
// batch rather than a timeout per request: each of those costs two trips
// to CAF's clock thread, a tenth of the time of a batch graded by rules.
void sweep_overdue_scorers(batch_coordinator_pointer self) {
  auto& st = self->state;
  if (st.replied)
    return;
  auto now = self->clock().now();
  std::vector<std::pair<size_t, scorer_actor>> overdue;
  for (const auto& entry : st.live)
    if (now - st.started[entry.second.first]
        >= st.settings.answer_timeout + scorer_grace)
      overdue.push_back(entry.second);
  for (const auto& [i, scorer] : overdue)
    on_scorer_error(self, i, scorer,
                    caf::make_error(caf::sec::request_timeout));
  start_self_timer(self, scorer_grace, [self] { sweep_overdue_scorers(self); });
}

// A scorer that dies before replying must not leave its answer open. Normal
// exits are ignored: a scorer quits right after replying, and that reply is
// on its way.
void on_scorer_down(batch_coordinator_pointer self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto entry = st.live.find(msg.source);
  if (entry == st.live.end())
    return;
  auto i = entry->second.first;
  st.live.erase(entry);
  if (msg.reason == caf::exit_reason::normal)
    return;
  settle(self, i,
         failure_of(st, i, ec::scorer_crashed,
                    "scorer failed: " + error_text(msg.reason)));
}

// Settles every open answer with `outcome_of(state, i)` without refilling
// the window: the reply goes out with the last one. Does nothing before the
// batch arrived or after the reply.
template <class OutcomeOf>
void settle_unfinished(batch_coordinator_pointer self, OutcomeOf outcome_of) {
  auto& st = self->state;
  if (st.replied || !st.reply.pending())
    return;
  st.next_to_spawn = st.batch.answers.size();
  for (size_t i = 0; i < st.outcomes.size() && !st.replied; ++i)
    if (!st.outcomes[i]) {
      if (st.started[i] == clock::time_point{})
        st.started[i] = st.received; // never spawned: waited all along
      settle(self, i, outcome_of(st, i));
    }
}

// The batch deadline: what is unfinished falls back (see
// deadline_result_of).
void settle_at_deadline(batch_coordinator_pointer self) {
  settle_unfinished(self, [self](const batch_coordinator_state& st, size_t i) {
    return answer_outcome{deadline_result_of(st, i, self->clock().now())};
  });
}

} // namespace

batch_coordinator_actor::behavior_type
batch_coordinator(batch_coordinator_pointer self, config settings,
                  scorer_factory make_scorer, uint64_t limits_group) {
  self->state.settings = settings;
  self->state.make_scorer = std::move(make_scorer);
  self->state.limits_group = limits_group;
  self->state.random.seed(std::random_device{}());
  self->set_down_handler(
    [=](caf::down_msg& msg) { on_scorer_down(self, msg); });
  // Killed (its service went away), it takes its scorers with it.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    while (!st.live.empty())
      stop_scorer(self, st.live.begin()->second.second);
    self->quit(msg.reason);
  });
  return {
    [=](score_atom, batch_request& batch,
        progress_listeners& listeners) -> caf::result<batch_result> {
      auto& st = self->state;
      if (st.reply.pending() || st.replied)
        return caf::make_error(ec::invalid_batch,
                               "a coordinator scores one batch only");
      if (auto index = repeated_position(batch))
        return caf::make_error(ec::invalid_batch,
                               "two items of the batch are at position "
                                 + std::to_string(*index));
      st.received = self->clock().now();
      st.settings = effective_settings(st.settings, batch.options);
      if (batch.session_id.empty())
        batch.session_id = scoring::make_uuid(st.random);
      st.outcomes.resize(batch.answers.size());
      st.started.resize(batch.answers.size());
      st.unfinished = batch.answers.size();
      st.batch = std::move(batch);
      st.listeners = std::move(listeners);
      st.reply = self->make_response_promise<batch_result>();
      auto reply = st.reply;
      log_line(st.settings, "coordinator",
               "received " + batch_name(st) + ": "
                 + std::to_string(st.batch.answers.size()) + " answers, "
                 + std::to_string(st.batch.rejected.size()) + " rejected");
      for (const auto& item : st.batch.rejected)
        report(self, item);
      if (st.unfinished == 0) {
        reply_and_quit(self);
        return reply;
      }
      start_self_timer(self,
                       std::chrono::duration_cast<std::chrono::milliseconds>(
                         st.settings.deadline),
                       [self] { settle_at_deadline(self); });
      auto window = std::min<size_t>(st.settings.max_live_scorers,
                                     st.batch.answers.size());
      for (size_t n = 0; n < window; ++n)
        spawn_next(self);
      start_self_timer(self, scorer_grace,
                       [self] { sweep_overdue_scorers(self); });
      return reply;
    },
    [=](cancel_atom) {
      settle_unfinished(self, [](const batch_coordinator_state& st, size_t i) {
        return answer_outcome{failure_of(st, i, ec::cancelled,
                                         "the batch was cancelled before "
                                         "this answer was scored")};
      });
    },
    // The batch deadline timer (see start_self_timer): never answered.
    [=](deadline_atom) -> caf::delegated<void> { return {}; },
  };
}

} // namespace grader
