#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace grader::app {

/// Ends the process with a given exit code should it not get past a point
/// in time. `grader score` arms it once its output is written: stopping the
/// actor system waits for every actor, and a scorer busy with one costly
/// answer must not hold the process after the batch has replied.
class exit_watchdog {
public:
  exit_watchdog() = default;

  /// Disarms the watchdog. Declare it before the actor system, so that it
  /// ends after the system is gone.
  ~exit_watchdog() {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      done_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
      thread_.join();
  }

  exit_watchdog(const exit_watchdog&) = delete;
  exit_watchdog& operator=(const exit_watchdog&) = delete;

  /// Ends the process with `code` unless the watchdog is destroyed within
  /// `grace`.
  void arm(int code, std::chrono::milliseconds grace) {
    thread_ = std::thread{[this, code, grace] {
      std::unique_lock<std::mutex> lock{mutex_};
      if (!wake_.wait_for(lock, grace, [this] { return done_; }))
        std::_Exit(code);
    }};
  }

private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

} // namespace grader::app
