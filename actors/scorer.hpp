#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <string>

#include <caf/fwd.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/actors.hpp"
#include "scoring/answer_limits.hpp"
#include "scoring/judge_settings.hpp"
#include "scoring/llm_reply.hpp"

namespace grader {

/// State of the scorer of one answer.
struct scorer_state {
  static inline const char* name = "scorer";

  /// Where LLM calls go; invalid when the scorer works without an LLM.
  llm_gateway_actor gateway;
  /// The temperature and seed of every call, and how many score samples.
  scoring::judge_settings judge;
  scoring_task task;
  /// The coordinator's reply, delivered once.
  caf::typed_response_promise<score_result> reply;
  grade verdict;
  llm_usage usage;
  /// The judge's verdict per score sample, empty until it came back.
  std::vector<std::optional<scoring::judged_score>> samples;
  /// Score calls not yet answered.
  uint32_t samples_out = 0;
  /// Why the last failed sample failed (see fallback_reasons): the
  /// fallback reason should every sample fail.
  const char* sample_failure = nullptr;
  /// Whether a score reply failed to parse and was asked for again.
  bool asked_again = false;
  /// Whether a score reply held verdicts that disagree.
  bool ambiguous = false;
  /// Whether `verdict` is decided; then only the explanation is missing.
  bool decided = false;
  /// Why the verdict came from fallback rules (see fallback_reasons).
  std::string fallback_reason;
  /// When the task came (on the actor system's clock), from which its
  /// timeout runs.
  std::chrono::steady_clock::time_point started;
};

using scorer_pointer = scorer_actor::stateful_pointer<scorer_state>;

/// Scores one answer per life. Every answer is validated first; an invalid
/// one is replied as an ec::invalid_answer error naming the fields. Multiple
/// choice and true/false are decided by rules; a blank answer scores 0 by
/// rule; other short answers are scored by the LLM, `judge.samples` times
/// at once (a reply that does not parse is asked for once more; when no
/// sample gives a verdict the keyword rule decides, graded_by fallback),
/// the samples reduced to one score. Then the LLM explains the grade; a
/// failed or empty
/// explanation becomes the templated one, and the feedback says so. Without
/// a gateway, short answers get the keyword rule and explanations are
/// templated. An answer over `limits` is invalid.
scorer_actor::behavior_type
scorer(scorer_pointer self, llm_gateway_actor gateway,
       scoring::answer_limits limits, scoring::judge_settings judge);

/// Spawns the scorer of one answer. Batch coordinators call one of these per
/// answer; tests pass their own to inject faults.
using scorer_factory = std::function<scorer_actor(caf::actor_system&)>;

/// Spawns a scorer that works without an LLM.
scorer_actor spawn_scorer(caf::actor_system& sys);

/// A factory for scorers that call the LLM through `gateway`, hold answers
/// to `limits` and judge with `judge`.
scorer_factory scorers_using(llm_gateway_actor gateway,
                             scoring::answer_limits limits = {},
                             scoring::judge_settings judge = {});

/// Turns an exception escaping a handler into the actor's exit reason, with
/// the exception's text, so the coordinator can report what went wrong.
caf::error exception_to_error(std::exception_ptr& ptr);

/// Wraps a grade into the result message of answer `x`, stamped with the
/// current time.
score_result make_score_result(const std::string& session_id, const answer& x,
                               grade verdict, std::string explanation);

} // namespace grader
