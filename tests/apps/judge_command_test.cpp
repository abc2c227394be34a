// `grader judge` as a real process, and `grader score --llm-url` scoring
// through it over 127.0.0.1.

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include "tests/fixtures/child_process.hpp"
#include "tests/fixtures/sync_http.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

using grader::test::judge_run;
using grader::test::slurp;
using grader::test::sync_http;
using namespace std::chrono_literals;

namespace {

// CPU time the process has used so far, in clock ticks (user + system),
// from /proc/PID/stat.
long cpu_ticks(pid_t pid) {
  auto stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  // The command name, in parentheses, may hold spaces: count fields after
  // it. utime and stime are fields 14 and 15, the 12th and 13th after it.
  std::istringstream fields{stat.substr(stat.rfind(')') + 2)};
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14)
      utime = std::stol(field);
    if (i == 15)
      stime = std::stol(field);
  }
  return utime + stime;
}

// The process's open file descriptors: how many, and the highest.
std::pair<int, int> descriptors(pid_t pid) {
  int count = 0;
  int highest = -1;
  for (const auto& entry :
       fs::directory_iterator{"/proc/" + std::to_string(pid) + "/fd"}) {
    ++count;
    highest = std::max(highest, std::stoi(entry.path().filename().string()));
  }
  return {count, highest};
}

} // namespace

TEST_CASE("grader score --llm-url scores a mixed batch through grader judge",
          "[apps][llm]") {
  judge_run run;
  auto code = run.grader("score --llm-url " + run.url()
                         + " " GRADER_SOURCE_DIR "/examples/mixed.json");
  REQUIRE(code == 0);
  auto out = json::parse(run.out());
  auto answers = json::parse(slurp(GRADER_SOURCE_DIR "/examples/mixed.json"));
  size_t short_answers = 0;
  size_t blank = 0;
  for (size_t i = 0; i < answers["answers"].size(); ++i) {
    const auto& a = answers["answers"][i];
    const auto& r = out["results"][i];
    CHECK_FALSE(r["explanation"].get<std::string>().empty());
    if (a["question_type"] != "short_answer")
      continue;
    ++short_answers;
    if (a["user_answer"].get<std::string>().find_first_not_of(' ')
        == std::string::npos) {
      ++blank;
      CHECK(r["graded_by"] == "rules");
    } else {
      CHECK(r["graded_by"] == "llm");
    }
  }
  // Every call the batch counted reached the judge process: one score and
  // one explanation per non-blank short answer, one explanation per choice.
  auto choices = answers["answers"].size() - short_answers;
  auto expected_calls = 2 * (short_answers - blank) + choices;
  CHECK(out["metrics"]["llm_calls"] == expected_calls);
  CHECK(run.stats()["completions"] == expected_calls);
  CHECK(out["metrics"]["llm"] == "gpt-4o-mini at " + run.url());
  CHECK(run.judge->stop() == 0);
}

TEST_CASE("grader score takes the LLM settings from the environment, flags "
          "first",
          "[apps][llm]") {
  judge_run run;
  auto small = std::string{GRADER_SOURCE_DIR "/examples/small.json"};
  SECTION("GRADER_LLM_URL and GRADER_MODEL") {
    REQUIRE(
      run.grader("score --no-explain " + small,
                 "GRADER_LLM_URL=" + run.url() + " GRADER_MODEL=env-model")
      == 0);
    auto out = json::parse(run.out());
    CHECK(out["metrics"]["llm"] == "env-model at " + run.url());
    CHECK(out["metrics"]["llm_calls"] == 2);
  }
  SECTION("OPENAI_BASE_URL, and a flag beating the environment") {
    REQUIRE(
      run.grader("score --no-explain --model flag-model " + small,
                 "OPENAI_BASE_URL=" + run.url() + " GRADER_MODEL=env-model")
      == 0);
    auto out = json::parse(run.out());
    CHECK(out["metrics"]["llm"] == "flag-model at " + run.url());
  }
  SECTION("an LLM URL without a scheme") {
    CHECK(run.grader("score --llm-url 127.0.0.1:1/v1 " + small) == 2);
    CHECK(run.err()
          == "grader: the LLM URL '127.0.0.1:1/v1' needs a scheme: http:// "
             "or https://\n");
    CHECK(run.out().empty());
  }
}

