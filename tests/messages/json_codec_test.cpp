#include "messages/json_codec.hpp"

#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/error.hpp"
#include "tests/test_answers.hpp"

using namespace grader;

namespace {

batch_request read_ok(std::string_view text) {
  auto batch = read_batch(text);
  if (!batch)
    FAIL("read_batch failed: " << error_text(batch.error()));
  return std::move(*batch);
}

std::string read_error(std::string_view text) {
  auto batch = read_batch(text);
  REQUIRE_FALSE(batch);
  CHECK(batch.error() == ec::unreadable_input);
  return error_text(batch.error());
}

const char* two_answers = R"([
  {"user_id": "u1", "question_id": "q1", "question_type": "multiple_choice",
   "user_answer": "B", "correct_answer": "B", "difficulty": 3,
   "category": "geo", "answer_id": "a1"},
  {"user_id": 17, "question_id": 4, "question_type": "true_false",
   "user_answer": true, "correct_answer": "true"}
])";

} // namespace

TEST_CASE("codec reads a batch object with its session id", "[codec]") {
  auto batch = read_ok(R"({"session_id": "s-1", "answers": )"
                       + std::string{two_answers} + "}");
  CHECK(batch.session_id == "s-1");
  REQUIRE(batch.answers.size() == 2);
  const auto& a = batch.answers[0];
  CHECK(a.answer_id == "a1");
  CHECK(a.user_id == "u1");
  CHECK(a.question_id == "q1");
  CHECK(a.type == question_type::multiple_choice);
  CHECK(a.user_answer == "B");
  CHECK(a.correct_answer == "B");
  CHECK(a.difficulty == 3);
  CHECK(a.category == "geo");
  CHECK(batch.rejected.empty());
}

TEST_CASE("codec reads a bare array with integer ids and boolean answers",
          "[codec]") {
  auto batch = read_ok(two_answers);
  CHECK(batch.session_id.empty());
  REQUIRE(batch.answers.size() == 2);
  CHECK(batch.answers[1].user_id == "17");
  CHECK(batch.answers[1].question_id == "4");
  CHECK(batch.answers[1].type == question_type::true_false);
  CHECK(batch.answers[1].user_answer == "true");
  CHECK(batch.answers[1].difficulty == 0);
}

TEST_CASE("codec reads JSON Lines and rejects a broken line at its index",
          "[codec]") {
  auto batch = read_ok(
    "{\"user_id\": \"u1\", \"question_id\": \"q1\", \"question_type\": "
    "\"short_answer\", \"user_answer\": \"sun\", \"correct_keywords\": "
    "[\"sun\"]}\n"
    "\n"
    "{\"user_id\": \"u2\", \"question_id\": \"q2\", oops}\n"
    "{\"user_id\": \"u3\", \"question_id\": \"q3\", \"question_type\": "
    "\"true_false\", \"user_answer\": \"F\", \"correct_answer\": false}\n");
  REQUIRE(batch.answers.size() == 2);
  CHECK(batch.answers[0].correct_keywords == std::vector<std::string>{"sun"});
  CHECK(batch.answers[1].correct_answer == "false");
  REQUIRE(batch.rejected.size() == 1);
  CHECK(batch.rejected[0].index == 1);
  CHECK(batch.rejected[0].code == ec::malformed_item);
  CHECK(batch.rejected[0].message.rfind("line 3 is not valid JSON: ", 0) == 0);
}

