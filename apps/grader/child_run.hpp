#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace grader::app {

/// What a finished child process used, as wait4 reports it for that child
/// alone: the figures a user would see for one run of a command.
struct child_usage {
  /// The exit status; -1 when a signal ended the process.
  int exit_code = -1;
  /// The signal that ended it, 0 when it exited.
  int signal = 0;
  /// From just before the spawn to the moment wait4 returned.
  std::chrono::steady_clock::duration wall{};
  /// User and system CPU time, in seconds.
  double cpu_s = 0;
  /// Peak resident set size, in KiB.
  uint64_t max_rss_kib = 0;
};

/// A child process started with posix_spawn, standard input from
/// /dev/null and its output going to files, so that its own CPU time and
/// peak memory can be read back when it ends. Ends (SIGKILL) and reaps
/// the process when it is destroyed unfinished.
class child_run {
public:
  /// Starts `program` with `args` (without the program name) and
  /// `environment` (`NAME=value` entries). Throws std::runtime_error when
  /// the process cannot be started.
  child_run(const std::string& program, const std::vector<std::string>& args,
            const std::string& stdout_path, const std::string& stderr_path,
            const std::vector<std::string>& environment);

  ~child_run();

  child_run(const child_run&) = delete;
  child_run& operator=(const child_run&) = delete;

  /// The process id; 0 once the process was reaped.
  pid_t pid() const {
    return pid_;
  }

  /// Sends `signal` to the process while it runs.
  void signal(int signal);

  /// Waits for the process to end.
  child_usage finish();

  /// The usage when the process has ended, without waiting; nothing while
  /// it runs.
  std::optional<child_usage> poll();

private:
  std::optional<child_usage> reap(int options);

  pid_t pid_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::optional<child_usage> usage_;
};

/// This process's environment without the variables `names`: a child then
/// picks up no setting meant for another run.
std::vector<std::string>
environment_without(const std::vector<std::string>& names);

/// The last `max_lines` lines of the text file at `path`, for a message
/// about a child that failed; empty when the file cannot be read.
std::string tail_of_file(const std::string& path, size_t max_lines = 10);

/// The path of the running executable (/proc/self/exe), so that a command
/// can start more of itself.
std::string own_executable();

/// Waits up to 10 s for the server `child` to write its port to
/// `port_file`. Throws std::runtime_error, naming `what` and with the end
/// of `stderr_path`, when the child ends first or the time is up.
uint16_t wait_for_port_file(child_run& child, const std::string& port_file,
                            const std::string& stderr_path,
                            const std::string& what);

} // namespace grader::app
