#include "actors/scorer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/self_timer.hpp"
#include "messages/error.hpp"
#include "scoring/feedback.hpp"
#include "scoring/llm_reply.hpp"
#include "scoring/prompts.hpp"
#include "scoring/rules.hpp"
#include "scoring/time_format.hpp"
#include "scoring/validation.hpp"

namespace grader {

namespace {

// The scorer never gives up on its own: the coordinator's per-answer timeout
// bounds it and stops it.
constexpr auto no_timeout = caf::infinite;

// A shared reply (cached, or joined to another's call) cost nothing more.
// Retries were counted as the gateway told of them.
void count(scorer_state& st, const gateway_reply& x) {
  if (x.shared)
    return;
  ++st.usage.calls;
  st.usage.prompt_tokens += x.reply.usage.prompt_tokens;
  st.usage.completion_tokens += x.reply.usage.completion_tokens;
}

// The first error says why the answer may fall back.
void note_error(scorer_state& st, const std::string& text) {
  if (st.usage.error.empty())
    st.usage.error = text;
}

void note_error(scorer_state& st, const caf::error& err) {
  note_error(st, error_text(err));
}

// The answer's place in the gateway's queue, with the time it can still
// wait: a Retry-After longer than that fails the call at once.
call_place place_now(scorer_pointer self) {
  auto& st = self->state;
  auto place = st.task.place;
  if (st.task.timeout_ms > 0) {
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      self->clock().now() - st.started);
    place.patience_ms = static_cast<uint32_t>(
      std::max<int64_t>(int64_t{st.task.timeout_ms} - waited.count(), 1));
  }
  return place;
}

void finish(scorer_pointer self, std::string explanation) {
  auto& st = self->state;
  auto result = make_score_result(st.task.session_id, st.task.item, st.verdict,
                                  std::move(explanation));
  if (st.verdict.by == graded_by::fallback)
    result.fallback_reason = st.fallback_reason;
  result.llm_error = st.usage.error;
  result.usage = st.usage;
  st.reply.deliver(std::move(result));
  self->quit();
}

void finish_with_templated_explanation(scorer_pointer self, const char* why) {
  auto& st = self->state;
  st.verdict.feedback += why;
  finish(self, scoring::templated_explanation(st.task.item, st.verdict));
}

void explain(scorer_pointer self) {
  auto& st = self->state;
  st.decided = true;
  if (!st.task.explain)
    return finish(self, {});
  if (!st.gateway || scoring::is_blank_answer(st.task.item))
    return finish(self,
                  scoring::templated_explanation(st.task.item, st.verdict));
  auto prompt = scoring::explanation_prompt(st.task.item, st.verdict);
  scoring::apply_judge_settings(prompt, st.judge);
  self
    ->request(st.gateway, no_timeout, chat_atom_v, std::move(prompt),
              place_now(self))
    .then(
      [=](const gateway_reply& x) {
        count(self->state, x);
        auto text = x.reply.content;
        auto first = text.find_first_not_of(" \t\r\n");
        if (first == std::string::npos)
          return finish_with_templated_explanation(
            self, " (Explanation templated: the LLM returned none.)");
        auto last = text.find_last_not_of(" \t\r\n");
        finish(self, text.substr(first, last - first + 1));
      },
      [=](caf::error& err) {
        note_error(self->state, err);
        finish_with_templated_explanation(
          self, " (Explanation templated: the LLM was not available.)");
      });
}

void use_keyword_rule(scorer_pointer self, const char* reason) {
  auto& st = self->state;
  st.verdict = scoring::grade_short_answer_by_keywords(st.task.item);
  st.fallback_reason = reason;
  if (reason == fallback_reasons::token_budget)
    scoring::flag_for_review(st.verdict, scoring::review_reasons::token_budget);
  if (reason == fallback_reasons::cost_limit)
    scoring::flag_for_review(st.verdict, scoring::review_reasons::cost_limit);
  if (st.asked_again)
    scoring::flag_for_review(st.verdict,
                             scoring::review_reasons::reply_retried);
  explain(self);
}

// The grade the samples that came back give: their reduced score, with the
// samples listed when there were several, flagged when they disagree.
grade grade_from_samples(const scorer_state& st) {
  const auto& rubric = st.task.item.rubric;
  std::vector<int32_t> scores;
  // With a rubric, each criterion's points reduce on their own, and the
  // score is what the reduced points make, so the two always agree.
  std::vector<std::vector<int32_t>> points(rubric.size());
  for (const auto& sample : st.samples)
    if (sample) {
      scores.push_back(sample->score);
      for (size_t i = 0; i < rubric.size(); ++i)
        points[i].push_back(sample->rubric_scores[i]);
    }
  std::vector<int32_t> rubric_scores;
  for (auto& criterion : points)
    rubric_scores.push_back(
      scoring::reduce_scores(std::move(criterion), st.judge.reducer));
  auto score = rubric.empty() ? scoring::reduce_scores(scores, st.judge.reducer)
                              : scoring::rubric_score(rubric, rubric_scores);
  auto result = scoring::grade_from_judgement(st.task.item, {score, {}, {}});
  result.rubric_scores = std::move(rubric_scores);
  if (st.judge.samples > 1)
    result.judge_scores = scores;
  if (scoring::score_spread(scores) > st.judge.max_spread)
    scoring::flag_for_review(result, scoring::review_reasons::samples_disagree);
  if (st.ambiguous)
    scoring::flag_for_review(result, scoring::review_reasons::ambiguous_reply);
  if (st.asked_again)
    scoring::flag_for_review(result, scoring::review_reasons::reply_retried);
  return result;
}

bool has_samples(const scorer_state& st) {
  return std::any_of(st.samples.begin(), st.samples.end(),
                     [](const auto& sample) { return sample.has_value(); });
}

// The answer's time is up: a decided verdict keeps its grader and gets the
// templated explanation; an undecided one falls back to rules.
void give_up(scorer_pointer self) {
  auto& st = self->state;
  if (!st.reply.pending())
    return;
  // Samples that came back decide, though others did not.
  if (!st.decided && has_samples(st)) {
    st.verdict = grade_from_samples(st);
    st.decided = true;
  }
  if (!st.decided) {
    st.verdict = scoring::fallback_grade(st.task.item);
    st.fallback_reason = st.task.timeout_is_deadline
                           ? fallback_reasons::deadline
                           : fallback_reasons::answer_timeout;
  }
  finish_with_templated_explanation(
    self, " (Explanation templated: the LLM did not answer in time.)");
}

// One score call has its answer (or failed for good): once the last one
// has, the samples decide, or the keyword rule when none gave a verdict.
void sample_done(scorer_pointer self) {
  auto& st = self->state;
  if (--st.samples_out > 0 || st.decided || !st.reply.pending())
    return;
  if (!has_samples(st))
    return use_keyword_rule(self, st.sample_failure);
  st.verdict = grade_from_samples(st);
  explain(self);
}

void ask_for_score(scorer_pointer self, uint32_t sample, bool again) {
  auto& st = self->state;
  auto prompt = scoring::short_answer_prompt(st.task.item);
  scoring::apply_judge_settings(prompt, st.judge, sample);
  // The second request differs from the first, so it reaches the model
  // instead of the gateway's cache of the reply that did not parse.
  if (again)
    prompt.messages.push_back(
      {"user", st.task.item.rubric.empty()
                 ? "Your last reply could not be read. Reply with only the "
                   "JSON object {\"score\": <integer 0-100>, \"reasoning\": "
                   "\"<text>\"}."
                 : "Your last reply could not be read. Reply with only the "
                   "JSON object {\"rubric_scores\": [<integer for each "
                   "criterion>], \"reasoning\": \"<text>\"}."});
  self
    ->request(st.gateway, no_timeout, chat_atom_v, std::move(prompt),
              place_now(self))
    .then(
      [=](const gateway_reply& x) {
        auto& st = self->state;
        count(st, x);
        st.usage.note_score_format(x.format, x.format_note);
        auto parsed = scoring::parse_score_reply(x.reply.content,
                                                 &st.task.item.rubric);
        if (parsed.verdict) {
          st.samples[sample] = *parsed.verdict;
          // The reply held verdicts that disagree (one may be the
          // student's text quoted back): a person decides.
          st.ambiguous = st.ambiguous || parsed.ambiguous;
          return sample_done(self);
        }
        if (!again) {
          st.asked_again = true;
          return ask_for_score(self, sample, true);
        }
        st.sample_failure = fallback_reasons::unreadable_reply;
        sample_done(self);
      },
      [=](caf::error& err) {
        auto& st = self->state;
        note_error(st, err);
        st.sample_failure = err == ec::llm_budget_spent
                              ? fallback_reasons::token_budget
                            : err == ec::llm_cost_limit
                              ? fallback_reasons::cost_limit
                              : fallback_reasons::llm_error;
        sample_done(self);
      });
}

// Asks for every sample of the score at once.
void ask_for_scores(scorer_pointer self) {
  auto& st = self->state;
  auto samples = std::max<uint32_t>(st.judge.samples, 1);
  st.samples.assign(samples, std::nullopt);
  st.samples_out = samples;
  for (uint32_t sample = 0; sample < samples; ++sample)
    ask_for_score(self, sample, false);
}

void score(scorer_pointer self) {
  auto& st = self->state;
  const auto& x = st.task.item;
  if (scoring::is_blank_answer(x)) {
    st.verdict = scoring::grade_blank_answer(x);
    return explain(self);
  }
  switch (x.type) {
    case question_type::multiple_choice:
      st.verdict = scoring::grade_multiple_choice(x);
      return explain(self);
    case question_type::true_false:
      st.verdict = scoring::grade_true_false(x);
      return explain(self);
    case question_type::short_answer:
      break;
  }
  if (!st.gateway) {
    st.verdict = scoring::grade_short_answer_by_keywords(x);
    return explain(self);
  }
  ask_for_scores(self);
}

} // namespace