TEST_CASE("grader score says so when the LLM fails and falls back to rules",
          "[apps][llm]") {
  judge_run run;
  // Port 1 on loopback: nothing listens there.
  auto code = run.grader(
    "score --retries 0 --llm-url http://127.0.0.1:1/v1 " GRADER_SOURCE_DIR
    "/examples/small.json");
  CHECK(code == 0);
  auto out = json::parse(run.out());
  size_t fallbacks = 0;
  for (const auto& r : out["results"])
    if (r["question_id"].get<std::string>().find("-sa") != std::string::npos) {
      CHECK(r["graded_by"] == "fallback");
      CHECK(r["fallback_reason"] == "llm_error");
      CHECK(r["llm_error"].get<std::string>().find("connect_failed") == 0);
      ++fallbacks;
    }
  REQUIRE(fallbacks > 0);
  auto err = run.err();
  CHECK(err.find("grader: warning: LLM calls failed") != std::string::npos);
  // The summary names the causes.
  CHECK(
    err.find("grader: fallbacks: " + std::to_string(fallbacks) + " llm_error\n")
    != std::string::npos);
  CHECK(err.find("connect_failed") != std::string::npos);
  CHECK(out["metrics"]["llm_error"].get<std::string>().find("connect_failed")
        != std::string::npos);
}

TEST_CASE("grader score asks for a json_schema reply and steps down, once "
          "per format, when the endpoint refuses it",
          "[apps][llm]") {
  auto mixed = std::string{GRADER_SOURCE_DIR "/examples/mixed.json"};
  // Of its short answers, 13 go to the judge (one is blank).
  auto short_answers = [](const json& out) {
    size_t by_llm = 0;
    for (const auto& r : out["results"]) {
      CHECK(r["graded_by"] != "fallback");
      by_llm += r["graded_by"] == "llm" ? 1 : 0;
    }
    return by_llm;
  };
  SECTION("an endpoint that takes it") {
    judge_run run;
    REQUIRE(run.grader("score --llm-url " + run.url() + " " + mixed) == 0);
    auto out = json::parse(run.out());
    CHECK(short_answers(out) == 13);
    CHECK(out["metrics"]["structured_output"] == "json_schema");
    CHECK_FALSE(out["metrics"].contains("structured_output_note"));
    CHECK(run.stats()["format_refusals"] == 0);
  }
  SECTION("an endpoint without json_schema") {
    judge_run run{{"--refuse-response-format", "json_schema"}};
    REQUIRE(
      run.grader("score --concurrency 1 --llm-url " + run.url() + " " + mixed)
      == 0);
    auto out = json::parse(run.out());
    CHECK(short_answers(out) == 13);
    CHECK(out["metrics"]["structured_output"] == "json_object");
    auto note = out["metrics"]["structured_output_note"].get<std::string>();
    CHECK(note.rfind("the endpoint refused response_format json_schema (HTTP "
                     "400 from ",
                     0)
          == 0);
    CHECK(note.find("score calls go with json_object from now on")
          != std::string::npos);
    CHECK(run.err().find("grader: structured output: " + note + "\n")
          != std::string::npos);
    // Remembered: one call at a time, so the first refusal was the only one.
    CHECK(run.stats()["format_refusals"] == 1);
    CHECK(out["metrics"]["llm_retries"] == 0);
  }
  SECTION("an endpoint without either") {
    judge_run run{{"--refuse-response-format", "json_schema,json_object"}};
    REQUIRE(run.grader("score --quiet --concurrency 1 --llm-url " + run.url()
                       + " " + mixed)
            == 0);
    auto out = json::parse(run.out());
    CHECK(short_answers(out) == 13);
    CHECK(out["metrics"]["structured_output"] == "off");
    auto note = out["metrics"]["structured_output_note"].get<std::string>();
    CHECK(note.find("json_schema (HTTP 400") != std::string::npos);
    CHECK(note.find(", then json_object (HTTP 400") != std::string::npos);
    CHECK(note.find("score calls go without response_format from now on")
          != std::string::npos);
    CHECK(run.stats()["format_refusals"] == 2);
  }
  SECTION("a format fixed by --structured is not stepped down") {
    judge_run run{{"--refuse-response-format", "json_schema"}};
    REQUIRE(run.grader("score --quiet --structured json_schema --llm-url "
                       + run.url() + " " + mixed)
            == 0);
    auto out = json::parse(run.out());
    CHECK(out["batch_stats"]["fallback_count"] == 13);
    CHECK(out["metrics"]["llm_error"].get<std::string>().find(
            "'response_format' of type 'json_schema' is not supported")
          != std::string::npos);
    REQUIRE(run.grader("score --quiet --structured off --llm-url " + run.url()
                       + " " + mixed)
            == 0);
    out = json::parse(run.out());
    CHECK(short_answers(out) == 13);
    CHECK(out["metrics"]["structured_output"] == "off");
  }
}

