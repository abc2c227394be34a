#include "actors/scorer.hpp"

#include <chrono>
#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/error.hpp"
#include "scoring/feedback.hpp"
#include "scoring/rules.hpp"
#include "scoring/time_format.hpp"
#include "scoring/validation.hpp"

namespace grader {

namespace {

scoring::grade grade_answer(const answer& x) {
  switch (x.type) {
    case question_type::multiple_choice:
      return scoring::grade_multiple_choice(x);
    case question_type::true_false:
      return scoring::grade_true_false(x);
    case question_type::short_answer:
      break;
  }
  return scoring::grade_short_answer_by_keywords(x);
}

} // namespace

scorer_actor::behavior_type scorer(scorer_actor::pointer self) {
  self->set_exception_handler(exception_to_error);
  return {
    [=](score_atom, const scoring_task& task) -> caf::result<score_result> {
      // One answer per scorer: the reply below is its last act.
      self->quit();
      auto problems = scoring::validate(task.item);
      if (!problems.empty())
        return caf::make_error(ec::invalid_answer,
                               scoring::join_problems(problems));
      return make_score_result(task.session_id, task.index, task.item,
                               grade_answer(task.item), task.explain);
    },
  };
}

scorer_actor spawn_scorer(caf::actor_system& sys) {
  return sys.spawn(scorer);
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

score_result make_score_result(const std::string& session_id, uint64_t index,
                               const answer& x, grade verdict, bool explain) {
  score_result result;
  result.session_id = session_id;
  result.index = index;
  result.answer_id = x.answer_id;
  result.question_id = x.question_id;
  result.user_id = x.user_id;
  if (explain)
    result.explanation = scoring::templated_explanation(x, verdict);
  result.verdict = std::move(verdict);
  result.graded_at = scoring::format_utc(std::chrono::system_clock::now());
  return result;
}

} // namespace grader
