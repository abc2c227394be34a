// JSON Lines output and journal lines: writing them, reading them back, and
// reading a whole earlier output in either of its forms.

#include "messages/json_codec.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/error.hpp"

using namespace grader;

namespace {

score_result korean_result() {
  score_result x;
  x.attempt_id = "att-7";
  x.session_id = "s-ko";
  x.index = 7;
  x.answer_id = "a-7";
  x.question_id = "ko-bio-photosynthesis-sa";
  x.user_id = "u-seoyeon";
  x.verdict.is_correct = true;
  x.verdict.score = 100;
  x.verdict.keyword_matches = {"엽록소", "이산화탄소", "포도당"};
  x.verdict.feedback = "Correct.\n(Scored by keyword matching.)";
  x.verdict.by = graded_by::fallback;
  x.verdict.needs_review = true;
  x.explanation = "답안에 핵심 키워드 3개 중 3개가 포함되어 100점입니다.";
  x.graded_at = "2026-11-27T18:48:14.731Z";
  return x;
}

score_failure korean_failure() {
  score_failure x;
  x.index = 3;
  x.question_id = "q3";
  x.user_id = "u-민준";
  x.code = ec::invalid_answer;
  x.message = "correct_keywords required for short_answer: \"키워드\"";
  return x;
}

batch_result sample_batch_result() {
  batch_result x;
  x.session_id = "s-ko";
  auto first = korean_result();
  first.index = 0;
  x.results.push_back(first);
  auto second = korean_result();
  second.index = 2;
  second.answer_id.clear();
  second.verdict = grade{false, 35, {}, "Not quite.", graded_by::llm, false};
  x.results.push_back(second);
  auto failure = korean_failure();
  failure.index = 1;
  x.failures.push_back(failure);
  x.stats.total_count = 3;
  x.stats.successful_count = 2;
  x.stats.failed_count = 1;
  x.stats.average_score = 67.5;
  x.stats.correct_count = 1;
  x.stats.correct_rate = 1.0 / 3.0;
  x.stats.fallback_count = 1;
  x.stats.needs_review_count = 1;
  x.metrics.wall_ms = 812;
  x.metrics.llm = "gpt-4o-mini at https://api.openai.com/v1";
  x.metrics.llm_calls = 4;
  x.metrics.llm_retries = 1;
  x.metrics.prompt_tokens = 900;
  x.metrics.completion_tokens = 120;
  x.metrics.p50_ms = 300;
  x.metrics.p95_ms = 700;
  x.metrics.max_ms = 790;
  x.metrics.llm_error = "HTTP 503 from the LLM endpoint";
  return x;
}

// The earlier output as --format jsonl writes it: outcomes, then summary.
std::string as_json_lines(const batch_result& x) {
  std::string text;
  for (const auto& result : x.results)
    text += write_result_line(result) + '\n';
  for (const auto& failure : x.failures)
    text += write_failure_line(failure) + '\n';
  return text + write_summary_line(x) + '\n';
}

outcome_line read_line_ok(std::string_view line) {
  auto x = read_outcome_line(line);
  if (!x)
    FAIL("read_outcome_line failed: " << error_text(x.error()));
  return std::move(*x);
}

std::string read_line_error(std::string_view line) {
  auto x = read_outcome_line(line);
  REQUIRE_FALSE(x);
  CHECK(x.error() == ec::unreadable_input);
  return error_text(x.error());
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

// The result line of korean_result() with `field` set to `value` (JSON).
std::string result_line_with(const std::string& field,
                             const nlohmann::json& value) {
  auto line = nlohmann::json::parse(write_result_line(korean_result()));
  line[field] = value;
  return line.dump();
}

std::string result_line_without(const std::string& field) {
  auto line = nlohmann::json::parse(write_result_line(korean_result()));
  line.erase(field);
  return line.dump();
}

} // namespace

TEST_CASE("codec names every error code and reads each name back", "[codec]") {
  for (auto x : {ec::none, ec::invalid_answer, ec::malformed_item,
                 ec::unreadable_input, ec::invalid_batch, ec::scorer_crashed,
                 ec::cancelled, ec::llm_unavailable, ec::llm_refused}) {
    auto parsed = parse_ec(to_string(x));
    REQUIRE(parsed);
    CHECK(*parsed == x);
  }
  CHECK_FALSE(parse_ec("unknown_error"));
  CHECK_FALSE(parse_ec(""));
  CHECK_FALSE(parse_ec("Invalid_Answer"));
}

TEST_CASE("codec writes a result line and reads it back unchanged", "[codec]") {
  auto x = korean_result();
  auto line = write_result_line(x);
  SECTION("the line is one compact JSON object, type first") {
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.rfind(R"({"type":"result","attempt_id":"att-7",)", 0) == 0);
    auto json = nlohmann::json::parse(line);
    CHECK(json["keyword_matches"][0] == "엽록소");
    CHECK(json["graded_by"] == "fallback");
    CHECK_FALSE(json.contains("usage"));
  }
  SECTION("every written field reads back") {
    CHECK(std::get<score_result>(read_line_ok(line)) == x);
  }
  SECTION("an empty answer_id is left out and reads back empty") {
    x.answer_id.clear();
    line = write_result_line(x);
    CHECK(line.find("answer_id") == std::string::npos);
    CHECK(std::get<score_result>(read_line_ok(line)) == x);
  }
  SECTION("each grader reads back") {
    for (auto by : {graded_by::rules, graded_by::llm, graded_by::fallback}) {
      x.verdict.by = by;
      auto back = std::get<score_result>(read_line_ok(write_result_line(x)));
      CHECK(back.verdict.by == by);
    }
  }
}

