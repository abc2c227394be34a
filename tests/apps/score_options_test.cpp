// The options of `grader score` as operators use them: output formats,
// progress and summary, config file and environment, token budget,
// cancellation, journal, resume and retry of failures. Every run is the
// real binary; LLM calls go to a real `grader judge` on 127.0.0.1.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/fixtures/child_process.hpp"

namespace fs = std::filesystem;
using grader::test::child_process;
using grader::test::judge_run;
using grader::test::slurp;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string examples = GRADER_SOURCE_DIR "/examples/";

// `n` answers from examples/mixed.json with fresh ids; `prefix` goes in
// front of every short answer's text (a fault directive, say).
json make_batch(size_t n, const std::string& prefix = "",
                bool short_only = false) {
  auto source = json::parse(slurp(examples + "mixed.json"))["answers"];
  json pool = json::array();
  for (const auto& a : source)
    if (!short_only || a["question_type"] == "short_answer")
      pool.push_back(a);
  json answers = json::array();
  for (size_t i = 0; i < n; ++i) {
    auto a = pool[i % pool.size()];
    a["answer_id"] = "a" + std::to_string(i);
    if (a["question_type"] == "short_answer")
      a["user_answer"] = prefix + a["user_answer"].get<std::string>() + " ("
                         + std::to_string(i) + ")";
    answers.push_back(a);
  }
  return {{"session_id", "options-test"}, {"answers", answers}};
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    lines.push_back(json::parse(line));
  return lines;
}

// The outcomes of a journal: its lines after the first, which records the
// judge settings.
std::vector<json> journal_outcomes(const std::string& text) {
  auto lines = json_lines(text);
  if (!lines.empty() && lines.front().contains("judge"))
    lines.erase(lines.begin());
  return lines;
}

} // namespace

TEST_CASE("grader score --format jsonl pipes 2000 answers with progress on "
          "stderr",
          "[apps]") {
  judge_run run;
  write(run.dir / "batch.json", make_batch(2000).dump());
  auto code = run.grader("score - --format jsonl --progress always --no-explain"
                         " < '"
                         + (run.dir / "batch.json").string() + "'");
  REQUIRE(code == 0);
  // stdout: only JSON lines, one per answer, then the summary.
  auto lines = json_lines(run.out());
  REQUIRE(lines.size() == 2001);
  for (size_t i = 0; i < 2000; ++i) {
    CHECK(lines[i]["type"] == "result");
    CHECK(lines[i]["index"] == i);
  }
  CHECK(lines.back()["type"] == "summary");
  CHECK(lines.back()["batch_stats"]["total_count"] == 2000);
  // stderr: progress lines, then the human summary.
  auto err = run.err();
  CHECK(err.find("answers 2000/2000") != std::string::npos);
  CHECK(err.find("grader: scored 2000 of 2000 answers") != std::string::npos);
}

TEST_CASE("grader score --quiet keeps stderr empty and --progress never "
          "hides the line",
          "[apps]") {
  judge_run run;
  REQUIRE(run.grader("score --quiet " + examples + "small.json") == 0);
  CHECK(run.err().empty());
  CHECK(json::parse(run.out())["batch_stats"]["total_count"] == 5);
  REQUIRE(run.grader("score --progress never " + examples + "small.json") == 0);
  CHECK(run.err().find("answers 5/5") == std::string::npos);
  CHECK(run.err().find("grader: scored 5 of 5 answers") != std::string::npos);
}

