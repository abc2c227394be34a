// `grader node` as real processes over 127.0.0.1, and `grader score
// --remote` spreading a batch over them through CAF's network layer.

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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

  // `llm` are the arguments that say where the node finds its LLM: by
  // default the judge's URL.
  node_process(judge_run& run, const std::string& name,
               const std::string& concurrency,
               std::optional<std::vector<std::string>> llm = std::nullopt) {
    auto port_file = (run.dir / (name + ".port")).string();
    err_file = (run.dir / (name + ".err")).string();
    if (!llm)
      llm = std::vector<std::string>{"--llm-url", run.url()};
    std::vector<std::string> args{"node",        "--port-file",
                                  port_file,     "--api-key-env",
                                  "NO_SUCH_KEY", "--concurrency",
                                  concurrency};
    args.insert(args.end(), llm->begin(), llm->end());
    process = std::make_unique<child_process>(GRADER_BINARY, args, err_file);
    port = wait_for_port_file(port_file);
    REQUIRE(port > 0);
  }

  std::string address() const {
    return "127.0.0.1:" + std::to_string(port);
  }
};

// `n` short answers, each needing a score and an explanation call, in the
// file `name`.json.
std::string write_short_answers(judge_run& run, size_t n,
                                const std::string& name = "short") {
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
  auto path = (run.dir / (name + ".json")).string();
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

TEST_CASE("three grader node processes share a batch of 300", "[apps][llm]") {
  judge_run run{{"--latency-ms", "20"}};
  std::vector<std::unique_ptr<node_process>> nodes;
  std::string addresses;
  for (auto name : {"a", "b", "c"}) {
    nodes.push_back(std::make_unique<node_process>(run, name, "4"));
    addresses += (addresses.empty() ? "" : ",") + nodes.back()->address();
  }
  auto batch = write_short_answers(run, 300);
  REQUIRE(run.grader("score --verbose --remote " + addresses + " " + batch)
          == 0);
  check_all_graded_by_llm(json::parse(run.out()), 300);
  // Each node did its part; together, all of it once.
  int total = 0;
  for (const auto& node : nodes) {
    auto line = "node " + node->address() + " settled ";
    auto at = run.err().find(line);
    REQUIRE(at != std::string::npos);
    auto settled = std::stoi(run.err().substr(at + line.size()));
    CHECK(settled >= 50);
    total += settled;
  }
  CHECK(total == 300);
}

TEST_CASE("grader score --remote loses no answer when one of three nodes "
          "dies or hangs mid-batch",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "50"}};
  node_process doomed{run, "doomed", "4"};
  node_process second{run, "second", "4"};
  node_process third{run, "third", "4"};
  auto batch = write_short_answers(run, 300);
  auto out = (run.dir / "result.json").string();
  auto err = (run.dir / "score.err").string();
  child_process score{
    GRADER_BINARY,
    {"score", "--verbose", "--remote",
     doomed.address() + "," + second.address() + "," + third.address(), batch,
     "-o", out},
    err};
  REQUIRE(run.wait_for_requests());
  auto lost_line = "lost node " + doomed.address();
  SECTION("SIGKILL") {
    doomed.process->signal(SIGKILL);
  }
  SECTION("SIGSTOP: heartbeats find it within the connection timeout") {
    auto stopped_at = std::chrono::steady_clock::now();
    doomed.process->signal(SIGSTOP);
    while (slurp(err).find(lost_line) == std::string::npos
           && std::chrono::steady_clock::now() - stopped_at < 10s)
      std::this_thread::sleep_for(20ms);
    auto detected = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - stopped_at);
    INFO("lost after " << detected.count() << " ms");
    CHECK(detected < 3s);
  }
  REQUIRE(score.exited_within(30s));
  CHECK(score.wait() == 0);
  check_all_graded_by_llm(json::parse(slurp(out)), 300);
  auto log = slurp(err);
  CHECK_THAT(log, Catch::Contains(lost_line));
  // What the lost node had went to the two others.
  CHECK_THAT(log, Catch::Contains("node " + second.address() + " settled "));
  CHECK_THAT(log, Catch::Contains("node " + third.address() + " settled "));
  doomed.process->signal(SIGKILL);
}

TEST_CASE("grader score --remote splits its --concurrency over the nodes "
          "by their capacity",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "50"}};
  // 12 in flight between them, were they left to their own limits.
  node_process big{run, "big", "8"};
  node_process small{run, "small", "4"};
  auto batch = write_short_answers(run, 60);
  REQUIRE(run.grader("score --concurrency 6 --remote " + big.address() + ","
                     + small.address() + " " + batch)
          == 0);
  check_all_graded_by_llm(json::parse(run.out()), 60);
  // The key allows 6: the big node gets 4, the small one 2.
  auto most = run.stats()["most_in_flight"].get<int>();
  CHECK(most <= 6);
  CHECK(most >= 5);
}

