// A host application embedding grader: its own actor system, grader's
// scoring service spawned into it, one batch of three answers scored.

#include <chrono>
#include <cstddef>
#include <iostream>
#include <string>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <grader/grader.hpp>

using grader::question_type;
using namespace std::chrono_literals;

namespace {

grader::answer make_answer(std::string question_id, question_type type,
                           std::string user_answer) {
  grader::answer x;
  x.user_id = "u-embed";
  x.question_id = std::move(question_id);
  x.type = type;
  x.user_answer = std::move(user_answer);
  return x;
}

} // namespace

int main() {
  // No cfg.parse(): the host owns its command line and reads no INI file.
  caf::actor_system_config cfg;
  grader::register_message_types(cfg);
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  // Declared after sys: a handle outliving the system would hang its exit.
  auto service = grader::spawn_scoring_service(sys, grader::config{});

  grader::batch_request batch;
  batch.session_id = "embed-example";
  auto choice = make_answer("capital-fr", question_type::multiple_choice, "B");
  choice.correct_answer = "B";
  auto truth = make_answer("earth-round", question_type::true_false, "true");
  truth.correct_answer = "true";
  auto text = make_answer("photosynthesis", question_type::short_answer,
                          "Plants use chlorophyll to turn light, water and "
                          "carbon dioxide into glucose.");
  text.correct_keywords = {"chlorophyll", "carbon dioxide", "glucose"};
  // Each answer carries its position in the batch; the result lists them
  // in that order.
  choice.index = 0;
  truth.index = 1;
  text.index = 2;
  batch.answers = {choice, truth, text};

  const std::size_t total = batch.answers.size();
  std::size_t scored = 0;
  std::size_t failed = total;
  {
    // A blocking actor for non-actor code; it ends before the system does.
    caf::scoped_actor self{sys};
    self->request(service, 10s, grader::score_atom_v, std::move(batch))
      .receive(
        [&](grader::batch_result& result) {
          for (const auto& r : result.results)
            std::cout << "answer " << r.index << ": score " << r.verdict.score
                      << ", graded by "
                      << grader::scoring::to_string(r.verdict.by) << '\n';
          scored = result.results.size();
          failed = result.failures.size();
        },
        [&](caf::error& err) {
          std::cerr << "scoring failed: " << sys.render(err) << '\n';
        });
  }
  std::cout << "scored " << scored << " answers, " << failed << " failed\n";
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  return scored == total && failed == 0 ? 0 : 1;
}
