#include "apps/grader/bench_fairness.hpp"

#include <thread>

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/scoring_service.hpp"
#include "apps/grader/bench_batch.hpp"
#include "net/openai_backend.hpp"

namespace grader::app {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point from) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - from)
    .count();
}

} // namespace

fairness_outcome run_fairness(caf::actor_system& sys,
                              const fairness_load& load) {
  config settings;
  settings.max_in_flight = load.concurrency;
  net::http_client_options http;
  http.max_connections_per_host = load.concurrency;
  auto service = spawn_scoring_service(
    sys, settings, net::make_openai_backend({load.url, "judge", ""}, http));
  auto big = bench_batch(question_type::short_answer, load.big_answers, "bulk");
  big.options.priority = batch_priority::bulk;
  auto small = bench_batch(question_type::short_answer, load.small_answers,
                           "quiz");
  small.options.priority = batch_priority::interactive;
  // The service replies by the batch deadline; the margin only guards
  // against a bug turning into a hang.
  auto wait_at_most = settings.deadline + std::chrono::seconds{30};
  fairness_outcome out;
  caf::scoped_actor big_requester{sys};
  auto big_sent = clock_type::now();
  big_requester->send(service, score_atom_v, std::move(big));
  std::this_thread::sleep_for(load.small_after);
  {
    caf::scoped_actor small_requester{sys};
    auto small_sent = clock_type::now();
    small_requester
      ->request(service, wait_at_most, score_atom_v, std::move(small))
      .receive(
        [&](batch_result& x) {
          out.small_wall_ms = ms_since(small_sent);
          out.small = std::move(x);
        },
        [&](caf::error& err) {
          out.error = "the small batch failed: " + sys.render(err);
        });
  }
  big_requester->receive(
    [&](batch_result& x) {
      out.big_wall_ms = ms_since(big_sent);
      out.big = std::move(x);
    },
    [&](caf::error& err) {
      out.error = "the big batch failed: " + sys.render(err);
    },
    caf::after(wait_at_most) >>
      [&] { out.error = "the big batch got no result in time"; });
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  return out;
}

} // namespace grader::app
