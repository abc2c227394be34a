#include <catch2/catch.hpp>

#include "scoring/answer.hpp"
#include "scoring/grade.hpp"

using namespace grader::scoring;

TEST_CASE("question types have their wire names", "[scoring]") {
  CHECK(to_string(question_type::multiple_choice) == "multiple_choice");
  CHECK(to_string(question_type::true_false) == "true_false");
  CHECK(to_string(question_type::short_answer) == "short_answer");
}

TEST_CASE("parse_question_type reads every wire name back", "[scoring]") {
  CHECK(parse_question_type("multiple_choice")
        == question_type::multiple_choice);
  CHECK(parse_question_type("true_false") == question_type::true_false);
  CHECK(parse_question_type("short_answer") == question_type::short_answer);
}

TEST_CASE("parse_question_type rejects unknown and differently cased names",
          "[scoring]") {
  CHECK(parse_question_type("") == std::nullopt);
  CHECK(parse_question_type("essay") == std::nullopt);
  CHECK(parse_question_type("Multiple_Choice") == std::nullopt);
  CHECK(parse_question_type("SHORT_ANSWER") == std::nullopt);
  CHECK(parse_question_type(" true_false") == std::nullopt);
  CHECK(parse_question_type("true-false") == std::nullopt);
}

// graded_by lives in grade.hpp; its wire names are tested next to the
// question type's.
TEST_CASE("graders have their wire names", "[scoring]") {
  CHECK(to_string(graded_by::rules) == "rules");
  CHECK(to_string(graded_by::llm) == "llm");
  CHECK(to_string(graded_by::fallback) == "fallback");
}

TEST_CASE("answers compare equal only when every field is equal", "[scoring]") {
  answer x;
  x.user_id = "u1";
  x.question_id = "q1";
  x.correct_keywords = {"a", "b"};
  auto y = x;
  CHECK(x == y);
  y.correct_keywords = {"b", "a"};
  CHECK_FALSE(x == y);
  y = x;
  y.difficulty = 3;
  CHECK_FALSE(x == y);
}
