#include <catch2/catch.hpp>

#include "scoring/validation.hpp"

using namespace grader::scoring;

using strings = std::vector<std::string>;

namespace {

answer multiple_choice() {
  answer x;
  x.answer_id = "a-1";
  x.user_id = "u-1";
  x.question_id = "q-1";
  x.type = question_type::multiple_choice;
  x.user_answer = "B";
  x.correct_answer = "B";
  x.difficulty = 3;
  x.category = "biology";
  return x;
}

answer true_false() {
  auto x = multiple_choice();
  x.type = question_type::true_false;
  x.user_answer = "yes";
  x.correct_answer = "true";
  return x;
}

answer short_answer() {
  auto x = multiple_choice();
  x.type = question_type::short_answer;
  x.user_answer = "Plants use chlorophyll.";
  x.correct_answer = "";
  x.correct_keywords = {"photosynthesis", "chlorophyll"};
  return x;
}

} // namespace

TEST_CASE("validate accepts complete answers of every type", "[scoring]") {
  CHECK(validate(multiple_choice()).empty());
  CHECK(validate(true_false()).empty());
  CHECK(validate(short_answer()).empty());
}

TEST_CASE("validate accepts a blank student answer", "[scoring]") {
  auto x = short_answer();
  x.user_answer = "  ";
  CHECK(validate(x).empty());
  auto y = multiple_choice();
  y.user_answer = "";
  CHECK(validate(y).empty());
}

TEST_CASE("validate accepts missing optional fields", "[scoring]") {
  auto x = multiple_choice();
  x.answer_id = "";
  x.difficulty = 0;
  x.category = "";
  CHECK(validate(x).empty());
}

TEST_CASE("validate rejects blank user and question ids", "[scoring]") {
  auto x = multiple_choice();
  x.user_id = "";
  x.question_id = " \t\xE3\x80\x80"; // ends with U+3000 ideographic space
  CHECK(
    validate(x)
    == strings{"user_id must not be blank", "question_id must not be blank"});
}

TEST_CASE("validate requires the expected choice for multiple choice and "
          "true/false",
          "[scoring]") {
  auto x = multiple_choice();
  x.correct_answer = " ";
  CHECK(validate(x) == strings{"correct_answer required for multiple_choice"});
  auto y = true_false();
  y.correct_answer = "";
  CHECK(validate(y) == strings{"correct_answer required for true_false"});
}

TEST_CASE("validate requires a truth value as the true/false answer",
          "[scoring]") {
  auto x = true_false();
  x.correct_answer = "maybe";
  CHECK(validate(x)
        == strings{"correct_answer must be a truth value for true_false, "
                   "got 'maybe'"});
  x.correct_answer = " FALSE ";
  CHECK(validate(x).empty());
}

TEST_CASE("validate does not require a correct answer for short answers",
          "[scoring]") {
  auto x = short_answer();
  x.correct_answer = "";
  CHECK(validate(x).empty());
}

TEST_CASE("validate requires keywords for short answers", "[scoring]") {
  auto x = short_answer();
  x.correct_keywords.clear();
  CHECK(validate(x) == strings{"correct_keywords required for short_answer"});
  // Other question types need none.
  CHECK(validate(multiple_choice()).empty());
}

TEST_CASE("validate rejects blank keywords by index", "[scoring]") {
  auto x = short_answer();
  x.correct_keywords = {"photosynthesis", " ", "chlorophyll", ""};
  CHECK(validate(x)
        == strings{"correct_keywords[1] must not be blank",
                   "correct_keywords[3] must not be blank"});
}

TEST_CASE("validate rejects difficulties outside 1 to 10", "[scoring]") {
  auto x = multiple_choice();
  for (int32_t difficulty : {0, 1, 10}) {
    x.difficulty = difficulty;
    CHECK(validate(x).empty());
  }
  x.difficulty = 42;
  CHECK(validate(x) == strings{"difficulty must be from 1 to 10, got 42"});
  x.difficulty = 11;
  CHECK(validate(x) == strings{"difficulty must be from 1 to 10, got 11"});
  x.difficulty = -1;
  CHECK(validate(x) == strings{"difficulty must be from 1 to 10, got -1"});
}

TEST_CASE("validate rejects invalid UTF-8 in every text field", "[scoring]") {
  auto x = short_answer();
  x.answer_id = "a\xFF";
  x.user_id = "u\xC3";
  x.question_id = "\xC0\xAF";
  x.user_answer = "\xED\xA0\x80";
  x.correct_answer = "\x80";
  x.correct_keywords = {"ok", "fine", "\xFE"};
  x.category = "bio\xFF";
  CHECK(validate(x)
        == strings{"answer_id is not valid UTF-8", "user_id is not valid UTF-8",
                   "question_id is not valid UTF-8",
                   "user_answer is not valid UTF-8",
                   "correct_answer is not valid UTF-8",
                   "correct_keywords[2] is not valid UTF-8",
                   "category is not valid UTF-8"});
}

TEST_CASE("validate checks the encoding of keywords of any question type",
          "[scoring]") {
  auto x = multiple_choice();
  x.correct_keywords = {"\xFF"};
  CHECK(validate(x) == strings{"correct_keywords[0] is not valid UTF-8"});
}