TEST_CASE("codec rejects items with wrong JSON types, naming each field",
          "[codec]") {
  auto batch = read_ok(R"([
    {"user_id": "u1", "question_id": "q1", "question_type": "short_answer",
     "user_answer": "x", "correct_keywords": "sun", "difficulty": "hard"},
    {"user_id": ["u"], "question_id": "q2", "question_type": "short_answer",
     "user_answer": 1.5, "correct_keywords": ["sun", 3]},
    {"user_id": "u3", "question_id": "q3", "question_type": "essay",
     "user_answer": "x"},
    {"user_id": "u4", "question_id": "q4", "question_type": "multiple_choice",
     "correct_answer": "A"},
    "not an answer",
    {"user_id": "u6", "question_id": "q6", "question_type": "multiple_choice",
     "user_answer": "A", "correct_answer": "A", "difficulty": 2.5}
  ])");
  CHECK(batch.answers.empty());
  REQUIRE(batch.rejected.size() == 6);
  CHECK(batch.rejected[0].index == 0);
  CHECK(batch.rejected[0].code == ec::invalid_answer);
  CHECK(batch.rejected[0].question_id == "q1");
  CHECK(batch.rejected[0].message
        == "correct_keywords must be an array of strings, got string; "
           "difficulty must be an integer from 1 to 10, got string");
  CHECK(batch.rejected[1].message
        == "user_id must be a string or an integer, got array; "
           "user_answer must be a string, an integer or a boolean, got "
           "number; correct_keywords[1] must be a string, got integer");
  CHECK(batch.rejected[2].message
        == "question_type 'essay' is unknown (expected multiple_choice, "
           "true_false or short_answer)");
  CHECK(batch.rejected[3].message == "user_answer required");
  CHECK(batch.rejected[4].code == ec::malformed_item);
  CHECK(batch.rejected[4].message == "answer must be a JSON object, got string");
  CHECK(batch.rejected[5].message
        == "difficulty must be an integer from 1 to 10, got 2.5");
}

TEST_CASE("codec keeps positions when valid and rejected items mix",
          "[codec]") {
  auto batch = read_ok(R"([
    {"user_id": "u0", "question_id": "q0", "question_type": "true_false",
     "user_answer": "T", "correct_answer": "true"},
    {"user_id": "u1"},
    {"user_id": "u2", "question_id": "q2", "question_type": "true_false",
     "user_answer": null, "correct_answer": "true"}
  ])");
  REQUIRE(batch.answers.size() == 2);
  CHECK(batch.answers[1].question_id == "q2");
  CHECK(batch.answers[1].user_answer.empty());
  REQUIRE(batch.rejected.size() == 1);
  CHECK(batch.rejected[0].index == 1);
  CHECK(batch.rejected[0].user_id == "u1");
  CHECK(batch.rejected[0].message
        == "question_type required; user_answer required");
}

TEST_CASE("codec reports unreadable input with line and column", "[codec]") {
  CHECK(read_error("{\n  \"answers\": [\n    {\"user_id\": }\n  ]\n}")
          .rfind("line 3, column 17: ", 0)
        == 0);
  CHECK(read_error("") == "input is empty");
  CHECK(read_error("  \n ") == "input is empty");
  CHECK(read_error("42")
        == "input must be a batch object, an array of answers or JSON "
           "Lines, got integer");
  CHECK(read_error(R"({"answers": {"a": 1}})")
        == "answers must be an array, got object");
  CHECK(read_error(R"({"session": "x"})")
        == "input object has no \"answers\" array");
  CHECK(read_error(R"({"session_id": [], "answers": []})")
        == "session_id must be a string, got array");
  // Invalid UTF-8 inside a string is a syntax error of the whole document.
  CHECK(read_error("[{\"user_answer\": \"\xC3\x28\"}]").rfind("line 1", 0)
        == 0);
}

TEST_CASE("codec skips a UTF-8 byte order mark", "[codec]") {
  auto batch = read_ok("\xEF\xBB\xBF" + std::string{two_answers});
  CHECK(batch.answers.size() == 2);
}

TEST_CASE("codec reads every answer of examples/mixed.json", "[codec]") {
  std::ifstream in{GRADER_SOURCE_DIR "/examples/mixed.json"};
  REQUIRE(in);
  std::string text{std::istreambuf_iterator<char>{in}, {}};
  auto batch = read_ok(text);
  CHECK(batch.session_id == "demo-mixed-001");
  CHECK(batch.answers.size() == 36);
  CHECK(batch.rejected.empty());
}

TEST_CASE("codec writes the batch result in the documented layout",
          "[codec]") {
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