TEST_CASE("grader score takes settings from --config, below the environment "
          "and flags",
          "[apps][llm]") {
  judge_run run;
  auto config = run.dir / "grader.toml";
  auto small = examples + "small.json";
  write(config, "# grader settings\nllm-url = \"" + run.url()
                  + "\"\nmodel = \"file-model\"\nconcurrency = 4\n"
                    "no-explain = true\nformat = \"jsonl\"\n");
  SECTION("the file alone") {
    REQUIRE(run.grader("score --config '" + config.string() + "' " + small)
            == 0);
    auto lines = json_lines(run.out());
    REQUIRE(lines.size() == 6);
    CHECK(lines.back()["metrics"]["llm"] == "file-model at " + run.url());
    CHECK(lines[0]["explanation"] == "");
  }
  SECTION("the environment beats the file") {
    REQUIRE(run.grader("score --config '" + config.string() + "' " + small,
                       "GRADER_MODEL=env-model")
            == 0);
    auto lines = json_lines(run.out());
    CHECK(lines.back()["metrics"]["llm"] == "env-model at " + run.url());
  }
  SECTION("a flag beats both") {
    REQUIRE(run.grader("score --config '" + config.string()
                         + "' --model flag-model --format json " + small,
                       "GRADER_MODEL=env-model")
            == 0);
    CHECK(json::parse(run.out())["metrics"]["llm"]
          == "flag-model at " + run.url());
  }
  SECTION("an unknown setting") {
    write(config, "speed = 11\n");
    CHECK(run.grader("score --config '" + config.string() + "' " + small) == 2);
    CHECK(run.err()
          == "grader: config file '" + config.string()
               + "': unknown setting 'speed'\n");
    CHECK(run.out().empty());
  }
  SECTION("a missing file") {
    CHECK(run.grader("score --config nope.toml " + small) == 2);
    CHECK(run.err() == "grader: cannot read config file 'nope.toml'\n");
  }
}

TEST_CASE("grader score stops calling the LLM once the token budget is spent",
          "[apps][llm]") {
  judge_run run;
  write(run.dir / "batch.json", make_batch(20, "", true).dump());
  REQUIRE(run.grader("score --token-budget 1 --concurrency 1 --llm-url "
                     + run.url() + " '" + (run.dir / "batch.json").string()
                     + "'")
          == 0);
  auto out = json::parse(run.out());
  // Only the first call was made: it spent the budget.
  CHECK(out["metrics"]["llm_calls"] == 1);
  CHECK(run.stats()["completions"] == 1);
  CHECK(out["batch_stats"]["fallback_count"] >= 18);
  CHECK(out["metrics"]["llm_error"].get<std::string>().find("token budget")
        != std::string::npos);
  CHECK(run.err().find("token budget") != std::string::npos);
}

TEST_CASE("grader score estimates the cost at the given prices and stops "
          "calling the LLM at --max-cost",
          "[apps][llm]") {
  judge_run run;
  auto batch = (run.dir / "batch.json").string();
  write(batch, make_batch(20, "", true).dump());
  SECTION("the cost of every token, in the metrics and the summary") {
    REQUIRE(run.grader("score --price-prompt 2.5 --price-completion 10 "
                       "--llm-url "
                       + run.url() + " '" + batch + "'")
            == 0);
    auto metrics = json::parse(run.out())["metrics"];
    auto prompt = metrics["prompt_tokens"].get<double>();
    auto completion = metrics["completion_tokens"].get<double>();
    REQUIRE(prompt > 0);
    auto cost = (prompt * 2.5 + completion * 10) / 1e6;
    CHECK(metrics["cost"]["estimated"].get<double>() == Approx(cost));
    CHECK(metrics["cost"]["prompt_per_million"] == 2.5);
    CHECK(metrics["cost"]["completion_per_million"] == 10);
    CHECK(run.err().find("grader: estimated cost ") != std::string::npos);
  }
  SECTION("no call after the limit") {
    // A token costs 1: the first call alone passes a limit of 1.
    REQUIRE(run.grader("score --price-prompt 1000000 --price-completion "
                       "1000000 --max-cost 1 --concurrency 1 --llm-url "
                       + run.url() + " '" + batch + "'")
            == 0);
    auto out = json::parse(run.out());
    CHECK(out["metrics"]["llm_calls"] == 1);
    CHECK(run.stats()["completions"] == 1);
    CHECK(out["metrics"]["llm_error"] == "the cost limit of 1 is reached");
    size_t limited = 0;
    for (const auto& x : out["results"])
      if (x.value("fallback_reason", "") == "cost_limit") {
        ++limited;
        CHECK(x["needs_review"] == true);
        CHECK(std::count(x["review_reasons"].begin(), x["review_reasons"].end(),
                         "cost_limit")
              == 1);
      }
    CHECK(limited == 19);
  }
  SECTION("a limit without prices is refused") {
    CHECK(run.grader("score --max-cost 3 '" + batch + "'") == 2);
    CHECK(run.err()
          == "grader: --max-cost needs the prices to estimate the cost "
             "with: --price-prompt and --price-completion\n");
    CHECK(run.out().empty());
  }
}

