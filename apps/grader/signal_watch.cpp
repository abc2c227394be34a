#include "apps/grader/signal_watch.hpp"

#include <cstdlib>

#include <pthread.h>
#include <unistd.h>

#include "apps/grader/commands.hpp"

namespace grader::app {

signal_watch::signal_watch() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  // SIGUSR1 only wakes the watcher to end it.
  sigaddset(&signals_, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  thread_ = std::thread{[this] { watch(); }};
}

signal_watch::~signal_watch() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

void signal_watch::on_cancel(std::function<void()> cancel) {
  std::lock_guard<std::mutex> guard{mutex_};
  cancel_ = std::move(cancel);
}

void signal_watch::remove_on_exit(std::string path) {
  std::lock_guard<std::mutex> guard{mutex_};
  remove_on_exit_ = std::move(path);
}

void signal_watch::exit_now() {
  // The lock is held: no one changes the path while it goes.
  if (!remove_on_exit_.empty())
    ::unlink(remove_on_exit_.c_str());
  std::_Exit(exit_cancelled);
}

void signal_watch::watch() {
  using clock = std::chrono::steady_clock;
  clock::time_point first_interrupt;
  for (;;) {
    int signal = 0;
    if (sigwait(&signals_, &signal) != 0 || signal == SIGUSR1)
      return;
    std::lock_guard<std::mutex> guard{mutex_};
    if (!cancel_)
      exit_now();
    auto now = clock::now();
    if (signal == SIGINT) {
      if (first_interrupt != clock::time_point{}
          && now - first_interrupt >= impatience)
        exit_now();
      if (first_interrupt == clock::time_point{})
        first_interrupt = now;
    }
    if (!cancelled_.exchange(true))
      cancel_();
  }
}

sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

} // namespace grader::app
