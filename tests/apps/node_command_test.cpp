// `grader node` as real processes over 127.0.0.1, and `grader score
// --remote` spreading a batch over them through CAF's network layer.

#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/registration.hpp"
#include "apps/grader/node_network.hpp"
#include "tests/fixtures/child_process.hpp"
#include "tests/fixtures/http_test_support.hpp"

using nlohmann::json;

using grader::test::child_process;
using grader::test::judge_run;
using grader::test::slurp;
using grader::test::wait_for_port_file;
using namespace std::chrono_literals;

namespace {

// A `grader node` judging through the judge of `run`.
struct node_process {
  std::unique_ptr<child_process> process;
  unsigned port = 0;
  std::string err_file;

  node_process(judge_run& run, const std::string& name,
               const std::string& concurrency) {
    auto port_file = (run.dir / (name + ".port")).string();
    err_file = (run.dir / (name + ".err")).string();
    process = std::make_unique<child_process>(
      GRADER_BINARY,
      std::vector<std::string>{"node", "--port-file", port_file, "--llm-url",
                               run.url(), "--api-key-env", "NO_SUCH_KEY",
                               "--concurrency", concurrency},
      err_file);
    port = wait_for_port_file(port_file);
    REQUIRE(port > 0);
  }

  std::string address() const {
    return "127.0.0.1:" + std::to_string(port);
  }
};

// `n` short answers, each needing a score and an explanation call.
std::string write_short_answers(judge_run& run, size_t n) {
  json answers = json::array();
  for (size_t i = 0; i < n; ++i)
    answers.push_back({{"answer_id", "a" + std::to_string(i)},
                       {"user_id", "u" + std::to_string(i)},
                       {"question_id", "photosynthesis"},
                       {"question_type", "short_answer"},
                       {"user_answer", "Plants use sunlight and carbon "
                                       "dioxide to make glucose, answer "
                                         + std::to_string(i)},
                       {"correct_keywords", {"sunlight", "glucose"}}});
  auto path = (run.dir / "short.json").string();
  std::ofstream{path} << json{{"session_id", "spread"}, {"answers", answers}};
  return path;
}

// Every answer of `n` graded by the LLM, in input order, none failed.
void check_all_graded_by_llm(const json& out, size_t n) {
  REQUIRE(out["results"].size() == n);
  CHECK(out["failures"].empty());
  for (size_t i = 0; i < n; ++i) {
    CHECK(out["results"][i]["index"] == i);
    CHECK(out["results"][i]["graded_by"] == "llm");
  }
}

} // namespace

TEST_CASE("grader score --remote scores on two grader node processes what "
          "it scores in-process",
          "[apps][llm]") {
  judge_run run;
  node_process a{run, "a", "4"};
  node_process b{run, "b", "8"};
  auto batch = GRADER_SOURCE_DIR "/examples/mixed.json";
  REQUIRE(run.grader("score --remote " + a.address() + "," + b.address() + " "
                     + batch)
          == 0);
  auto remote = json::parse(run.out());
  REQUIRE(run.grader("score --llm-url " + run.url() + " " + batch) == 0);
  auto local = json::parse(run.out());
  CHECK(remote["batch_stats"] == local["batch_stats"]);
  REQUIRE(remote["results"].size() == local["results"].size());
  for (size_t i = 0; i < local["results"].size(); ++i) {
    CHECK(remote["results"][i]["index"] == i);
    CHECK(remote["results"][i]["score"] == local["results"][i]["score"]);
    CHECK(remote["results"][i]["graded_by"]
          == local["results"][i]["graded_by"]);
  }
  CHECK(remote["metrics"]["llm_calls"] == local["metrics"]["llm_calls"]);
  CHECK(remote["metrics"]["llm"] == "gpt-4o-mini at " + run.url());
  CHECK(a.process->stop() == 0);
  CHECK(b.process->stop() == 0);
  CHECK_THAT(slurp(a.err_file),
             Catch::Contains("grader node listening on "
                             "127.0.0.1:"
                             + std::to_string(a.port) + " (concurrency 4)"));
}