TEST_CASE("grader score --judge-samples 3 reports the samples of every short "
          "answer and their median, the same twice with one seed",
          "[apps][llm]") {
  judge_run run;
  auto batch = (run.dir / "batch.json").string();
  auto input = json::parse(slurp(examples + "mixed.json"));
  write(batch, input.dump());
  auto score = [&](const std::string& more) {
    REQUIRE(run.grader("score --quiet --judge-samples 3 --temperature 1 "
                       "--seed 5 --llm-url "
                       + run.url() + " " + more + " '" + batch + "'")
            == 0);
    return json::parse(run.out());
  };
  auto first = score("");
  size_t short_answers = 0;
  size_t samples_apart = 0;
  for (const auto& x : first["results"]) {
    // Multiple choice, true/false and blank short answers are decided by
    // rules: nothing to sample.
    auto index = x["index"].get<size_t>();
    if (input["answers"][index]["question_type"] != "short_answer"
        || x["graded_by"] == "rules") {
      CHECK_FALSE(x.contains("judge_scores"));
      continue;
    }
    ++short_answers;
    REQUIRE(x["judge_scores"].size() == 3);
    auto samples = x["judge_scores"].get<std::vector<int>>();
    samples_apart += samples[0] != samples[1] || samples[1] != samples[2];
    std::sort(samples.begin(), samples.end());
    CHECK(x["score"] == samples[1]);
    CHECK(x["graded_by"] == "llm");
  }
  CHECK(short_answers == 13);
  REQUIRE(first["results"].size() == 36);
  // At temperature 1 the judge's samples differ: the median is taken of
  // different values, not of one repeated.
  CHECK(samples_apart >= 5);
  CHECK(first["metrics"]["judge"]["samples"] == 3);
  CHECK(first["metrics"]["judge"]["reducer"] == "median");
  // Two score calls more per short answer than with one sample.
  auto calls = first["metrics"]["llm_calls"].get<size_t>();
  CHECK(run.stats()["completions"] == calls);
  REQUIRE(
    run.grader("score --quiet --llm-url " + run.url() + " '" + batch + "'")
    == 0);
  CHECK(calls - json::parse(run.out())["metrics"]["llm_calls"].get<size_t>()
        == 2 * 13);
  auto again = score("");
  REQUIRE(again["results"].size() == first["results"].size());
  for (size_t i = 0; i < first["results"].size(); ++i) {
    CHECK(again["results"][i]["score"] == first["results"][i]["score"]);
    CHECK(again["results"][i].value("judge_scores", json::array())
          == first["results"][i].value("judge_scores", json::array()));
  }
  // With no spread allowed, samples that differ need review, and say so.
  auto strict = score("--max-spread 0");
  size_t disagreeing = 0;
  for (const auto& x : strict["results"])
    if (x.contains("judge_scores")
        && x["judge_scores"][0] != x["judge_scores"][1]) {
      ++disagreeing;
      CHECK(x["needs_review"] == true);
      auto reasons = x["review_reasons"].get<std::vector<std::string>>();
      CHECK(std::find(reasons.begin(), reasons.end(), "samples_disagree")
            != reasons.end());
    }
  CHECK(disagreeing > 0);
}

