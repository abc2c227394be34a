#pragma once

// Real `grader` processes for tests: a child process stopped with SIGTERM
// (or killed) when the test ends, and a running `grader judge`.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "net/http_client.hpp"

namespace grader::test {

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

class child_process {
public:
  /// Starts `program` with `args`, stderr (and stdout, when a file is
  /// named) going to files, stdin from `stdin_file` when named.
  child_process(const std::string& program, std::vector<std::string> args,
                const std::string& stderr_file,
                const std::string& stdout_file = "",
                const std::string& stdin_file = "") {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(program.c_str()));
      for (auto& arg : args)
        argv.push_back(arg.data());
      argv.push_back(nullptr);
      if (!std::freopen(stderr_file.c_str(), "w", stderr))
        ::_exit(127);
      if (!stdout_file.empty() && !std::freopen(stdout_file.c_str(), "w", stdout))
        ::_exit(127);
      if (!stdin_file.empty() && !std::freopen(stdin_file.c_str(), "r", stdin))
        ::_exit(127);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
  }

  ~child_process() {
    stop();
  }

  /// The process id while it runs, 0 once waited for.
  pid_t pid() const {
    return pid_;
  }

  /// Sends `signal` without waiting.
  void signal(int signal) {
    if (pid_ > 0)
      ::kill(pid_, signal);
  }

  /// Waits for the process to end; returns its exit code (-1 when killed by
  /// a signal).
  int wait() {
    if (pid_ <= 0)
      return exit_code_;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }

  /// Whether the process ended within `limit` (polling, so it also tells
  /// a process that is still running: `exited_within(0ms)`).
  bool exited_within(std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      if (pid_ <= 0)
        return true;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return true;
      }
      if (std::chrono::steady_clock::now() >= until)
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    }
  }

  /// Sends SIGTERM and waits; kills the process should it not end within
  /// 5 s (grader score waits for its batch after a SIGTERM).
  int stop() {
    signal(SIGTERM);
    if (!exited_within(std::chrono::seconds{5}))
      signal(SIGKILL);
    return wait();
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

/// A `grader judge` process on 127.0.0.1 and a scratch folder for the runs
/// of `grader` that talk to it.
struct judge_run {
  std::filesystem::path dir;
  std::unique_ptr<child_process> judge;
  unsigned port = 0;

  /// Starts the judge with `extra_args`; `env` (`NAME=value`) is set for
  /// it.
  explicit judge_run(std::vector<std::string> extra_args = {},
                     const std::string& env = "") {
    namespace fs = std::filesystem;
    std::string pattern = fs::temp_directory_path() / "grader-judge-XXXXXX";
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
    std::vector<std::string> args{"judge", "--port-file",
                                  (dir / "port").string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    if (!env.empty()) {
      auto equals = env.find('=');
      ::setenv(env.substr(0, equals).c_str(), env.substr(equals + 1).c_str(),
               1);
    }
    judge = std::make_unique<child_process>(GRADER_BINARY, args,
                                            (dir / "judge.err").string());
    if (!env.empty())
      ::unsetenv(env.substr(0, env.find('=')).c_str());
    port = wait_for_port_file((dir / "port").string());
    REQUIRE(port > 0);
  }

  ~judge_run() {
    judge.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port) + "/v1";
  }

  /// The judge's counters, read over HTTP.
  nlohmann::json stats() const {
    net::http_client client;
    net::http_request request;
    request.method = "GET";
    request.url = "http://127.0.0.1:" + std::to_string(port) + "/stats";
    std::promise<net::http_outcome> done;
    client.send(request, [&](net::http_outcome x) { done.set_value(x); });
    auto outcome = done.get_future().get();
    auto* response = std::get_if<net::http_response>(&outcome);
    REQUIRE(response != nullptr);
    return nlohmann::json::parse(response->body);
  }

  /// Waits up to 10 s until requests other than these looks at /stats
  /// reached the judge: a batch is running. Returns whether they did.
  bool wait_for_requests() const {
    for (size_t looks = 1; looks < 500; ++looks) {
      if (stats()["requests"].get<size_t>() > looks)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return false;
  }

  /// Runs `grader ARGS` with stdout and stderr into the files `out` and
  /// `err` of this folder; `env` is prefixed to the command (`NAME=value`).
  int grader(const std::string& args, const std::string& env = "") {
    auto command = env + " '" GRADER_BINARY "' " + args + " > '"
                   + (dir / "out").string() + "' 2> '"
                   + (dir / "err").string() + "'";
    auto status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string out() const {
    return slurp(dir / "out");
  }

  std::string err() const {
    return slurp(dir / "err");
  }
};

} // namespace grader::test
