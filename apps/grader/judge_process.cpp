#include "apps/grader/judge_process.hpp"

#include <chrono>
#include <fstream>
#include <future>
#include <stdexcept>
#include <thread>
#include <variant>

#include <signal.h>

#include <nlohmann/json.hpp>

namespace grader::app {

namespace fs = std::filesystem;

judge_process::judge_process(const std::string& program, const fs::path& dir,
                             const std::string& name, uint32_t latency_ms,
                             bool faults)
  : stderr_path_((dir / (name + ".judge.err")).string()) {
  auto port_file = dir / (name + ".judge.port");
  std::error_code ignored;
  fs::remove(port_file, ignored);
  std::vector<std::string> args{"judge",
                                "--port",
                                "0",
                                "--port-file",
                                port_file.string(),
                                "--latency-ms",
                                std::to_string(latency_ms)};
  if (faults)
    args.emplace_back("--faults");
  child_ = std::make_unique<child_run>(program, args, "/dev/null", stderr_path_,
                                       environment_without({}));
  port_ = wait_for_port_file(*child_, port_file.string(), stderr_path_,
                             "grader judge");
  reader_ = std::make_unique<net::http_client>();
}

judge_process::~judge_process() {
  if (child_ && child_->pid() > 0)
    stop();
}

std::string judge_process::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

net::judge_server_stats judge_process::stats() {
  net::http_request request;
  request.method = "GET";
  request.url = "http://127.0.0.1:" + std::to_string(port_) + "/stats";
  request.timeout = std::chrono::seconds{10};
  std::promise<net::http_outcome> done;
  auto outcome = done.get_future();
  reader_->send(request,
                [&done](net::http_outcome x) { done.set_value(std::move(x)); });
  auto reply = outcome.get();
  auto* response = std::get_if<net::http_response>(&reply);
  if (response == nullptr || response->status != 200)
    throw std::runtime_error("grader judge did not answer GET /stats");
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  if (!body.is_object())
    throw std::runtime_error("grader judge sent unreadable /stats");
  net::judge_server_stats x;
  x.connections_accepted = body.value("connections_accepted", uint64_t{0});
  x.requests = body.value("requests", uint64_t{0});
  x.completions = body.value("completions", uint64_t{0});
  x.in_flight = body.value("in_flight", uint64_t{0});
  x.most_in_flight = body.value("most_in_flight", uint64_t{0});
  auto own = reader_->stats().connections_opened;
  x.connections_accepted -= std::min(own, x.connections_accepted);
  return x;
}

child_usage judge_process::stop() {
  reader_.reset();
  child_->signal(SIGTERM);
  // It ends at once on SIGTERM; a judge that does not would hang the bench.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds{5};
  for (;;) {
    if (auto usage = child_->poll())
      return *usage;
    if (std::chrono::steady_clock::now() >= give_up)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  child_->signal(SIGKILL);
  return child_->finish();
}

} // namespace grader::app
