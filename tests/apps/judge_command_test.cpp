// `grader judge` as a real process, and `grader score --llm-url` scoring
// through it over 127.0.0.1.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/apps/child_process.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

using grader::test::judge_run;
using grader::test::slurp;

TEST_CASE("grader score --llm-url scores a mixed batch through grader judge",
          "[apps][llm]") {
  judge_run run;
  auto code = run.grader("score --llm-url " + run.url() + " "
                         GRADER_SOURCE_DIR "/examples/mixed.json");
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
    REQUIRE(run.grader("score --no-explain " + small,
                       "GRADER_LLM_URL=" + run.url()
                         + " GRADER_MODEL=env-model")
            == 0);
    auto out = json::parse(run.out());
    CHECK(out["metrics"]["llm"] == "env-model at " + run.url());
    CHECK(out["metrics"]["llm_calls"] == 2);
  }
  SECTION("OPENAI_BASE_URL, and a flag beating the environment") {
    REQUIRE(run.grader("score --no-explain --model flag-model " + small,
                       "OPENAI_BASE_URL=" + run.url()
                         + " GRADER_MODEL=env-model")
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
  auto code = run.grader("score --retries 0 --llm-url http://127.0.0.1:1/v1 "
                         GRADER_SOURCE_DIR "/examples/small.json");
  CHECK(code == 0);
  auto out = json::parse(run.out());
  for (const auto& r : out["results"])
    if (r["question_id"].get<std::string>().find("-sa") != std::string::npos)
      CHECK(r["graded_by"] == "fallback");
  auto err = run.err();
  CHECK(err.find("grader: warning: LLM calls failed") != std::string::npos);
  CHECK(err.find("connect_failed") != std::string::npos);
  CHECK(out["metrics"]["llm_error"].get<std::string>().find("connect_failed")
        != std::string::npos);
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
    REQUIRE(run.grader("score --insecure --llm-url " + url + " " + small)
            == 0);
    CHECK(run.err().find("NOT checked") != std::string::npos);
    auto out = json::parse(run.out());
    CHECK(out["results"][3]["graded_by"] == "llm");
  }
  std::error_code ignored;
  fs::remove_all(keys, ignored);
}
