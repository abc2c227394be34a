// The batch result as JSON: the document and the JSON Lines output, and
// reading an earlier output back in either form.

#include "messages/batch_result_json.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/error.hpp"
#include "messages/outcome_json.hpp"
#include "tests/fixtures/sample_outcomes.hpp"

using namespace grader;
using test::korean_failure;
using test::korean_result;
using test::sample_batch_result;

namespace {

// The earlier output as --format jsonl writes it: outcomes, then summary.
std::string as_json_lines(const batch_result& x) {
  std::string text;
  for (const auto& result : x.results)
    text += write_outcome_line(result) + '\n';
  for (const auto& failure : x.failures)
    text += write_outcome_line(failure) + '\n';
  return text + write_summary_line(x) + '\n';
}

batch_result read_result_ok(std::string_view text) {
  auto x = read_batch_result(text);
  if (!x)
    FAIL("read_batch_result failed: " << error_text(x.error()));
  return std::move(*x);
}

std::string read_result_error(std::string_view text) {
  auto x = read_batch_result(text);
  REQUIRE_FALSE(x);
  CHECK(x.error() == ec::unreadable_input);
  return error_text(x.error());
}

} // namespace

TEST_CASE("codec writes the summary line with statistics and metrics",
          "[codec]") {
  auto x = sample_batch_result();
  auto line = write_summary_line(x);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.rfind(R"({"type":"summary","session_id":"s-ko",)", 0) == 0);
  auto json = nlohmann::json::parse(line);
  CHECK(json.size() == 5);
  CHECK(json["failed_question_ids"] == nlohmann::json::array({"q3"}));
  CHECK(json["batch_stats"]["total_count"] == 3);
  CHECK(json["batch_stats"]["average_score"] == 67.5);
  CHECK(json["metrics"]["llm_calls"] == 4);
  CHECK(json["metrics"]["llm_error"] == "HTTP 503 from the LLM endpoint");
  CHECK_FALSE(json.contains("results"));
}

TEST_CASE("codec reads an earlier output written as one document", "[codec]") {
  auto x = sample_batch_result();
  CHECK(read_result_ok(write_batch_result(x)) == x);
  SECTION("without metrics.llm_error and with an empty batch") {
    batch_result empty;
    empty.session_id = "s-0";
    CHECK(read_result_ok(write_batch_result(empty)) == empty);
  }
  SECTION("after a byte order mark") {
    CHECK(read_result_ok("\xEF\xBB\xBF" + write_batch_result(x)) == x);
  }
  SECTION("with an estimated cost") {
    price(x.metrics, token_prices{0.15, 0.6});
    auto doc = nlohmann::json::parse(write_batch_result(x));
    // 900 prompt tokens at 0.15 and 120 completion tokens at 0.6 per
    // million: (135 + 72) / 1e6.
    CHECK(doc["metrics"]["cost"]["estimated"].get<double>()
          == Approx(0.000207));
    CHECK(doc["metrics"]["cost"]["prompt_per_million"] == 0.15);
    CHECK(doc["metrics"]["cost"]["completion_per_million"] == 0.6);
    CHECK(read_result_ok(doc.dump()) == x);
    doc["metrics"]["cost"]["estimated"] = -1;
    CHECK(read_result_error(doc.dump())
          == "metrics.cost.estimated must be 0 or more, got -1");
  }
  SECTION("unpriced, with no cost") {
    auto doc = nlohmann::json::parse(write_batch_result(x));
    CHECK_FALSE(doc["metrics"].contains("cost"));
  }
}

TEST_CASE("codec reads an earlier output written as JSON Lines", "[codec]") {
  auto x = sample_batch_result();
  CHECK(read_result_ok(as_json_lines(x)) == x);
  SECTION("lines in any order come back in index order") {
    auto text = write_summary_line(x) + "\n\n"
                + write_outcome_line(x.results[1]) + "\n"
                + write_outcome_line(x.failures[0]) + "\n"
                + write_outcome_line(x.results[0]);
    CHECK(read_result_ok(text) == x);
  }
  SECTION("an empty batch is its summary line alone") {
    batch_result empty;
    empty.session_id = "s-0";
    CHECK(read_result_ok(write_summary_line(empty) + "\n") == empty);
  }
}