TEST_CASE("grader score cancels on SIGINT within a second with every answer "
          "accounted for",
          "[apps][llm]") {
  judge_run run{{"--faults"}};
  write(run.dir / "batch.json", make_batch(30, "[[fault:hang]] ").dump());
  child_process score{GRADER_BINARY,
                      {"score", "--llm-url", run.url(), "--quiet",
                       (run.dir / "batch.json").string()},
                      (run.dir / "score.err").string(),
                      (run.dir / "score.out").string()};
  // Until the batch runs a signal ends the process without output.
  REQUIRE(run.wait_for_requests());
  auto started = std::chrono::steady_clock::now();
  score.signal(SIGINT);
  auto code = score.wait();
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(code == 130);
  CHECK(took < 1s);
  auto out = json::parse(slurp(run.dir / "score.out"));
  CHECK(out["batch_stats"]["total_count"] == 30);
  CHECK(out["results"].size() + out["failures"].size() == 30);
  REQUIRE(out["failures"].size() > 0);
  for (const auto& f : out["failures"])
    CHECK(f["error"]["code"] == "cancelled");
}

TEST_CASE("grader score --resume after SIGKILL scores no answer twice",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "100"}};
  auto batch = (run.dir / "batch.json").string();
  auto journal = (run.dir / "journal.jsonl").string();
  write(batch, make_batch(24, "", true).dump());
  {
    child_process first{GRADER_BINARY,
                        {"score", "--llm-url", run.url(), "--concurrency", "2",
                         "--journal", journal, "--quiet", batch},
                        (run.dir / "first.err").string(),
                        (run.dir / "first.out").string()};
    // Wait until some answers are journaled, then crash the run.
    for (int i = 0; i < 100 && journal_outcomes(slurp(journal)).size() < 4; ++i)
      std::this_thread::sleep_for(50ms);
    first.signal(SIGKILL);
    CHECK(first.wait() == -1);
  }
  auto journaled = journal_outcomes(slurp(journal)).size();
  REQUIRE(journaled >= 4);
  REQUIRE(journaled < 24);
  // Calls the killed run sent may still reach the judge; they count
  // before the resumed run's.
  REQUIRE(run.wait_until_quiet());
  auto calls_before = run.stats()["completions"].get<size_t>();
  REQUIRE(run.grader("score --quiet --llm-url " + run.url() + " --resume '"
                     + journal + "' '" + batch + "'")
          == 0);
  auto out = json::parse(run.out());
  REQUIRE(out["results"].size() == 24);
  for (size_t i = 0; i < 24; ++i) {
    CHECK(out["results"][i]["index"] == i);
    CHECK(out["results"][i]["answer_id"] == "a" + std::to_string(i));
  }
  CHECK(out["batch_stats"]["total_count"] == 24);
  // Two calls (score, explanation) for each answer not in the journal, none
  // for those in it.
  auto calls_after = run.stats()["completions"].get<size_t>();
  CHECK(calls_after - calls_before == 2 * (24 - journaled));
  CHECK(out["metrics"]["llm_calls"] == 2 * (24 - journaled));
  // The resumed run journaled its answers too: the journal is complete.
  CHECK(journal_outcomes(slurp(journal)).size() == 24);
}

TEST_CASE("grader score --retry-failed re-scores only the failures",
          "[apps][llm]") {
  auto batch_json = make_batch(12, "[[fault:hang]] ", true);
  batch_json["answers"][3]["question_type"] = "multiple_choice";
  batch_json["answers"][3]["user_answer"] = "A";
  batch_json["answers"][3]["correct_answer"] = "A";
  fs::path earlier;
  {
    judge_run hanging{{"--faults"}};
    auto batch = (hanging.dir / "batch.json").string();
    write(batch, batch_json.dump());
    auto journal = (hanging.dir / "journal.jsonl").string();
    child_process score{GRADER_BINARY,
                        {"score", "--llm-url", hanging.url(), "--quiet",
                         "--no-explain", "--journal", journal, batch},
                        (hanging.dir / "score.err").string(),
                        (hanging.dir / "score.out").string()};
    // Cancel once the one answer that can finish has finished.
    for (int i = 0; i < 200 && journal_outcomes(slurp(journal)).empty(); ++i)
      std::this_thread::sleep_for(50ms);
    score.signal(SIGINT);
    REQUIRE(score.wait() == 130);
    earlier = fs::temp_directory_path()
              / ("grader-earlier-" + std::to_string(::getpid()) + ".json");
    fs::copy_file(hanging.dir / "score.out", earlier,
                  fs::copy_options::overwrite_existing);
  }
  auto before = json::parse(slurp(earlier));
  REQUIRE(before["results"].size() == 1);
  REQUIRE(before["failures"].size() == 11);
  // Without --faults the directive is plain text: the retry succeeds.
  judge_run healthy;
  auto batch = (healthy.dir / "batch.json").string();
  write(batch, batch_json.dump());
  REQUIRE(healthy.grader("score --quiet --no-explain --llm-url " + healthy.url()
                         + " --retry-failed '" + earlier.string() + "' '"
                         + batch + "'")
          == 0);
  auto out = json::parse(healthy.out());
  CHECK(out["results"].size() == 12);
  CHECK(out["failures"].empty());
  CHECK(out["results"][3]["attempt_id"] == before["results"][0]["attempt_id"]);
  CHECK(healthy.stats()["completions"] == 11);
  fs::remove(earlier);
}

