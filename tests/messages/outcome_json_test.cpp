// One outcome as a line of JSON Lines output or of a journal: writing it
// and reading it back.

#include "messages/outcome_json.hpp"

#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/batch_result_json.hpp"
#include "messages/error.hpp"
#include "tests/fixtures/sample_outcomes.hpp"

using namespace grader;
using test::korean_failure;
using test::korean_result;

namespace {

answer_outcome read_line_ok(std::string_view line) {
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

// The result line of korean_result() with `field` set to `value` (JSON).
std::string result_line_with(const std::string& field,
                             const nlohmann::json& value) {
  auto line = nlohmann::json::parse(write_outcome_line(korean_result()));
  line[field] = value;
  return line.dump();
}

std::string result_line_without(const std::string& field) {
  auto line = nlohmann::json::parse(write_outcome_line(korean_result()));
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
  auto line = write_outcome_line(x);
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
    line = write_outcome_line(x);
    CHECK(line.find("answer_id") == std::string::npos);
    CHECK(std::get<score_result>(read_line_ok(line)) == x);
  }
  SECTION("review reasons and judge samples read back; absent, none") {
    CHECK_FALSE(nlohmann::json::parse(line).contains("review_reasons"));
    CHECK_FALSE(nlohmann::json::parse(line).contains("judge_scores"));
    x.verdict.review_reasons = {"samples_disagree", "reply_retried"};
    x.verdict.judge_scores = {70, 95, 80};
    x.verdict.rubric_scores = {2, 0, 3};
    line = write_outcome_line(x);
    auto json = nlohmann::json::parse(line);
    CHECK(json["review_reasons"]
          == nlohmann::json::array({"samples_disagree", "reply_retried"}));
    CHECK(json["judge_scores"] == nlohmann::json::array({70, 95, 80}));
    CHECK(json["rubric_scores"] == nlohmann::json::array({2, 0, 3}));
    CHECK(std::get<score_result>(read_line_ok(line)) == x);
  }
  SECTION("each grader reads back") {
    for (auto by : {graded_by::rules, graded_by::llm, graded_by::fallback}) {
      x.verdict.by = by;
      auto back = std::get<score_result>(read_line_ok(write_outcome_line(x)));
      CHECK(back.verdict.by == by);
    }
  }
}

TEST_CASE("codec writes a failure line and reads it back unchanged",
          "[codec]") {
  auto x = korean_failure();
  auto line = write_outcome_line(x);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.rfind(R"({"type":"failure","index":3,"question_id":"q3",)", 0)
        == 0);
  CHECK(std::get<score_failure>(read_line_ok(line)) == x);
  SECTION("with an answer_id and any error code") {
    x.answer_id = "a-3";
    for (auto code : {ec::malformed_item, ec::scorer_crashed, ec::cancelled,
                      ec::llm_unavailable, ec::llm_refused}) {
      x.code = code;
      CHECK(std::get<score_failure>(read_line_ok(write_outcome_line(x))) == x);
    }
  }
}

TEST_CASE("codec writes invalid UTF-8 in a line as replacement characters",
          "[codec]") {
  auto result = korean_result();
  result.explanation = "bad \xC3\x28 byte";
  auto back = std::get<score_result>(read_line_ok(write_outcome_line(result)));
  CHECK(back.explanation == "bad \xEF\xBF\xBD( byte");
  auto failure = korean_failure();
  failure.question_id = "q\xFF";
  auto back_failure
    = std::get<score_failure>(read_line_ok(write_outcome_line(failure)));
  CHECK(back_failure.question_id == "q\xEF\xBF\xBD");
  batch_result summary;
  summary.failures.push_back(failure);
  auto json = nlohmann::json::parse(write_summary_line(summary));
  CHECK(json["failed_question_ids"][0] == "q\xEF\xBF\xBD");
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
  auto failure = nlohmann::json::parse(write_outcome_line(korean_failure()));
  failure["error"]["code"] = "oops";
  CHECK(read_line_error(failure.dump()) == "error.code 'oops' is unknown");
  failure["error"] = "oops";
  CHECK(read_line_error(failure.dump())
        == "error must be an object, got string");
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
  CHECK(read_line_error(result_line_with(
          "review_reasons", nlohmann::json::array({"\x1B[2Jbored"})))
        == "review_reasons: '\\x1b[2Jbored' is unknown");
  CHECK(read_line_error(
          result_line_with("judge_scores", nlohmann::json::array({50, 101})))
        == "judge_scores[1] must be 0..100, got 101");
  CHECK(read_line_error(
          result_line_with("judge_scores", nlohmann::json::array({"50"})))
        == "judge_scores[0] must be an integer, got \"50\"");
  auto failure = nlohmann::json::parse(write_outcome_line(korean_failure()));
  failure["error"]["code"] = "none";
  CHECK(read_line_error(failure.dump())
        == "error.code 'none' names no failure");
  SECTION("values the JSON reader cannot take") {
    auto line = write_outcome_line(korean_result());
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
    CHECK(read_line_error(line + "\0"s)
            .rfind("not valid JSON at column " + std::to_string(line.size() + 1)
                     + ": unexpected text after the value: \"\\x00\"",
                   0)
          == 0);
    CHECK(read_line_error(line.substr(0, 8) + "\0"s)
          == "not valid JSON at column 9: unexpected NUL byte (\\x00)");
  }
}