TEST_CASE("codec writes a failure line and reads it back unchanged",
          "[codec]") {
  auto x = korean_failure();
  auto line = write_failure_line(x);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.rfind(R"({"type":"failure","index":3,"question_id":"q3",)", 0)
        == 0);
  CHECK(std::get<score_failure>(read_line_ok(line)) == x);
  SECTION("with an answer_id and any error code") {
    x.answer_id = "a-3";
    for (auto code : {ec::malformed_item, ec::scorer_crashed, ec::cancelled,
                      ec::llm_unavailable, ec::llm_refused}) {
      x.code = code;
      CHECK(std::get<score_failure>(read_line_ok(write_failure_line(x))) == x);
    }
  }
}

TEST_CASE("codec writes invalid UTF-8 in a line as replacement characters",
          "[codec]") {
  auto result = korean_result();
  result.explanation = "bad \xC3\x28 byte";
  auto back = std::get<score_result>(read_line_ok(write_result_line(result)));
  CHECK(back.explanation == "bad \xEF\xBF\xBD( byte");
  auto failure = korean_failure();
  failure.question_id = "q\xFF";
  auto back_failure
    = std::get<score_failure>(read_line_ok(write_failure_line(failure)));
  CHECK(back_failure.question_id == "q\xEF\xBF\xBD");
  batch_result summary;
  summary.failures.push_back(failure);
  auto json = nlohmann::json::parse(write_summary_line(summary));
  CHECK(json["failed_question_ids"][0] == "q\xEF\xBF\xBD");
}

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
}

TEST_CASE("codec reads an earlier output written as JSON Lines", "[codec]") {
  auto x = sample_batch_result();
  CHECK(read_result_ok(as_json_lines(x)) == x);
  SECTION("lines in any order come back in index order") {
    auto text = write_summary_line(x) + "\n\n" + write_result_line(x.results[1])
                + "\n" + write_failure_line(x.failures[0]) + "\n"
                + write_result_line(x.results[0]);
    CHECK(read_result_ok(text) == x);
  }
  SECTION("an empty batch is its summary line alone") {
    batch_result empty;
    empty.session_id = "s-0";
    CHECK(read_result_ok(write_summary_line(empty) + "\n") == empty);
  }
}