TEST_CASE("grader score --remote loses no answer when a node dies or hangs "
          "mid-batch",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "50"}};
  node_process doomed{run, "doomed", "4"};
  node_process survivor{run, "survivor", "4"};
  auto batch = write_short_answers(run, 60);
  auto out = (run.dir / "result.json").string();
  child_process score{GRADER_BINARY,
                      {"score", "--verbose", "--remote",
                       doomed.address() + "," + survivor.address(), batch, "-o",
                       out},
                      (run.dir / "score.err").string()};
  REQUIRE(run.wait_for_requests());
  SECTION("SIGKILL") {
    doomed.process->signal(SIGKILL);
  }
  SECTION("SIGSTOP: heartbeats find it within 3 s") {
    doomed.process->signal(SIGSTOP);
  }
  REQUIRE(score.exited_within(20s));
  CHECK(score.wait() == 0);
  check_all_graded_by_llm(json::parse(slurp(out)), 60);
  CHECK_THAT(slurp((run.dir / "score.err").string()),
             Catch::Contains("lost node " + doomed.address()));
  doomed.process->signal(SIGKILL);
}

TEST_CASE("grader score --remote skips a node it cannot reach and exits 2 "
          "when it reaches none",
          "[apps][llm]") {
  judge_run run;
  node_process up{run, "up", "4"};
  auto nobody = "127.0.0.1:" + std::to_string(grader::test::free_port());
  auto batch = GRADER_SOURCE_DIR "/examples/mixed.json";
  SECTION("one node up: the batch is scored there") {
    CHECK(
      run.grader("score --remote " + nobody + "," + up.address() + " " + batch)
      == 0);
    CHECK_THAT(run.err(), Catch::Contains("cannot reach node " + nobody));
    CHECK(json::parse(run.out())["failures"].empty());
  }
  SECTION("none up: one clear line, exit 2") {
    CHECK(run.grader("score --remote " + nobody + " " + batch) == 2);
    CHECK_THAT(run.err(), Catch::Contains("no node could be reached"));
    CHECK(run.out().empty());
  }
  SECTION("not HOST:PORT") {
    CHECK(run.grader("score --remote 127.0.0.1 " + std::string{batch}) == 2);
    CHECK_THAT(run.err(), Catch::Contains("'127.0.0.1' is not HOST:PORT"));
  }
}

TEST_CASE("grader node tells of clients coming and going, and ends the "
          "batches of one that vanishes",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "200"}};
  node_process node{run, "node", "4"};
  auto batch = write_short_answers(run, 40);
  child_process score{GRADER_BINARY,
                      {"score", "--remote", node.address(), batch},
                      (run.dir / "score.err").string(),
                      (run.dir / "score.out").string()};
  REQUIRE(run.wait_for_requests());
  score.signal(SIGKILL);
  score.wait();
  // Heartbeats tell the node within the connection timeout.
  std::string log;
  for (int i = 0; i < 100; ++i) {
    log = slurp(node.err_file);
    if (log.find("disconnected") != std::string::npos)
      break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK_THAT(log, Catch::Contains(" connected\n"));
  // The chunks it held (about five: a capacity of four and a quarter
  // more, an answer each) end with it.
  auto said = log.find("disconnected; ");
  REQUIRE(said != std::string::npos);
  CHECK(std::stoi(log.substr(said + 14)) >= 1);
  CHECK_THAT(log.substr(said), Catch::Contains(" of its batches end"));
  // No call goes out for it any more: what was in flight ends within the
  // judge's 200 ms, and nothing follows.
  std::this_thread::sleep_for(300ms);
  auto before = run.stats()["requests"].get<int>();
  std::this_thread::sleep_for(600ms);
  CHECK(run.stats()["requests"].get<int>() == before + 1);
  CHECK(node.process->stop() == 0);
}

TEST_CASE("grader node on SIGTERM finishes the batches under way, takes no "
          "new one, and exits 0",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "50"}};
  node_process stopping{run, "stopping", "4"};
  node_process staying{run, "staying", "4"};
  auto batch = write_short_answers(run, 60);
  auto out = (run.dir / "result.json").string();
  child_process score{GRADER_BINARY,
                      {"score", "--verbose", "--remote",
                       stopping.address() + "," + staying.address(), batch,
                       "-o", out},
                      (run.dir / "score.err").string()};
  REQUIRE(run.wait_for_requests());
  stopping.process->signal(SIGTERM);
  REQUIRE(stopping.process->exited_within(10s));
  CHECK(stopping.process->wait() == 0);
  // It finished the chunks it had (one or two), refusing any new one.
  auto log = slurp(stopping.err_file);
  CHECK_THAT(log, Catch::Contains("grader node stopping"));
  CHECK_THAT(log, !Catch::Contains("stopped; 0 batches"));
  CHECK_THAT(log, Catch::Contains("batches were finished first"));
  // The client gave the rest to the other node: a chunk sent as it
  // stopped was refused (node_stopping) or, sent as it exited, found it
  // gone.
  REQUIRE(score.exited_within(20s));
  CHECK(score.wait() == 0);
  check_all_graded_by_llm(json::parse(slurp(out)), 60);
}

