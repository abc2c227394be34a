#pragma once

// A real actor system for a test case, and the helpers to send it batches.

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/actors.hpp"
#include "actors/scorer.hpp"
#include "actors/registration.hpp"

namespace grader::test {

struct test_system_config : caf::actor_system_config {
  test_system_config() {
    register_message_types(*this);
    set("scheduler.max-threads", 2);
  }
};

/// One actor system per test case, sized like the machines grader runs on.
struct test_system {
  test_system_config cfg;
  caf::actor_system sys{cfg};

  /// Sends `batch` to `scorer_of_batches` (a service or a coordinator),
  /// followed by `listeners`, and waits for its one reply.
  template <class Handle>
  caf::expected<batch_result>
  score(const Handle& scorer_of_batches, batch_request batch,
        std::chrono::milliseconds timeout = std::chrono::seconds{30},
        progress_listeners listeners = {}) {
    caf::scoped_actor self{sys};
    caf::expected<batch_result> result{caf::error{}};
    self
      ->request(scorer_of_batches, timeout, score_atom_v, std::move(batch),
                std::move(listeners))
      .receive([&](batch_result& x) { result = std::move(x); },
               [&](caf::error& err) { result = std::move(err); });
    return result;
  }
};

/// A scorer for fault injection, chosen by question id: "crash" throws,
/// "hang" never replies; every other answer goes to a real scorer.
inline scorer_actor::behavior_type faulty_scorer(scorer_actor::pointer self) {
  self->set_exception_handler(exception_to_error);
  return {
    [=](score_atom, scoring_task& task) -> caf::result<score_result> {
      if (task.item.question_id == "crash")
        throw std::runtime_error("boom");
      if (task.item.question_id == "hang")
        return self->make_response_promise<score_result>();
      self->quit();
      return self->delegate(spawn_scorer(self->system()), score_atom_v,
                            std::move(task));
    },
    // Stuck like a scorer busy with one costly answer: the coordinator's
    // own timeout must end it.
    [=](deadline_atom) {},
    [=](retry_atom, const std::string&) {},
  };
}

inline scorer_actor spawn_faulty_scorer(caf::actor_system& sys) {
  return sys.spawn(faulty_scorer);
}

/// Counts the scorers a coordinator keeps at work at once: from being
/// spawned until they hand their answer on, which happens before the
/// coordinator can hear the answer's result and spawn the next one.
struct scorer_census {
  std::atomic<int> at_work{0};
  std::atomic<int> most_at_work{0};
  std::atomic<int> spawned{0};

  /// A factory for scorers that count themselves here, then delegate to a
  /// real scorer.
  scorer_factory factory() {
    return [this](caf::actor_system& sys) {
      ++spawned;
      auto now = ++at_work;
      auto most = most_at_work.load();
      while (now > most && !most_at_work.compare_exchange_weak(most, now)) {
      }
      return sys.spawn([this](scorer_actor::pointer self)
                         -> scorer_actor::behavior_type {
        return {
          [=](score_atom, scoring_task& task) {
            --at_work;
            self->quit();
            return self->delegate(spawn_scorer(self->system()), score_atom_v,
                                  std::move(task));
          },
          [=](deadline_atom) {},
          [=](retry_atom, const std::string&) {},
        };
      });
    };
  }
};

} // namespace grader::test
