// `grader node` and `grader score --remote` on two hosts: two network
// namespaces made for the test, joined by a virtual Ethernet pair. Needs
// root (CAP_SYS_ADMIN) and `ip`; without them the test says so and passes
// nothing off as checked.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/child_process.hpp"
#include "tests/fixtures/scratch_directory.hpp"

using nlohmann::json;

using grader::test::child_process;
using grader::test::slurp;
using grader::test::wait_for_port_file;

namespace {

std::string ip_program() {
  for (const char* path :
       {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
    if (::access(path, X_OK) == 0)
      return path;
  return {};
}

bool run_quietly(const std::string& command) {
  return std::system((command + " > /dev/null 2>&1").c_str()) == 0;
}

// Two namespaces, "node" at 10.213.0.1 and "client" at 10.213.0.2, each
// with its own loopback; removed with everything in them at the end.
struct two_hosts {
  std::string ip = ip_program();
  std::string node_ns;
  std::string client_ns;
  bool ready = false;
  static constexpr const char* node_address = "10.213.0.1";

  two_hosts() {
    auto tag = std::to_string(::getpid());
    node_ns = "grader-" + tag + "-node";
    client_ns = "grader-" + tag + "-client";
    if (ip.empty() || ::geteuid() != 0)
      return;
    auto in_node = ip + " -n " + node_ns + " ";
    auto in_client = ip + " -n " + client_ns + " ";
    auto veth = "gv" + tag;
    ready
      = run_quietly(ip + " netns add " + node_ns)
        && run_quietly(ip + " netns add " + client_ns)
        && run_quietly(in_node + "link add " + veth + "a type veth peer name "
                       + veth + "b netns " + client_ns)
        && run_quietly(in_node + "addr add 10.213.0.1/24 dev " + veth + "a")
        && run_quietly(in_client + "addr add 10.213.0.2/24 dev " + veth + "b")
        && run_quietly(in_node + "link set " + veth + "a up")
        && run_quietly(in_client + "link set " + veth + "b up")
        && run_quietly(in_node + "link set lo up")
        && run_quietly(in_client + "link set lo up");
  }

  ~two_hosts() {
    if (!ip.empty()) {
      run_quietly(ip + " netns del " + node_ns);
      run_quietly(ip + " netns del " + client_ns);
    }
  }

  // `grader ARGS` inside namespace `ns`.
  std::unique_ptr<child_process>
  grader(const std::string& ns, std::vector<std::string> args,
         const std::string& err, const std::string& out = "") {
    std::vector<std::string> command{"netns", "exec", ns, GRADER_BINARY};
    command.insert(command.end(), args.begin(), args.end());
    return std::make_unique<child_process>(ip, command, err, out);
  }
};

} // namespace

TEST_CASE("grader score --remote scores on a node of another host, which a "
          "node listening on 127.0.0.1 is not",
          "[apps][llm]") {
  two_hosts hosts;
  if (!hosts.ready) {
    WARN("skipped: making network namespaces needs root and ip");
    return;
  }
  grader::test::scratch_directory tmp;
  auto judge = hosts.grader(hosts.node_ns,
                            {"judge", "--port", "0", "--port-file",
                             tmp.path("judge.port"), "--latency-ms", "5"},
                            tmp.path("judge.err"));
  auto judge_port = wait_for_port_file(tmp.path("judge.port"));
  REQUIRE(judge_port > 0);
  auto llm_url = "http://127.0.0.1:" + std::to_string(judge_port) + "/v1";
  auto node = [&](const std::string& name, std::vector<std::string> more) {
    std::vector<std::string> args{
      "node",       "--port-file", tmp.path(name + ".port"),
      "--llm-url",  llm_url,       "--api-key-env",
      "NO_SUCH_KEY"};
    args.insert(args.end(), more.begin(), more.end());
    return hosts.grader(hosts.node_ns, args, tmp.path(name + ".err"));
  };
  auto open_node = node("open", {"--host", two_hosts::node_address});
  auto local_node = node("local", {});
  auto open_port = wait_for_port_file(tmp.path("open.port"));
  auto local_port = wait_for_port_file(tmp.path("local.port"));
  REQUIRE(open_port > 0);
  REQUIRE(local_port > 0);
  auto address = [](unsigned port) {
    return std::string{two_hosts::node_address} + ":" + std::to_string(port);
  };
  auto batch = GRADER_SOURCE_DIR "/examples/mixed.json";
  SECTION("the node listening on the shared network scores the batch") {
    auto score = hosts.grader(hosts.client_ns,
                              {"score", "--remote", address(open_port), batch},
                              tmp.path("score.err"), tmp.path("score.out"));
    REQUIRE(score->exited_within(std::chrono::seconds{30}));
    CHECK(score->wait() == 0);
    auto out = json::parse(slurp(tmp.path("score.out")));
    CHECK(out["failures"].empty());
    CHECK(out["results"].size() == 36);
    CHECK(out["metrics"]["llm"] == "gpt-4o-mini at " + llm_url);
    CHECK(out["metrics"]["llm_calls"].get<int>() > 0);
    CHECK_THAT(slurp(tmp.path("open.err")), Catch::Contains(" connected ("));
  }
  SECTION("the node on its own 127.0.0.1 cannot be reached from the other "
          "host") {
    auto score = hosts.grader(hosts.client_ns,
                              {"score", "--remote", address(local_port), batch},
                              tmp.path("score.err"), tmp.path("score.out"));
    REQUIRE(score->exited_within(std::chrono::seconds{30}));
    CHECK(score->wait() == 2);
    CHECK_THAT(slurp(tmp.path("score.err")),
               Catch::Contains("cannot reach node " + address(local_port)));
  }
}
