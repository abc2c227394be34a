#pragma once

// The real judge server on 127.0.0.1 and a chat backend pointed at it, for
// tests of the LLM path.

#include <memory>
#include <string>

#include "net/chat_backend.hpp"
#include "net/openai_backend.hpp"
#include "net/judge_server.hpp"

namespace grader::test {

/// A judge server with fault injection on, and its URL.
struct judge_fixture {
  net::judge_server server;

  explicit judge_fixture(std::chrono::milliseconds latency
                         = std::chrono::milliseconds{0})
    : server(options(latency)) {
  }

  static net::judge_server_options options(std::chrono::milliseconds latency) {
    net::judge_server_options opts;
    opts.faults = true;
    opts.latency = latency;
    return opts;
  }

  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(server.port()) + "/v1";
  }

  /// A backend calling this server over HTTP.
  std::shared_ptr<net::chat_backend>
  backend(size_t max_connections = 64) const {
    net::http_client_options http;
    http.max_connections_per_host = max_connections;
    return net::make_openai_backend({base_url(), "judge", "sk-test-secret"},
                                    http);
  }
};

} // namespace grader::test