TEST_CASE("grader score sends the key from --api-key-env and never shows it",
          "[apps][llm]") {
  judge_run run{{"--api-key-env", "JUDGE_KEY"}, "JUDGE_KEY=sk-grader-test-1"};
  auto small = examples + "small.json";
  SECTION("the right key") {
    REQUIRE(run.grader("score --api-key-env MY_KEY --llm-url " + run.url() + " "
                         + small,
                       "MY_KEY=sk-grader-test-1")
            == 0);
    auto out = json::parse(run.out());
    CHECK(out["results"][3]["graded_by"] == "llm");
    CHECK_FALSE(out["metrics"].contains("llm_error"));
  }
  SECTION("a wrong key: refused at once, and the key shows nowhere") {
    REQUIRE(run.grader("score --api-key-env MY_KEY --llm-url " + run.url() + " "
                         + small,
                       "MY_KEY=sk-wrong-secret")
            == 0);
    auto out = run.out();
    auto err = run.err();
    auto parsed = json::parse(out);
    CHECK(parsed["results"][3]["graded_by"] == "fallback");
    CHECK(parsed["metrics"]["llm_error"].get<std::string>().find("HTTP 401")
          != std::string::npos);
    CHECK(parsed["metrics"]["llm_retries"] == 0);
    CHECK(out.find("sk-wrong-secret") == std::string::npos);
    CHECK(err.find("sk-wrong-secret") == std::string::npos);
  }
}

TEST_CASE("grader score keeps to --concurrency connections", "[apps][llm]") {
  judge_run run{{"--latency-ms", "20"}};
  write(run.dir / "batch.json", make_batch(30, "", true).dump());
  REQUIRE(run.grader("score --quiet --concurrency 2 --llm-url " + run.url()
                     + " '" + (run.dir / "batch.json").string() + "'")
          == 0);
  CHECK(json::parse(run.out())["metrics"]["llm_calls"] == 60);
  auto stats = run.stats();
  // The stats request itself came on a connection of its own.
  CHECK(stats["connections_accepted"].get<int>() <= 3);
}

TEST_CASE("grader score gives up on calls slower than --llm-timeout-ms",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "1000"}};
  auto started = std::chrono::steady_clock::now();
  REQUIRE(run.grader("score --no-explain --retries 0 --llm-timeout-ms 100 "
                     "--llm-url "
                     + run.url() + " " + examples + "small.json")
          == 0);
  CHECK(std::chrono::steady_clock::now() - started < 900ms);
  auto out = json::parse(run.out());
  CHECK(out["results"][3]["graded_by"] == "fallback");
  CHECK(out["metrics"]["llm_error"].get<std::string>().find("timeout")
        != std::string::npos);
}

