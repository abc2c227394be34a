#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <signal.h>

namespace grader::app {

/// Watches SIGINT and SIGTERM on a thread of its own, from construction on.
///
/// Until a cancel action is set (while the input and the journal are read,
/// before anything is scored) a signal ends the process at once with exit
/// code 130: there is nothing to save. From then on the first signal runs
/// the cancel action, which makes the batch reply with what it has. Further
/// SIGTERMs are the same request again (GNU `timeout` and most supervisors
/// signal the child and its whole group, so one SIGTERM arrives twice);
/// only a second Ctrl-C, a second or more after the first, ends the process
/// at once, for a user who does not want to wait.
class signal_watch {
public:
  /// How long after the first Ctrl-C a second one means "exit now".
  static constexpr auto impatience = std::chrono::seconds{1};

  /// Blocks the signals in the calling thread, which every thread started
  /// later inherits, so that only the watcher sees them. Construct it first
  /// in main's thread, before any other thread exists.
  signal_watch();

  ~signal_watch();

  signal_watch(const signal_watch&) = delete;
  signal_watch& operator=(const signal_watch&) = delete;

  /// From now on the first signal runs `cancel` instead of ending the
  /// process.
  void on_cancel(std::function<void()> cancel);

  /// A file to remove should the process end at once: an output's
  /// temporary file. Empty for none.
  void remove_on_exit(std::string path);

  /// Whether a signal cancelled the batch.
  bool cancelled() const {
    return cancelled_;
  }

private:
  void watch();
  [[noreturn]] void exit_now();

  sigset_t signals_;
  std::mutex mutex_;
  std::function<void()> cancel_;
  std::string remove_on_exit_;
  std::atomic<bool> cancelled_{false};
  std::thread thread_;
};

/// Blocks SIGINT and SIGTERM in the calling thread, whose mask the threads
/// it starts later inherit, and returns them, for a server that waits for
/// them with sigwait (`grader judge`, `grader node`). Call it before any
/// other thread exists.
sigset_t block_stop_signals();

} // namespace grader::app
