#pragma once

#include <chrono>
#include <functional>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "messages/batch_progress.hpp"

namespace grader::app {

/// What the progress listener of `grader score` does with each event.
struct progress_settings {
  /// Whether to draw the live progress line on stderr.
  bool draw = false;
  /// Whether stderr is a terminal: the line is then redrawn in place,
  /// otherwise written as a new line now and then.
  bool terminal = false;
  /// Called for every settled answer (the journal), on the listener's
  /// thread, in the order answers settle.
  std::function<void(const batch_progress&)> on_settled;
};

/// Spawns the listener that receives a batch's progress events. Before the
/// final output, send it `caf::get_atom_v` with a request: it replies once
/// every earlier event is handled and the progress line is cleared.
caf::actor spawn_progress_listener(caf::actor_system& sys,
                                   progress_settings settings);

} // namespace grader::app
