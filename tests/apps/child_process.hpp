#pragma once

// A real `grader` process running beside a test, stopped with SIGTERM when
// the test ends.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace grader::test {

class child_process {
public:
  /// Starts `program` with `args`, its stderr going to `stderr_file`.
  child_process(const std::string& program, std::vector<std::string> args,
                const std::string& stderr_file) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(program.c_str()));
      for (auto& arg : args)
        argv.push_back(arg.data());
      argv.push_back(nullptr);
      if (auto* err = std::freopen(stderr_file.c_str(), "w", stderr); !err)
        ::_exit(127);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
  }

  ~child_process() {
    stop();
  }

  /// Sends SIGTERM and returns the exit code (or -1 when it did not exit
  /// normally).
  int stop() {
    if (pid_ <= 0)
      return exit_code_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

private:
  pid_t pid_ = 0;
  int exit_code_ = -1;
};

/// Waits up to 10 s for `path` to hold a port number, and returns it; 0 on
/// time-out.
inline unsigned wait_for_port_file(const std::string& path) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream in{path};
    unsigned port = 0;
    if (in >> port && port > 0)
      return port;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return 0;
}

} // namespace grader::test