TEST_CASE("a client of another protocol version and a node refuse each "
          "other with a clear message",
          "[apps][llm]") {
  judge_run run;
  node_process node{run, "node", "4"};
  caf::actor_system_config cfg;
  grader::register_message_types(cfg);
  grader::configure_node_network(cfg);
  // What an older or newer grader would say in the handshake.
  cfg.set("middleman.app-identifiers",
          std::vector<std::string>{"grader-node-0"});
  caf::actor_system sys{cfg};
  std::vector<std::string> problems;
  auto nodes = grader::app::connect_nodes(sys, node.address(), {}, problems);
  CHECK(nodes.empty());
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0],
             Catch::Contains("cannot reach node " + node.address()
                             + ": it speaks another protocol than this client "
                               "(grader-node-1)"));
}

namespace {

// Makes, in `dir`, the certificates of the README's recipe: a CA, a node
// and a client certificate signed by it, and a "rogue" one signed by
// another CA.
void make_certificates(const std::string& dir) {
  auto run = [&](const std::string& command) {
    REQUIRE(
      std::system(("cd '" + dir + "' && " + command + " 2>/dev/null").c_str())
      == 0);
  };
  auto ca = [&](const std::string& name) {
    run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + name
        + ".key -out " + name + ".pem -days 2 -subj /CN=" + name);
  };
  auto signed_by = [&](const std::string& name, const std::string& issuer) {
    run("openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out "
        + name + ".csr -subj /CN=" + name);
    run("openssl x509 -req -in " + name + ".csr -CA " + issuer + ".pem -CAkey "
        + issuer + ".key -CAcreateserial -out " + name + ".pem -days 2");
  };
  ca("ca");
  ca("other-ca");
  signed_by("node", "ca");
  signed_by("client", "ca");
  signed_by("rogue", "other-ca");
}

} // namespace

TEST_CASE("grader node and grader score --remote authenticate each other "
          "over TLS",
          "[apps][llm]") {
  judge_run run;
  auto dir = run.dir.string();
  make_certificates(dir);
  auto tls = [&](const std::string& who, const std::string& ca) {
    return "--tls-cert " + dir + "/" + who + ".pem --tls-key " + dir + "/" + who
           + ".key --tls-ca " + dir + "/" + ca + ".pem";
  };
  auto port_file = (run.dir / "node.port").string();
  auto err_file = (run.dir / "node.err").string();
  child_process node{GRADER_BINARY,
                     {"node", "--port-file", port_file, "--tls-cert",
                      dir + "/node.pem", "--tls-key", dir + "/node.key",
                      "--tls-ca", dir + "/ca.pem"},
                     err_file};
  auto port = wait_for_port_file(port_file);
  REQUIRE(port > 0);
  CHECK_THAT(slurp(err_file), Catch::Contains("(concurrency 64, TLS)"));
  auto score = "score " GRADER_SOURCE_DIR "/examples/mixed.json --remote "
               "127.0.0.1:"
               + std::to_string(port) + " ";
  SECTION("a client with a certificate of the same CA is served") {
    CHECK(run.grader(score + tls("client", "ca")) == 0);
    CHECK(json::parse(run.out())["failures"].empty());
  }
  SECTION("a client without TLS is refused") {
    CHECK(run.grader(score) == 2);
    CHECK_THAT(run.err(),
               Catch::Contains("closed the connection in the handshake"));
  }
  SECTION("a client with a certificate of another CA is refused") {
    CHECK(run.grader(score + tls("rogue", "ca")) == 2);
    CHECK_THAT(run.err(),
               Catch::Contains("closed the connection in the handshake"));
  }
  SECTION("the three options go together") {
    CHECK(run.grader(score + "--tls-cert " + dir + "/client.pem") == 2);
    CHECK_THAT(run.err(), Catch::Contains("--tls-cert, --tls-key and --tls-ca "
                                          "go together"));
  }
}
