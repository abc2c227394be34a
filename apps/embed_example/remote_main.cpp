// A host application scoring on a `grader node` on another machine: CAF's
// network layer set up as grader's (grader/remote.hpp), the node's scoring
// service reached with remote_actor, one batch of three answers sent to it
// as to an in-process service.
//
//   grader node --port 7000 &
//   embed_remote_example 127.0.0.1 7000

#include <chrono>
#include <cstddef>
#include <iostream>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/system_messages.hpp>

#include <grader/grader.hpp>
#include <grader/remote.hpp>

using grader::question_type;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: embed_remote_example HOST PORT\n";
    return 2;
  }
  caf::actor_system_config cfg;
  grader::register_message_types(cfg);
  grader::configure_node_network(cfg);
  caf::actor_system sys{cfg};
  auto port = static_cast<uint16_t>(std::stoi(argv[2]));
  auto service = sys.middleman().remote_actor<grader::scoring_service_actor>(
    argv[1], port);
  if (!service) {
    std::cerr << "cannot reach the node: " << sys.render(service.error())
              << '\n';
    return 1;
  }

  grader::batch_request batch;
  batch.session_id = "embed-remote-example";
  for (std::size_t i = 0; i < 3; ++i) {
    grader::answer x;
    x.index = i;
    x.user_id = "u-remote";
    x.question_id = "capital-fr";
    x.type = question_type::multiple_choice;
    x.user_answer = i == 1 ? "A" : "B";
    x.correct_answer = "B";
    batch.answers.push_back(x);
  }

  std::size_t scored = 0;
  std::size_t failed = batch.answers.size();
  {
    caf::scoped_actor self{sys};
    // CAF 0.17 does not fail a request to a node that dies: the monitor
    // tells, and the request's own timeout bounds the wait.
    self->monitor(*service);
    self->request(*service, 30s, grader::score_atom_v, std::move(batch))
      .receive(
        [&](grader::batch_result& result) {
          for (const auto& r : result.results)
            std::cout << "answer " << r.index << ": score " << r.verdict.score
                      << '\n';
          scored = result.results.size();
          failed = result.failures.size();
        },
        [&](caf::error& err) {
          std::cerr << "scoring failed: " << sys.render(err) << '\n';
        });
  }
  std::cout << "scored " << scored << " answers on the node, " << failed
            << " failed\n";
  return scored == 3 && failed == 0 ? 0 : 1;
}