TEST_CASE("codec says what is wrong with an outcome line", "[codec]") {
  CHECK(read_line_error("{\"type\": ").rfind("not valid JSON at column ", 0)
        == 0);
  CHECK(read_line_error("[1]") == "expected a JSON object, got array");
  CHECK(read_line_error(R"({"index": 1})") == "type required");
  CHECK(read_line_error(R"({"type": "answer"})")
        == "type must be \"result\" or \"failure\", got \"answer\"");
  CHECK(read_line_error(write_summary_line(batch_result{}))
        == "type must be \"result\" or \"failure\", got \"summary\"");
  CHECK(read_line_error(result_line_without("graded_at"))
        == "graded_at required");
  CHECK(read_line_error(result_line_with("score", "high"))
        == "score must be an integer, got string");
  CHECK(read_line_error(result_line_with("score", 5'000'000'000LL))
        == "score is out of range: 5000000000");
  CHECK(read_line_error(result_line_with("index", -1))
        == "index must be a non-negative integer, got integer");
  CHECK(read_line_error(result_line_with("keyword_matches", {"a", 1}))
        == "keyword_matches[1] must be a string, got integer");
  CHECK(read_line_error(result_line_with("graded_by", "teacher"))
        == "graded_by 'teacher' is unknown");
  auto failure = nlohmann::json::parse(write_failure_line(korean_failure()));
  failure["error"]["code"] = "oops";
  CHECK(read_line_error(failure.dump()) == "error.code 'oops' is unknown");
  failure["error"] = "oops";
  CHECK(read_line_error(failure.dump())
        == "error must be an object, got string");
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
    CHECK(read_result_error(write_result_line(x.results[0]) + "\n{oops\n"
                            + write_summary_line(x))
            .rfind("line 2: not valid JSON at column 2: ", 0)
          == 0);
    CHECK(read_result_error(lines + write_summary_line(x))
          == "line 5: a second summary line");
    CHECK(read_result_error(write_result_line(x.results[0]) + "\n"
                            + write_failure_line(x.failures[0]))
          == "no summary line: the output is incomplete");
    CHECK(read_result_error(lines + R"({"type":"failure","index":9})")
          == "line 5: question_id required");
  }
}

TEST_CASE("codec refuses outcome lines with values grader never writes",
          "[codec]") {
  using namespace std::string_literals;
  CHECK(read_line_error(result_line_with("score", 12345))
        == "score must be 0..100, got 12345");
  CHECK(read_line_error(result_line_with("score", -1))
        == "score must be 0..100, got -1");
  CHECK(read_line_error(result_line_with("graded_at", "yesterday"))
        == "graded_at must be a UTC time like 2026-11-27T18:41:50.123Z, got "
           "'yesterday'");
  CHECK(read_line_error(result_line_with("graded_by", "\x1B[31mteacher"))
        == "graded_by '\\x1b[31mteacher' is unknown");
  auto failure = nlohmann::json::parse(write_failure_line(korean_failure()));
  failure["error"]["code"] = "none";
  CHECK(read_line_error(failure.dump())
        == "error.code 'none' names no failure");
  SECTION("values the JSON reader cannot take") {
    auto line = write_result_line(korean_result());
    auto score = line.find("\"score\":100");
    REQUIRE(score != std::string::npos);
    CHECK(read_line_error(line.substr(0, score) + "\"score\":1e400"
                          + line.substr(score + 11))
          == "score is out of range: 1e400");
    CHECK(read_line_error(line.substr(0, score) + "\"score\":0,\"score\":100"
                          + line.substr(score + 11))
          == "score is given twice");
    auto explanation = line.find("\"explanation\":\"") + 15;
    CHECK(read_line_error(line.substr(0, explanation) + "\xFF"
                          + line.substr(explanation))
          == "explanation is not valid UTF-8");
    CHECK(read_line_error(line + "\0"s).rfind(
            "not valid JSON at column " + std::to_string(line.size() + 1)
              + ": unexpected text after the value: \"\\x00\"",
            0)
          == 0);
    CHECK(read_line_error(line.substr(0, 8) + "\0"s)
          == "not valid JSON at column 9: unexpected NUL byte (\\x00)");
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
