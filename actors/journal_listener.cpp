#include "actors/journal_listener.hpp"

#include <utility>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/error.hpp"

namespace grader {

progress_listener_actor::behavior_type
journal_listener(journal_listener_pointer self,
                 std::shared_ptr<journal_writer> journal) {
  self->state.journal = std::move(journal);
  return {
    [=](const batch_progress& event) {
      // A failed append is kept for flush: scoring goes on, and the host
      // learns at the end that the journal would not survive a crash.
      self->state.journal->append(event.outcome);
    },
    [=](flush_atom) { return self->state.journal->error(); },
  };
}

caf::expected<progress_listener_actor>
spawn_journal_listener(caf::actor_system& sys, const std::string& path,
                       const judge_settings& judge) {
  std::string error;
  std::shared_ptr<journal_writer> journal = journal_writer::open(path, error);
  if (!journal)
    return caf::make_error(ec::journal_failed, std::move(error));
  if (!judge.prompt_version.empty() && !journal->start(judge))
    return caf::make_error(ec::journal_failed, journal->error());
  return sys.spawn(journal_listener, std::move(journal));
}

} // namespace grader