TEST_CASE("grader score keeps to --rpm and --tpm", "[apps][llm]") {
  judge_run run;
  // One short answer needs two calls: a score and an explanation.
  json batch = make_batch(1, "", true);
  write(run.dir / "one.json", batch.dump());
  auto one = "'" + (run.dir / "one.json").string() + "'";
  auto score = [&](const std::string& limit) {
    REQUIRE(run.grader("score --quiet --deadline-ms 1500 " + limit
                       + " --llm-url " + run.url() + " " + one)
            == 0);
    return json::parse(run.out())["results"][0];
  };
  SECTION("two requests a minute allow both calls") {
    CHECK(score("--rpm 2")["graded_by"] == "llm");
  }
  SECTION("one request a minute holds the explanation past the deadline") {
    auto result = score("--rpm 1");
    // The score came from the LLM but the explanation could not before the
    // deadline: the answer keeps the score, with a templated explanation.
    CHECK(result["graded_by"] == "llm");
    CHECK(result["feedback"].get<std::string>().find("Explanation templated")
          != std::string::npos);
    CHECK(run.stats()["completions"] == 1);
  }
  SECTION("a token limit below two calls holds the second call") {
    auto result = score("--tpm 1");
    CHECK(result["graded_by"] == "llm");
    CHECK(result["feedback"].get<std::string>().find("Explanation templated")
          != std::string::npos);
    CHECK(run.stats()["completions"] == 1);
  }
  SECTION("a generous token limit does not") {
    CHECK(score("--tpm 100000")["graded_by"] == "llm");
  }
}

TEST_CASE("grader score refuses an API key with a control character before "
          "any call",
          "[apps][llm]") {
  judge_run run;
  auto small = examples + "small.json";
  SECTION("CR LF in OPENAI_API_KEY, which would add a header") {
    CHECK(run.grader("score --llm-url " + run.url() + " " + small,
                     "OPENAI_API_KEY=\"$(printf 'sk-test\\r\\nX-Injected-Key: "
                     "yes')\"")
          == 2);
    CHECK(run.err()
          == "grader: the API key in OPENAI_API_KEY contains a control "
             "character\n");
  }
  SECTION("an escape in the variable --api-key-env names") {
    CHECK(run.grader("score --api-key-env MY_KEY --llm-url " + run.url() + " "
                       + small,
                     "MY_KEY=\"$(printf 'sk-\\033[2J')\"")
          == 2);
    CHECK(run.err()
          == "grader: the API key in MY_KEY contains a control character\n");
  }
  CHECK(run.out().empty());
  // Only the request reading the counters reached the judge.
  CHECK(run.stats()["requests"] == 1);
}

TEST_CASE("grader score refuses an unusable --llm-url at start, naming the "
          "problem",
          "[apps][llm]") {
  judge_run run;
  auto small = examples + "small.json";
  auto refused = [&](const std::string& url, const std::string& message) {
    INFO(url);
    CHECK(run.grader("score --llm-url " + url + " " + small) == 2);
    CHECK(run.err() == "grader: " + message + "\n");
    CHECK(run.out().empty());
  };
  refused("http://127.0.0.1:0/v1",
          "the LLM URL 'http://127.0.0.1:0/v1' is invalid: the port '0' is "
          "not a number from 1 to 65535");
  refused("http://127.0.0.1:65536/v1",
          "the LLM URL 'http://127.0.0.1:65536/v1' is invalid: the port "
          "'65536' is not a number from 1 to 65535");
  refused("'http://127.0.0.1:8080/v1 beta'",
          "the LLM URL 'http://127.0.0.1:8080/v1 beta' is invalid: the path "
          "contains a space");
  refused("\"$(printf 'http://127.0.0.1:8080/v1\\r\\nX-Injected: yes')\"",
          "the LLM URL 'http://127.0.0.1:8080/v1\\x0D\\x0AX-Injected: yes' is "
          "invalid: the path contains the control character \\x0D");
  refused("\"$(printf 'http://127.0.0.1:80\\0331/v1')\"",
          "the LLM URL 'http://127.0.0.1:80\\x1B1/v1' is invalid: the port "
          "'80\\x1B1' is not a number from 1 to 65535");
  refused("http:///v1", "the LLM URL 'http:///v1' is invalid: no host");
  refused("http://user:secret@127.0.0.1:8080/v1",
          "the LLM URL 'http://...@127.0.0.1:8080/v1' is invalid: user "
          "information before the host is not supported");
  refused("'http://127.0.0.1:8080/v1#chat'",
          "the LLM URL 'http://127.0.0.1:8080/v1' is invalid: a fragment "
          "(#...) is not allowed in an endpoint URL");
  refused("ftp://127.0.0.1/v1",
          "the LLM URL 'ftp://127.0.0.1/v1' is invalid: the scheme 'ftp' is "
          "not http or https");
  CHECK(run.stats()["requests"] == 1);
}