scorer_actor::behavior_type
scorer(scorer_pointer self, llm_gateway_actor gateway,
       scoring::answer_limits limits, scoring::judge_settings judge) {
  self->state.gateway = std::move(gateway);
  self->state.judge = std::move(judge);
  self->set_exception_handler(exception_to_error);
  return {
    [=](score_atom, scoring_task& task) -> caf::result<score_result> {
      auto problems = scoring::validate(task.item, limits);
      if (!problems.empty()) {
        self->quit();
        return caf::make_error(ec::invalid_answer,
                               scoring::join_problems(problems));
      }
      auto& st = self->state;
      st.task = std::move(task);
      st.started = self->clock().now();
      st.reply = self->make_response_promise<score_result>();
      auto reply = st.reply;
      score(self);
      // Rules alone finish at once; only an answer waiting for the LLM
      // needs its timer.
      if (st.reply.pending() && st.task.timeout_ms > 0)
        start_self_timer(self, std::chrono::milliseconds{st.task.timeout_ms},
                         [self] { give_up(self); });
      return reply;
    },
    // The answer timer (see start_self_timer): never answered.
    [=](deadline_atom) -> caf::delegated<void> { return {}; },
    [=](retry_atom, const std::string& error) {
      ++self->state.usage.retries;
      note_error(self->state, error + " (retried)");
    },
  };
}

scorer_actor spawn_scorer(caf::actor_system& sys) {
  return sys.spawn(scorer, llm_gateway_actor{}, scoring::answer_limits{},
                   scoring::judge_settings{});
}

scorer_factory scorers_using(llm_gateway_actor gateway,
                             scoring::answer_limits limits,
                             scoring::judge_settings judge) {
  return [gateway, limits, judge](caf::actor_system& sys) {
    return sys.spawn(scorer, gateway, limits, judge);
  };
}

caf::error exception_to_error(std::exception_ptr& ptr) {
  try {
    std::rethrow_exception(ptr);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error, std::string{e.what()});
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error,
                           std::string{"unknown exception"});
  }
}

score_result make_score_result(const std::string& session_id, const answer& x,
                               grade verdict, std::string explanation) {
  score_result result;
  result.session_id = session_id;
  result.index = x.index;
  result.answer_id = x.answer_id;
  result.question_id = x.question_id;
  result.user_id = x.user_id;
  result.verdict = std::move(verdict);
  result.explanation = std::move(explanation);
  result.graded_at = scoring::format_utc(std::chrono::system_clock::now());
  return result;
}

} // namespace grader