TEST_CASE("grader score scores a rubric answer per criterion through grader "
          "judge, its rubric_scores summing, scaled, to its score",
          "[apps][llm]") {
  judge_run run;
  auto batch = (run.dir / "rubric.json").string();
  json answers = json::array();
  const char* texts[]
    = {"Plants turn carbon dioxide and water into glucose and oxygen in their "
       "chloroplasts.",
       "Plants turn carbon dioxide and water into food.", "I do not know.",
       "광합성은 이산화탄소와 물로 포도당을 만들고 산소를 내놓는다."};
  for (size_t i = 0; i < 4; ++i)
    answers.push_back(
      {{"user_id", "u" + std::to_string(i)},
       {"question_id", "photosynthesis"},
       {"question_type", "short_answer"},
       {"user_answer", texts[i]},
       {"correct_keywords", {"glucose"}},
       {"reference_answer", "Carbon dioxide and water become glucose and "
                            "oxygen, in the chloroplasts."},
       {"rubric",
        i < 3 ? json{{{"criterion", "carbon dioxide and water"}, {"points", 2}},
                     {{"criterion", "glucose and oxygen"}, {"points", 2}},
                     {{"criterion", "chloroplasts"}, {"points", 1}}}
              : json{{{"criterion", "이산화탄소와 물"}, {"points", 3}},
                     {{"criterion", "산소를 내놓는다"}, {"points", 2}}}}});
  { std::ofstream{batch} << json{{"answers", answers}}.dump(); }
  REQUIRE(run.grader("score --quiet --judge-samples 3 --llm-url " + run.url()
                     + " '" + batch + "'")
          == 0);
  auto out = json::parse(run.out());
  REQUIRE(out["results"].size() == 4);
  std::vector<int> scores;
  for (const auto& r : out["results"]) {
    CHECK(r["graded_by"] == "llm");
    const auto& rubric = answers[r["index"].get<size_t>()]["rubric"];
    const auto& points = r["rubric_scores"];
    REQUIRE(points.size() == rubric.size());
    int got = 0;
    int total = 0;
    for (size_t c = 0; c < rubric.size(); ++c) {
      CHECK(points[c] >= 0);
      CHECK(points[c] <= rubric[c]["points"]);
      got += points[c].get<int>();
      total += rubric[c]["points"].get<int>();
    }
    auto scaled = static_cast<int>(std::lround(100.0 * got / total));
    CHECK(r["score"] == scaled);
    CHECK(r["judge_scores"].size() == 3);
    scores.push_back(r["score"].get<int>());
  }
  // Full marks; the inputs and a little of the rest's wording (3 of 5
  // points); nothing; and in Korean all of it.
  CHECK(scores == std::vector<int>{100, 60, 0, 100});
}