TEST_CASE("codec says what is wrong with an earlier output", "[codec]") {
  auto x = sample_batch_result();
  CHECK(read_result_error("") == "input is empty");
  CHECK(read_result_error("{\n  \"results\": [\n    {\"index\": }\n")
          .rfind("line 3, column 15: ", 0)
        == 0);
  CHECK(read_result_error("[]") == "expected a JSON object, got array");
  SECTION("a document with a wrong field names its path") {
    auto doc = nlohmann::json::parse(write_batch_result(x));
    doc["results"][1]["score"] = "high";
    CHECK(read_result_error(doc.dump(2))
          == "results[1].score must be an integer, got string");
    doc = nlohmann::json::parse(write_batch_result(x));
    doc.erase("batch_stats");
    CHECK(read_result_error(doc.dump(2)) == "batch_stats required");
    doc = nlohmann::json::parse(write_batch_result(x));
    doc["metrics"]["wall_ms"] = 1.5;
    CHECK(read_result_error(doc.dump(2))
          == "metrics.wall_ms must be a non-negative integer, got number");
  }
  SECTION("JSON Lines name the bad line") {
    auto lines = as_json_lines(x);
    CHECK(read_result_error(write_outcome_line(x.results[0]) + "\n{oops\n"
                            + write_summary_line(x))
            .rfind("line 2: not valid JSON at column 2: ", 0)
          == 0);
    CHECK(read_result_error(lines + write_summary_line(x))
          == "line 5: a second summary line");
    CHECK(read_result_error(write_outcome_line(x.results[0]) + "\n"
                            + write_outcome_line(x.failures[0]))
          == "no summary line: the output is incomplete");
    CHECK(read_result_error(lines + R"({"type":"failure","index":9})")
          == "line 5: question_id required");
  }
}

TEST_CASE("codec refuses an earlier output that disagrees with its own "
          "statistics",
          "[codec]") {
  auto x = sample_batch_result();
  SECTION("an index beyond the batch") {
    x.results[1].index = 7;
    CHECK(read_result_error(write_batch_result(x))
          == "index 7 is out of range for a batch of 3 answers");
    CHECK(read_result_error(as_json_lines(x))
          == "index 7 is out of range for a batch of 3 answers");
  }
  SECTION("an index twice") {
    x.results[1].index = 1;
    CHECK(read_result_error(write_batch_result(x)) == "index 1 appears twice");
  }
  SECTION("fewer results than counted") {
    x.results.pop_back();
    CHECK(read_result_error(as_json_lines(x))
          == "batch_stats counts 2 results, the output holds 1");
  }
  SECTION("counts that do not add up") {
    x.stats.total_count = 4;
    CHECK(read_result_error(write_batch_result(x))
          == "batch_stats.total_count 4 is not successful_count + "
             "failed_count (2 + 1)");
    x.stats.total_count = 3;
    x.stats.fallback_count = 5;
    CHECK(read_result_error(write_batch_result(x))
          == "batch_stats.fallback_count 5 is more than successful_count 2");
  }
  SECTION("an average no scores give") {
    x.stats.average_score = 250;
    CHECK(read_result_error(write_batch_result(x))
          == "batch_stats.average_score must be 0..100, got 250.0");
    x.stats.average_score = 50;
    x.stats.correct_rate = 1.5;
    CHECK(read_result_error(as_json_lines(x))
          == "line 4: batch_stats.correct_rate must be 0..1, got 1.5");
  }
  SECTION("a score of 12345") {
    auto doc = nlohmann::json::parse(write_batch_result(x));
    doc["results"][0]["score"] = 12345;
    CHECK(read_result_error(doc.dump(2))
          == "results[0].score must be 0..100, got 12345");
  }
  SECTION("text after the document") {
    auto doc = write_batch_result(x);
    auto lines = std::count(doc.begin(), doc.end(), '\n') + 1;
    CHECK(read_result_error(doc + "\n{}")
          == "line " + std::to_string(lines + 1)
               + ", column 1: unexpected text after the document: \"{}\"");
  }
}

