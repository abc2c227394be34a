#pragma once

#include <caf/fwd.hpp>

#include "actors/actors.hpp"

namespace grader::app {

/// How the progress line of `grader score` is drawn.
struct progress_settings {
  /// Whether to draw the live progress line on stderr.
  bool draw = false;
  /// Whether stderr is a terminal: the line is then redrawn in place,
  /// otherwise written as a new line now and then.
  bool terminal = false;
};

/// Spawns the listener that draws a batch's progress line. Before the final
/// output, `flush` it: it replies once the line is cleared.
progress_listener_actor spawn_progress_display(caf::actor_system& sys,
                                               progress_settings settings);

} // namespace grader::app