TEST_CASE("validate reports every problem in field order", "[scoring]") {
  answer x;
  x.answer_id = "\xFF";
  x.type = question_type::true_false;
  x.user_answer = "\xFF";
  x.correct_answer = "maybe";
  x.correct_keywords = {""};
  x.difficulty = 42;
  x.category = "\xFF";
  CHECK(validate(x)
        == strings{
          "answer_id is not valid UTF-8",
          "user_id must not be blank",
          "question_id must not be blank",
          "user_answer is not valid UTF-8",
          "correct_answer must be a truth value for true_false, got 'maybe'",
          "difficulty must be from 1 to 10, got 42",
          "category is not valid UTF-8",
        });
}

TEST_CASE("validate orders keyword problems before difficulty", "[scoring]") {
  auto x = short_answer();
  x.user_id = " ";
  x.correct_keywords.clear();
  x.difficulty = 11;
  CHECK(validate(x)
        == strings{"user_id must not be blank",
                   "correct_keywords required for short_answer",
                   "difficulty must be from 1 to 10, got 11"});
}

TEST_CASE("join_problems joins problems with semicolons", "[scoring]") {
  CHECK(join_problems({}) == "");
  CHECK(join_problems({"user_id must not be blank"})
        == "user_id must not be blank");
  CHECK(join_problems({"user_id must not be blank",
                       "difficulty must be from 1 to 10, got 42"})
        == "user_id must not be blank; "
           "difficulty must be from 1 to 10, got 42");
}

TEST_CASE("validate rejects a user_answer over the answer limit", "[scoring]") {
  auto x = short_answer();
  x.user_answer = std::string(10485760, 'a');
  CHECK(validate(x)
        == strings{"user_answer is 10485760 bytes, over the limit of 20000 "
                   "(--max-answer-bytes)"});
  x.user_answer = std::string(20000, 'a');
  CHECK(validate(x).empty());
}

TEST_CASE("validate checks a field over its limit for nothing else",
          "[scoring]") {
  // Neither scanned for UTF-8 nor quoted in a message.
  auto x = true_false();
  x.user_answer = std::string(30000, '\xFF');
  x.correct_answer = std::string(2001, 'x');
  CHECK(validate(x)
        == strings{"user_answer is 30000 bytes, over the limit of 20000 "
                   "(--max-answer-bytes)",
                   "correct_answer is 2001 bytes, over the limit of 2000 "
                   "(--max-correct-answer-bytes)"});
}

TEST_CASE("validate rejects too many keywords in one message", "[scoring]") {
  auto x = short_answer();
  x.correct_keywords = strings(100, "light");
  CHECK(validate(x).empty());
  x.correct_keywords = strings(100000, "");
  CHECK(validate(x)
        == strings{"correct_keywords has 100000 entries, over the limit of "
                   "100 (--max-keywords)"});
}

TEST_CASE("validate rejects a keyword over the keyword limit by index",
          "[scoring]") {
  auto x = short_answer();
  x.correct_keywords = {"light", std::string(201, 'k'), std::string(200, 'k')};
  CHECK(validate(x)
        == strings{"correct_keywords[1] is 201 bytes, over the limit of 200 "
                   "(--max-keyword-bytes)"});
}

TEST_CASE("validate applies the limits it is given", "[scoring]") {
  auto x = short_answer();
  answer_limits limits;
  limits.max_answer_bytes = 10;
  limits.max_keywords = 1;
  limits.max_keyword_bytes = 5;
  limits.max_correct_answer_bytes = 0;
  x.user_answer = "Plants use chlorophyll.";
  x.correct_answer = "x";
  CHECK(validate(x, limits)
        == strings{"user_answer is 23 bytes, over the limit of 10 "
                   "(--max-answer-bytes)",
                   "correct_answer is 1 byte, over the limit of 0 "
                   "(--max-correct-answer-bytes)",
                   "correct_keywords has 2 entries, over the limit of 1 "
                   "(--max-keywords)"});
  x.correct_keywords = {"photosynthesis"};
  x.correct_answer = "";
  x.user_answer = "light";
  CHECK(validate(x, limits)
        == strings{"correct_keywords[0] is 14 bytes, over the limit of 5 "
                   "(--max-keyword-bytes)"});
  limits = answer_limits{};
  CHECK(validate(x, limits).empty());
}

TEST_CASE("validate checks a short answer's rubric and reference answer",
          "[scoring]") {
  auto x = short_answer();
  x.reference_answer = "Plants make glucose from light.";
  x.rubric = {{"names the inputs", 2}, {"names the outputs", 3}};
  CHECK(validate(x).empty());
  x.rubric = {{" ", 2}, {"outputs", 0}, {"where", 101}};
  CHECK(validate(x)
        == strings{"rubric[0].criterion must not be blank",
                   "rubric[1].points must be from 1 to 100, got 0",
                   "rubric[2].points must be from 1 to 100, got 101"});
  x.rubric.assign(21, {"c", 1});
  CHECK(validate(x) == strings{"rubric has 21 criteria, more than 20"});
  auto y = multiple_choice();
  y.rubric = {{"c", 1}};
  CHECK(validate(y) == strings{"rubric is only for short_answer"});
  x.rubric.clear();
  x.reference_answer = std::string(2001, 'r');
  CHECK(validate(x)
        == strings{"reference_answer is 2001 bytes, over the limit of 2000 "
                   "(--max-correct-answer-bytes)"});
}
