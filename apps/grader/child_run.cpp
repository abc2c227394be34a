#include "apps/grader/child_run.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace grader::app {

child_run::child_run(const std::string& program,
                     const std::vector<std::string>& args,
                     const std::string& stdout_path,
                     const std::string& stderr_path,
                     const std::vector<std::string>& environment) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& arg : args)
    argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& entry : environment)
    envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);
  started_ = std::chrono::steady_clock::now();
  auto rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr,
                          argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = 0;
    throw std::runtime_error("cannot start " + program + ": "
                             + std::strerror(rc));
  }
}

child_run::~child_run() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(0);
  }
}

void child_run::signal(int signal) {
  if (pid_ > 0)
    ::kill(pid_, signal);
}

child_usage child_run::finish() {
  if (auto usage = reap(0))
    return *usage;
  return usage_.value_or(child_usage{});
}

std::optional<child_usage> child_run::poll() {
  return reap(WNOHANG);
}

std::optional<child_usage> child_run::reap(int options) {
  if (pid_ <= 0)
    return usage_;
  int status = 0;
  struct rusage used {};
  pid_t done = 0;
  do {
    done = ::wait4(pid_, &status, options, &used);
  } while (done < 0 && errno == EINTR);
  if (done == 0)
    return std::nullopt;
  child_usage x;
  x.wall = std::chrono::steady_clock::now() - started_;
  if (done == pid_) {
    if (WIFEXITED(status))
      x.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
      x.signal = WTERMSIG(status);
    auto seconds = [](const timeval& t) {
      return static_cast<double>(t.tv_sec)
             + static_cast<double>(t.tv_usec) / 1e6;
    };
    x.cpu_s = seconds(used.ru_utime) + seconds(used.ru_stime);
    x.max_rss_kib = static_cast<uint64_t>(used.ru_maxrss);
  }
  pid_ = 0;
  usage_ = x;
  return usage_;
}

std::vector<std::string>
environment_without(const std::vector<std::string>& names) {
  std::vector<std::string> result;
  for (auto** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text = *entry;
    auto name = text.substr(0, text.find('='));
    if (std::find(names.begin(), names.end(), name) == names.end())
      result.push_back(std::move(text));
  }
  return result;
}

std::string tail_of_file(const std::string& path, size_t max_lines) {
  std::ifstream in{path};
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > max_lines)
      lines.pop_front();
  }
  std::string text;
  for (const auto& line : lines)
    text += line + '\n';
  return text;
}

std::string own_executable() {
  std::string path(4096, '\0');
  auto length = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (length <= 0)
    throw std::runtime_error(std::string{"cannot read /proc/self/exe: "}
                             + std::strerror(errno));
  path.resize(static_cast<size_t>(length));
  return path;
}

uint16_t wait_for_port_file(child_run& child, const std::string& port_file,
                            const std::string& stderr_path,
                            const std::string& what) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  for (;;) {
    std::ifstream in{port_file};
    unsigned port = 0;
    if (in >> port && port > 0 && port < 65536)
      return static_cast<uint16_t>(port);
    if (child.poll() || std::chrono::steady_clock::now() > give_up)
      throw std::runtime_error(
        what + " did not start: " + tail_of_file(stderr_path));
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

} // namespace grader::app