TEST_CASE("grader score refuses a model name with a control character, "
          "showing it escaped",
          "[apps][llm]") {
  judge_run run;
  auto small = examples + "small.json";
  CHECK(run.grader("score --model \"$(printf 'gpt\\033[31m\\nx')\" --llm-url "
                   + run.url() + " " + small)
        == 2);
  CHECK(run.err()
        == "grader: the model name 'gpt\\x1B[31m\\x0Ax' contains a control "
           "character\n");
  CHECK(run.out().empty());
  CHECK(run.grader("score " + small, "GRADER_MODEL=\"$(printf 'm\\tx')\"")
        == 2);
  CHECK(run.err()
        == "grader: the model name 'm\\x09x' contains a control character\n");
}

TEST_CASE("grader score --resume and --retry-failed refuse another batch's "
          "journal or output and call nothing",
          "[apps][llm]") {
  judge_run run;
  auto first = (run.dir / "first.json").string();
  auto second = (run.dir / "second.json").string();
  auto journal = (run.dir / "journal.jsonl").string();
  auto earlier = (run.dir / "earlier.json").string();
  write(first, make_batch(6).dump());
  // The same answer ids, other questions: another quiz.
  auto other = make_batch(12);
  other["answers"].erase(0);
  for (size_t i = 0; i < other["answers"].size(); ++i)
    other["answers"][i]["answer_id"] = "a" + std::to_string(i);
  other["answers"].erase(other["answers"].begin() + 6, other["answers"].end());
  write(second, other.dump());
  REQUIRE(run.grader("score -q --llm-url " + run.url() + " --journal '"
                     + journal + "' -o '" + earlier + "' '" + first + "'")
          == 0);
  auto calls = run.stats()["completions"].get<size_t>();
  CHECK(run.grader("score -q --llm-url " + run.url() + " --resume '" + journal
                   + "' '" + second + "'")
        == 2);
  CHECK(run.err().find("grader: --resume: the journal '") == 0);
  CHECK(run.err().find("is not of this batch: item 0 (id:a0) is question")
        != std::string::npos);
  CHECK(run.out().empty());
  CHECK(run.grader("score -q --llm-url " + run.url() + " --retry-failed '"
                   + earlier + "' '" + second + "'")
        == 2);
  CHECK(run.err().find("is not an output of this batch: item 0 (id:a0)")
        != std::string::npos);
  CHECK(run.stats()["completions"].get<size_t>() == calls);
}

TEST_CASE("grader score --resume scores again the answers a Ctrl-C "
          "cancelled",
          "[apps][llm]") {
  judge_run run{{"--latency-ms", "200"}};
  auto batch = (run.dir / "batch.json").string();
  auto journal = (run.dir / "journal.jsonl").string();
  write(batch, make_batch(12, "", true).dump());
  {
    child_process first{GRADER_BINARY,
                        {"score", "--llm-url", run.url(), "--concurrency", "2",
                         "--journal", journal, "--quiet", batch},
                        (run.dir / "first.err").string(),
                        (run.dir / "first.out").string()};
    REQUIRE(run.wait_for_requests());
    first.signal(SIGINT);
    CHECK(first.wait() == 130);
  }
  auto cancelled = 0;
  for (const auto& line : journal_outcomes(slurp(journal)))
    cancelled += line["type"] == "failure"
                 && line["error"]["code"] == "cancelled";
  REQUIRE(cancelled > 0);
  REQUIRE(run.grader("score --quiet --llm-url " + run.url() + " --resume '"
                     + journal + "' '" + batch + "'")
          == 0);
  auto out = json::parse(run.out());
  CHECK(out["results"].size() == 12);
  CHECK(out["failures"].empty());
  for (const auto& x : out["results"])
    CHECK_FALSE(x["attempt_id"].get<std::string>().empty());
}
