#pragma once

#include <memory>
#include <string>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "actors/actors.hpp"
#include "messages/journal.hpp"

namespace grader {

/// State of a journal listener.
struct journal_listener_state {
  static inline const char* name = "journal_listener";

  /// The journal, open for appending.
  std::shared_ptr<journal_writer> journal;
};

using journal_listener_pointer
  = progress_listener_actor::stateful_pointer<journal_listener_state>;

/// Appends the outcome of every event to `journal` as it comes, so that a
/// batch stopped by a crash can be resumed from the journal (see
/// messages/resume_plan.hpp). `flush` replies with why the journal is
/// incomplete, empty while every line was written.
progress_listener_actor::behavior_type
journal_listener(journal_listener_pointer self,
                 std::shared_ptr<journal_writer> journal);

/// Opens the journal at `path` (see journal_writer::open) and spawns its
/// listener; give it to a batch among its progress_listeners. A new journal
/// starts with `judge`, the settings the batch is judged with (see
/// journal_writer::start), when its prompt version is set. Fails with
/// ec::journal_failed when the journal cannot be opened or started
/// (`cannot open journal 'j.jsonl': Permission denied`).
caf::expected<progress_listener_actor>
spawn_journal_listener(caf::actor_system& sys, const std::string& path,
                       const judge_settings& judge = {});

} // namespace grader
