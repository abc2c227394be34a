#include "apps/grader/progress_display.hpp"

#include <chrono>
#include <cstdio>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace grader::app {

namespace {

using clock = std::chrono::steady_clock;

// Redraws at most this often: a line per answer would cost more than the
// answers on a fast batch.
constexpr auto redraw_interval = std::chrono::milliseconds{100};
constexpr auto plain_interval = std::chrono::seconds{1};

std::string seconds_text(double seconds) {
  char text[32];
  if (seconds < 60)
    std::snprintf(text, sizeof(text), "%.1fs", seconds);
  else
    std::snprintf(text, sizeof(text), "%dm%02ds",
                  static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  return text;
}

std::string progress_line(const batch_progress& x, clock::time_point started) {
  auto elapsed = std::chrono::duration<double>(clock::now() - started).count();
  auto rate = elapsed > 0 ? static_cast<double>(x.settled) / elapsed : 0.0;
  auto left = x.total - x.settled;
  char text[160];
  std::snprintf(
    text, sizeof(text),
    "answers %llu/%llu  failed %llu  fallback %llu  %.1f/s  "
    "elapsed %s  ETA %s",
    static_cast<unsigned long long>(x.settled),
    static_cast<unsigned long long>(x.total),
    static_cast<unsigned long long>(x.failed),
    static_cast<unsigned long long>(x.fallbacks), rate,
    seconds_text(elapsed).c_str(),
    rate > 0 ? seconds_text(static_cast<double>(left) / rate).c_str() : "?");
  return text;
}

struct progress_display_state {
  static inline const char* name = "progress_display";

  progress_settings settings;
  clock::time_point started = clock::now();
  clock::time_point last_drawn;
  bool line_shown = false;
};

progress_listener_actor::behavior_type progress_display(
  progress_listener_actor::stateful_pointer<progress_display_state> self,
  progress_settings settings) {
  self->state.settings = settings;
  return {
    [=](const batch_progress& event) {
      auto& st = self->state;
      if (!st.settings.draw)
        return;
      auto now = clock::now();
      auto interval = st.settings.terminal ? redraw_interval : plain_interval;
      if (event.settled != event.total && now - st.last_drawn < interval)
        return;
      st.last_drawn = now;
      auto line = progress_line(event, st.started);
      if (st.settings.terminal)
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
      else
        std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
      st.line_shown = st.settings.terminal;
    },
    [=](flush_atom) {
      auto& st = self->state;
      if (st.line_shown) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        st.line_shown = false;
      }
      return std::string{};
    },
  };
}

} // namespace

progress_listener_actor spawn_progress_display(caf::actor_system& sys,
                                               progress_settings settings) {
  return sys.spawn(progress_display, settings);
}

} // namespace grader::app
