#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/grader/child_run.hpp"
#include "net/http_client.hpp"
#include "net/judge_server_stats.hpp"

namespace grader::app {

/// `grader judge` as a separate server process on 127.0.0.1, the way a
/// user runs an OpenAI-compatible endpoint beside grader, with its
/// counters read over HTTP (`GET /stats`).
class judge_process {
public:
  /// Starts `program judge --port 0 --latency-ms LATENCY` with its port
  /// file and stderr in `dir` (named after `name`), and waits up to 10 s
  /// for the port. Throws std::runtime_error, with the judge's stderr, when
  /// it does not come up.
  judge_process(const std::string& program, const std::filesystem::path& dir,
                const std::string& name, uint32_t latency_ms,
                bool faults = false);

  /// Stops the judge (SIGTERM) if stop() was not called.
  ~judge_process();

  judge_process(const judge_process&) = delete;
  judge_process& operator=(const judge_process&) = delete;

  uint16_t port() const {
    return port_;
  }

  /// The base URL of its chat-completions API, `http://127.0.0.1:P/v1`.
  std::string url() const;

  /// The counters so far. The connections this reader opened are taken
  /// out of `connections_accepted`, which so counts only the clients'.
  /// Throws std::runtime_error when the judge does not answer.
  net::judge_server_stats stats();

  /// Stops the judge and returns what it used.
  child_usage stop();

private:
  std::string stderr_path_;
  std::unique_ptr<child_run> child_;
  uint16_t port_ = 0;
  /// Reads /stats; keeps its connection, so that reading costs the judge
  /// no new connection each time.
  std::unique_ptr<net::http_client> reader_;
};

} // namespace grader::app