TEST_CASE("grader node takes its settings from the environment and a "
          "config file, as grader score does",
          "[apps][llm]") {
  judge_run run;
  auto batch = write_short_answers(run, 4);
  SECTION("GRADER_LLM_URL") {
    ::setenv("GRADER_LLM_URL", run.url().c_str(), 1);
    node_process node{run, "node", "4", std::vector<std::string>{}};
    ::unsetenv("GRADER_LLM_URL");
    REQUIRE(run.grader("score --remote " + node.address() + " " + batch) == 0);
  }
  SECTION("--config, a flag beating it") {
    auto config = (run.dir / "node.toml").string();
    std::ofstream{config} << "llm-url = \"" << run.url()
                          << "\"\nconcurrency = 2\n";
    node_process node{run, "node", "4",
                      std::vector<std::string>{"--config", config}};
    REQUIRE(run.grader("score --remote " + node.address() + " " + batch) == 0);
    CHECK_THAT(slurp(node.err_file), Catch::Contains("(concurrency 4)"));
  }
  auto out = json::parse(run.out());
  check_all_graded_by_llm(out, 4);
  CHECK(out["metrics"]["llm"] == "gpt-4o-mini at " + run.url());
  CHECK(run.stats()["completions"] == 8);
}

TEST_CASE("grader score --remote records the nodes' judge settings, "
          "compares them on --resume and names the judging flags it ignores",
          "[apps][llm]") {
  judge_run run;
  node_process sampled{run, "sampled", "4",
                       std::vector<std::string>{"--llm-url", run.url(),
                                                "--judge-samples", "2",
                                                "--seed", "7"}};
  auto batch = write_short_answers(run, 6);
  auto journal = (run.dir / "journal.jsonl").string();
  REQUIRE(run.grader("score --remote " + sampled.address() + " --journal "
                     + journal + " --temperature 0.5 --judge-samples 3 "
                     + batch)
          == 0);
  CHECK_THAT(run.err(),
             Catch::Contains("with --remote the nodes judge with their own "
                             "settings; ignored: --temperature, "
                             "--judge-samples"));
  auto out = json::parse(run.out());
  check_all_graded_by_llm(out, 6);
  const auto& judge = out["metrics"]["judge"];
  CHECK(judge["samples"] == 2);
  CHECK(judge["seed"] == 7);
  CHECK(judge["temperature"] == 0);
  for (const auto& x : out["results"])
    CHECK(x["judge_scores"].size() == 2);
  std::ifstream lines{journal};
  std::string first;
  REQUIRE(std::getline(lines, first));
  CHECK(json::parse(first)["judge"] == judge);

  // A node judging with one sample would mix two judges in one output.
  node_process single{run, "single", "4"};
  CHECK(run.grader("score --remote " + single.address() + " --resume " + journal
                   + " " + batch)
        == 2);
  CHECK_THAT(run.err(), Catch::Contains("--resume: the journal")
                          && Catch::Contains("was judged otherwise: seed none "
                                             "(was 7), judge samples 1 (was "
                                             "2)"));
  REQUIRE(run.grader("score --remote " + sampled.address() + " --resume "
                     + journal + " " + batch)
          == 0);
  CHECK(json::parse(run.out())["results"] == out["results"]);
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

namespace {

// The actors a node had running when its `nth` client (from 0)
// connected, as its connect line says.
int actors_at_connect(const std::string& log, size_t nth) {
  size_t at = 0;
  for (size_t i = 0; i <= nth; ++i) {
    at = log.find(" connected (", at);
    REQUIRE(at != std::string::npos);
    at += 12;
  }
  return std::stoi(log.substr(at));
}

} // namespace

TEST_CASE("grader node tells of clients coming and going, ends the batches "
          "of one that vanishes, and serves the next with nothing left over",
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
  // The client is named by the address it connects from, coming and going.
  CHECK_THAT(log, Catch::Contains("client 127.0.0.1:"));
  CHECK(log.find("client 127.0.0.1:") < log.find(" connected ("));
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
  // The next client is served in full, and finds the node as the first
  // did: the vanished one's batches, scorers and calls are all gone.
  REQUIRE(run.grader("score --remote " + node.address() + " "
                     + write_short_answers(run, 8, "next"))
          == 0);
  check_all_graded_by_llm(json::parse(run.out()), 8);
  log = slurp(node.err_file);
  CHECK(actors_at_connect(log, 1) == actors_at_connect(log, 0));
  CHECK(node.process->stop() == 0);
}

TEST_CASE("two clients on one node: 5 answers beside 2,000 are not starved",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "50"}};
  node_process node{run, "node", "20"};
  // 4,000 calls at 20 at a time: 10 s of work.
  child_process big{GRADER_BINARY,
                    {"score", "--quiet", "--remote", node.address(),
                     write_short_answers(run, 2000, "big")},
                    (run.dir / "big.err").string(),
                    (run.dir / "big.out").string()};
  REQUIRE(run.wait_for_requests());
  auto small_batch = write_short_answers(run, 5, "small");
  auto started = std::chrono::steady_clock::now();
  REQUIRE(run.grader("score --remote " + node.address() + " " + small_batch)
          == 0);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now() - started);
  check_all_graded_by_llm(json::parse(run.out()), 5);
  // Its own ideal is two calls, 100 ms; behind the big one it would take
  // about 10 s.
  INFO("the small batch took " << took.count() << " ms");
  CHECK(took < 3s);
  CHECK_FALSE(big.exited_within(0ms));
  big.signal(SIGKILL);
  big.wait();
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
                             + ": it speaks another protocol than this client ("
                             + grader::node_protocol + ")"));
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