TEST_CASE("grader judge serves HTTPS that grader score trusts with --ca-file",
          "[apps][llm]") {
  fs::path keys = fs::temp_directory_path()
                  / ("grader-tls-" + std::to_string(::getpid()));
  fs::create_directories(keys);
  auto cert = (keys / "judge.pem").string();
  auto key = (keys / "judge.key").string();
  auto openssl = "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + key
                 + "' -out '" + cert
                 + "' -days 1 -subj /CN=localhost -addext "
                   "subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null";
  REQUIRE(std::system(openssl.c_str()) == 0);
  judge_run run{{"--tls-cert", cert, "--tls-key", key}};
  auto url = "https://localhost:" + std::to_string(run.port) + "/v1";
  auto small = std::string{GRADER_SOURCE_DIR "/examples/small.json"};
  SECTION("trusted with --ca-file") {
    REQUIRE(run.grader("score --ca-file '" + cert + "' --llm-url " + url + " "
                       + small)
            == 0);
    auto out = json::parse(run.out());
    CHECK_FALSE(out["metrics"].contains("llm_error"));
    CHECK(out["results"][3]["graded_by"] == "llm");
  }
  SECTION("refused without it, with a clear verification error") {
    REQUIRE(run.grader("score --retries 0 --llm-url " + url + " " + small)
            == 0);
    auto out = json::parse(run.out());
    auto error = out["metrics"]["llm_error"].get<std::string>();
    CHECK(error.find("tls_failed") != std::string::npos);
    CHECK(error.find("certificate verify failed") != std::string::npos);
    CHECK(out["results"][3]["graded_by"] == "fallback");
  }
  SECTION("accepted unchecked with --insecure, loudly") {
    REQUIRE(run.grader("score --insecure --llm-url " + url + " " + small) == 0);
    CHECK(run.err().find("NOT checked") != std::string::npos);
    auto out = json::parse(run.out());
    CHECK(out["results"][3]["graded_by"] == "llm");
  }
  std::error_code ignored;
  fs::remove_all(keys, ignored);
}

TEST_CASE("grader score --llm-url with a query string posts to the path "
          "before it",
          "[apps][llm]") {
  judge_run run;
  auto url = run.url() + "?api-version=2024-06-01";
  REQUIRE(run.grader("score --no-explain --llm-url '" + url
                     + "' " GRADER_SOURCE_DIR "/examples/small.json")
          == 0);
  auto out = json::parse(run.out());
  CHECK_FALSE(out["metrics"].contains("llm_error"));
  CHECK(out["results"][3]["graded_by"] == "llm");
  CHECK(run.stats()["completions"] == out["metrics"]["llm_calls"]);
  // What is printed leaves out the query, which may carry a key.
  CHECK(out["metrics"]["llm"] == "gpt-4o-mini at " + run.url());
}

TEST_CASE("grader judge waits instead of spinning when out of file "
          "descriptors, and serves again once one is free",
          "[apps]") {
  judge_run run;
  auto pid = run.judge->pid();
  auto held = std::make_unique<sync_http>(run.port);
  REQUIRE(held->get("/health").response.result_int() == 200);
  // Allow the judge no descriptor beyond those it has open.
  auto [count, highest] = descriptors(pid);
  rlimit limit{};
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, nullptr, &limit) == 0);
  limit.rlim_cur = static_cast<rlim_t>(highest + 1);
  REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &limit, nullptr) == 0);
  // Free numbers below the highest take connections too; the last of
  // these connections is left queued, unaccepted.
  std::vector<std::unique_ptr<sync_http>> clients;
  for (int i = 0; i <= highest + 1 - count; ++i) {
    clients.push_back(std::make_unique<sync_http>(run.port));
    REQUIRE_FALSE(clients.back()->connect_error());
  }
  auto before = cpu_ticks(pid);
  std::this_thread::sleep_for(500ms);
  auto used = cpu_ticks(pid) - before;
  // A judge retrying accept at once would use most of the 50 ticks.
  CHECK(used <= 5);
  // Closing a connection frees a descriptor for the queued one.
  held.reset();
  auto result = clients.back()->get("/health");
  REQUIRE_FALSE(result.error);
  CHECK(result.response.result_int() == 200);
  CHECK(result.elapsed < 1s);
}