TEST_CASE("codec writes the batch result in the documented layout", "[codec]") {
  batch_result r;
  r.session_id = "s-9";
  score_result ok;
  ok.attempt_id = "att-1";
  ok.session_id = "s-9";
  ok.index = 0;
  ok.question_id = "q0";
  ok.user_id = "u0";
  ok.verdict.is_correct = true;
  ok.verdict.score = 85;
  ok.verdict.keyword_matches = {"광합성"};
  ok.verdict.feedback = "Correct.";
  ok.verdict.by = graded_by::fallback;
  ok.verdict.needs_review = true;
  ok.explanation = "why";
  ok.graded_at = "2026-11-27T10:00:00.000Z";
  r.results.push_back(ok);
  r.failures.push_back(
    score_failure{1, "a1", "q1", "u1", ec::invalid_answer, "user_id bad"});
  r.stats.total_count = 2;
  r.stats.successful_count = 1;
  r.stats.failed_count = 1;
  r.stats.average_score = 85;
  r.metrics.wall_ms = 12;
  r.metrics.llm = "none";
  auto out = nlohmann::json::parse(write_batch_result(r));
  CHECK(out["session_id"] == "s-9");
  const auto& x = out["results"][0];
  CHECK(x["attempt_id"] == "att-1");
  CHECK(x["index"] == 0);
  CHECK_FALSE(x.contains("answer_id"));
  CHECK(x["is_correct"] == true);
  CHECK(x["score"] == 85);
  CHECK(x["keyword_matches"][0] == "광합성");
  CHECK(x["graded_by"] == "fallback");
  CHECK(x["needs_review"] == true);
  CHECK(x["graded_at"] == "2026-11-27T10:00:00.000Z");
  const auto& f = out["failures"][0];
  CHECK(f["index"] == 1);
  CHECK(f["answer_id"] == "a1");
  CHECK(f["error"]["code"] == "invalid_answer");
  CHECK(f["error"]["message"] == "user_id bad");
  CHECK(out["failed_question_ids"] == nlohmann::json::array({"q1"}));
  CHECK(out["batch_stats"]["total_count"] == 2);
  CHECK(out["batch_stats"]["average_score"] == 85.0);
  CHECK(out["metrics"]["wall_ms"] == 12);
  CHECK(out["metrics"]["llm"] == "none");
}

TEST_CASE("codec writes invalid UTF-8 from a host as replacement characters",
          "[codec]") {
  batch_result r;
  r.failures.push_back(
    score_failure{0, "", "q\xC3\x28", "u", ec::invalid_answer, "bad"});
  auto out = nlohmann::json::parse(write_batch_result(r));
  CHECK(out["failures"][0]["question_id"] == "q\xEF\xBF\xBD(");
}

namespace {

// 2,000 outcomes in index order, every tenth a failure: an output of
// several 64 KiB pieces.
batch_result large_result() {
  std::vector<answer_outcome> outcomes;
  for (uint64_t i = 0; i < 2000; ++i) {
    if (i % 10 == 3) {
      auto failure = korean_failure();
      failure.index = i;
      outcomes.emplace_back(failure);
    } else {
      auto result = korean_result();
      result.index = i;
      outcomes.emplace_back(result);
    }
  }
  return make_batch_result("s-large", std::move(outcomes), {});
}

} // namespace

TEST_CASE("codec writes a large output in pieces that together are the "
          "whole of it",
          "[codec]") {
  auto x = large_result();
  for (auto format : {output_format::json, output_format::jsonl}) {
    std::vector<std::string> pieces;
    CHECK(write_batch_output(x, format, [&](std::string_view piece) {
      pieces.emplace_back(piece);
      return true;
    }));
    std::string whole;
    for (const auto& piece : pieces)
      whole += piece;
    // Never the whole output at once, and no piece much above 64 KiB.
    CHECK(pieces.size() > 5);
    for (const auto& piece : pieces)
      CHECK(piece.size() < 64 * 1024 + 4096);
    if (format == output_format::json) {
      CHECK(whole == write_batch_result(x));
      CHECK(nlohmann::json::parse(whole).at("results").size() == 1800);
    } else {
      CHECK(whole == as_json_lines(x));
    }
    CHECK(read_result_ok(whole) == x);
  }
}

TEST_CASE("codec stops writing an output when its sink refuses a piece",
          "[codec]") {
  auto x = large_result();
  size_t calls = 0;
  CHECK_FALSE(write_batch_output(x, output_format::json, [&](std::string_view) {
    ++calls;
    return false;
  }));
  CHECK(calls == 1);
}
