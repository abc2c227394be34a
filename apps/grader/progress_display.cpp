#include "apps/grader/progress_display.hpp"

#include <cstdio>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include "messages/type_ids.hpp"

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
    std::snprintf(text, sizeof(text), "%dm%02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  return text;
}

std::string progress_line(const batch_progress& x, clock::time_point started) {
  auto elapsed = std::chrono::duration<double>(clock::now() - started).count();
  auto rate = elapsed > 0 ? static_cast<double>(x.settled) / elapsed : 0.0;
  auto left = x.total - x.settled;
  char text[160];
  std::snprintf(text, sizeof(text),
                "answers %llu/%llu  failed %llu  fallback %llu  %.1f/s  "
                "elapsed %s  ETA %s",
                static_cast<unsigned long long>(x.settled),
                static_cast<unsigned long long>(x.total),
                static_cast<unsigned long long>(x.failed),
                static_cast<unsigned long long>(x.fallbacks), rate,
                seconds_text(elapsed).c_str(),
                rate > 0 ? seconds_text(static_cast<double>(left) / rate).c_str()
                         : "?");
  return text;
}

struct listener_state {
  progress_settings settings;
  clock::time_point started = clock::now();
  clock::time_point last_drawn;
  bool line_shown = false;
};

caf::behavior progress_listener(caf::stateful_actor<listener_state>* self,
                                progress_settings settings) {
  self->state.settings = std::move(settings);
  return {
    [=](const batch_progress& event) {
      auto& st = self->state;
      if (st.settings.on_settled)
        st.settings.on_settled(event);
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
    [=](caf::get_atom) {
      auto& st = self->state;
      if (st.line_shown) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        st.line_shown = false;
      }
      return true;
    },
  };
}

} // namespace

caf::actor spawn_progress_listener(caf::actor_system& sys,
                                   progress_settings settings) {
  return sys.spawn(progress_listener, std::move(settings));
}

} // namespace grader::app
