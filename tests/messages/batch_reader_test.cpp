#include "messages/batch_reader.hpp"

#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "messages/error.hpp"
#include "tests/fixtures/file_text.hpp"
#include "tests/fixtures/test_answers.hpp"

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

// One answer object on one line, as JSON Lines hold them.
std::string answer_line(const std::string& id,
                        const std::string& extra_fields = "") {
  return R"({"answer_id": ")" + id
         + R"(", "user_id": "u", "question_id": "q", "question_type": )"
           R"("true_false", "user_answer": "T", "correct_answer": "true")"
         + extra_fields + "}";
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
  CHECK(batch.rejected[4].message
        == "answer must be a JSON object, got string");
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
  CHECK(batch.answers[0].index == 0);
  CHECK(batch.answers[1].index == 2);
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
  // Invalid UTF-8 outside the answers is an error of the whole document.
  CHECK(read_error("{\"session_id\": \"\xC3\x28\", \"answers\": []}")
        == "line 1, column 16: session_id is not valid UTF-8");
}

TEST_CASE("codec skips a UTF-8 byte order mark", "[codec]") {
  auto batch = read_ok("\xEF\xBB\xBF" + std::string{two_answers});
  CHECK(batch.answers.size() == 2);
}

TEST_CASE("codec reads every answer of examples/mixed.json", "[codec]") {
  auto text = test::slurp(GRADER_SOURCE_DIR "/examples/mixed.json");
  REQUIRE_FALSE(text.empty());
  auto batch = read_ok(text);
  CHECK(batch.session_id == "demo-mixed-001");
  CHECK(batch.answers.size() == 36);
  CHECK(batch.rejected.empty());
}

TEST_CASE("codec reports a NUL byte with its position, or fails its line",
          "[codec]") {
  using namespace std::string_literals;
  SECTION("after a whole batch document") {
    CHECK(read_error("{\"answers\": []}\0 garbage"s)
          == "line 1, column 16: unexpected text after the batch document: "
             "\"\\x00 garbage\"");
  }
  SECTION("inside a batch document") {
    CHECK(read_error("{\"answers\": [\n\0]}"s)
          == "line 2, column 1: unexpected NUL byte (\\x00)");
    CHECK(read_error("[{\"user_answer\": \"a\0b\"}]"s)
            .rfind("line 1, column 20: syntax error while parsing value - "
                   "invalid string: control character U+0000 (NUL) must be "
                   "escaped",
                   0)
          == 0);
  }
  SECTION("in JSON Lines, only the line that holds it fails") {
    auto batch = read_ok(answer_line("a0") + "\n\0"s + answer_line("a1") + "\n"
                         + answer_line("a2") + "\0\n"s + answer_line("a3")
                         + "\n");
    REQUIRE(batch.answers.size() == 2);
    CHECK(batch.answers[0].answer_id == "a0");
    CHECK(batch.answers[1].answer_id == "a3");
    REQUIRE(batch.rejected.size() == 2);
    CHECK(batch.rejected[0].index == 1);
    CHECK(batch.rejected[0].code == ec::malformed_item);
    CHECK(batch.rejected[0].message
          == "line 2 is not valid JSON: column 1: unexpected NUL byte (\\x00)");
    CHECK(batch.rejected[1].index == 2);
    CHECK(batch.rejected[1].message
          == "line 3 is not valid JSON: column "
               + std::to_string(answer_line("a2").size() + 1)
               + ": unexpected text after the answer: \"\\x00\"");
  }
  SECTION("at the end of the first line of JSON Lines") {
    auto batch = read_ok(answer_line("a0") + "\0\n"s + answer_line("a1"));
    REQUIRE(batch.answers.size() == 1);
    CHECK(batch.answers[0].answer_id == "a1");
    REQUIRE(batch.rejected.size() == 1);
    CHECK(batch.rejected[0].index == 0);
    CHECK(
      batch.rejected[0].message.rfind("line 1 is not valid JSON: column ", 0)
      == 0);
  }
}

TEST_CASE("codec fails only the answer that holds a number too large for a "
          "double",
          "[codec]") {
  SECTION("in a batch document") {
    auto batch = read_ok(R"({"answers": [)" + answer_line("a0") + ", "
                         + answer_line("a1", R"(, "difficulty": 1e400)") + ", "
                         + answer_line("a2", R"(, "extra": [-2E+999])") + ", "
                         + answer_line("a3", R"(, "difficulty": 1e300)")
                         + "]}");
    REQUIRE(batch.answers.size() == 1);
    CHECK(batch.answers[0].answer_id == "a0");
    REQUIRE(batch.rejected.size() == 3);
    CHECK(batch.rejected[0].index == 1);
    CHECK(batch.rejected[0].answer_id == "a1");
    CHECK(batch.rejected[0].code == ec::invalid_answer);
    CHECK(batch.rejected[0].message == "difficulty is out of range: 1e400");
    CHECK(batch.rejected[1].message == "extra[0] is out of range: -2E+999");
    // A number a double holds is read, and is then of the wrong type.
    CHECK(batch.rejected[2].message
          == "difficulty must be an integer from 1 to 10, got 1e+300");
  }
  SECTION("in JSON Lines") {
    auto batch = read_ok(answer_line("a0") + "\n"
                         + answer_line("a1", R"(, "user_answer": 9e999)")
                         + "\n");
    REQUIRE(batch.answers.size() == 1);
    REQUIRE(batch.rejected.size() == 1);
    CHECK(batch.rejected[0].index == 1);
    CHECK(batch.rejected[0].message
          == "user_answer is given twice; user_answer is out of range: 9e999");
  }
  SECTION("outside the answers") {
    CHECK(read_error(R"({"session_id": 1e400, "answers": []})")
          == "line 1, column 16: session_id is out of range: 1e400");
    auto items = read_ok("[1e400]");
    REQUIRE(items.rejected.size() == 1);
    CHECK(items.rejected[0].code == ec::malformed_item);
    CHECK(items.rejected[0].message == "answer is out of range: 1e400");
    CHECK(read_error("\n  1e400")
          == "line 2, column 3: input is out of range: 1e400");
  }
}

TEST_CASE("codec reads a one-line batch document followed by more text as an "
          "error saying where the text starts",
          "[codec]") {
  auto document = R"({"answers": [)" + answer_line("a0") + "]}";
  CHECK(read_error(document + "\n" + answer_line("a1") + "\n")
          .rfind("line 2, column 1: unexpected text after the batch "
                 "document: \"{\"answer_id\": \"a1\", ",
                 0)
        == 0);
  CHECK(read_error(document + "  x")
        == "line 1, column " + std::to_string(document.size() + 3)
             + ": unexpected text after the batch document: \"x\"");
  CHECK(read_error("[]\n\n  []")
        == "line 3, column 3: unexpected text after the batch document: "
           "\"[]\"");
  // An answer object spread over lines is no line of JSON Lines.
  CHECK(read_error("{\"user_answer\": \"T\",\n \"question_type\": "
                   "\"true_false\"}\n{}")
        == "line 3, column 1: unexpected text after the answer object: "
           "\"{}\"");
  SECTION("the document alone, and then blank lines, are fine") {
    CHECK(read_ok(document + "\n\n  \n").answers.size() == 1);
  }
}

TEST_CASE("codec rejects a key given twice", "[codec]") {
  SECTION("in the batch document: the input") {
    auto text = R"({"answers": [)" + answer_line("a0") + R"(], "answers": []})";
    CHECK(read_error(text)
          == "line 1, column "
               + std::to_string(text.find("\"answers\": []") + 1)
               + ": answers is given twice");
    CHECK(read_error(R"({"session_id": "a",)"
                     "\n"
                     R"( "answers": [], "session_id": "b"})")
          == "line 2, column 17: session_id is given twice");
  }
  SECTION("in an answer: that answer, naming the field") {
    auto batch = read_ok(
      "[" + answer_line("a0", R"(, "user_answer": "F")") + ", "
      + answer_line("a1",
                    R"(, "correct_keywords": ["x"], "tags": {"k": 1, "k": 2})")
      + ", " + answer_line("a2") + "]");
    REQUIRE(batch.answers.size() == 1);
    CHECK(batch.answers[0].answer_id == "a2");
    REQUIRE(batch.rejected.size() == 2);
    CHECK(batch.rejected[0].index == 0);
    CHECK(batch.rejected[0].answer_id == "a0");
    CHECK(batch.rejected[0].code == ec::invalid_answer);
    CHECK(batch.rejected[0].message == "user_answer is given twice");
    CHECK(batch.rejected[1].message == "tags.k is given twice");
  }
}

TEST_CASE("codec fails only the line or answer that is not valid UTF-8",
          "[codec]") {
  auto bad = answer_line("bad", ", \"category\": \"geo\xFF\"");
  SECTION("on the first line of JSON Lines") {
    auto batch = read_ok(bad + "\n" + answer_line("a1") + "\n");
    REQUIRE(batch.answers.size() == 1);
    CHECK(batch.answers[0].answer_id == "a1");
    REQUIRE(batch.rejected.size() == 1);
    CHECK(batch.rejected[0].index == 0);
    CHECK(batch.rejected[0].answer_id == "bad");
    CHECK(batch.rejected[0].code == ec::invalid_answer);
    CHECK(batch.rejected[0].message == "category is not valid UTF-8");
  }
  SECTION("on a later line of JSON Lines, the same") {
    auto batch = read_ok(answer_line("a0") + "\n" + bad + "\n");
    REQUIRE(batch.answers.size() == 1);
    REQUIRE(batch.rejected.size() == 1);
    CHECK(batch.rejected[0].index == 1);
    CHECK(batch.rejected[0].message == "category is not valid UTF-8");
  }
  SECTION("in a batch document") {
    auto batch
      = read_ok("[" + bad + ", " + answer_line("a1")
                + ", {\"user_answer\": \"\xC3\x28\", \"k\xED\xA0\x80\": 1}]");
    REQUIRE(batch.answers.size() == 1);
    REQUIRE(batch.rejected.size() == 2);
    CHECK(batch.rejected[0].message == "category is not valid UTF-8");
    CHECK(batch.rejected[1].index == 2);
    CHECK(batch.rejected[1].message
          == "user_answer is not valid UTF-8; k\\xed\\xa0\\x80 is a key that "
             "is not valid UTF-8; question_type required");
  }
}

TEST_CASE("codec escapes the input it quotes in messages", "[codec]") {
  auto batch = read_ok("[{\"question_type\": \"\\u001b[2J\xE2\x80\xAE\", "
                       "\"user_answer\": \"x\"}]");
  REQUIRE(batch.rejected.size() == 1);
  CHECK(batch.rejected[0].message
        == "question_type '\\x1b[2J\\u202e' is unknown (expected "
           "multiple_choice, true_false or short_answer)");
  auto error = read_error("[1, \xFF\x1B]");
  CHECK(error.find('\xFF') == std::string::npos);
  CHECK(error.find('\x1B') == std::string::npos);
  CHECK(error.find("\\xff") != std::string::npos);
}

TEST_CASE("codec refuses nesting deeper than 64 levels", "[codec]") {
  CHECK(read_error(std::string(100, '[') + std::string(100, ']'))
        == "line 1, column 65: nesting deeper than 64 levels");
  CHECK(read_ok("["
                + answer_line("a0", R"(, "x": )" + std::string(60, '[')
                                      + std::string(60, ']'))
                + "]")
          .answers.size()
        == 1);
}

TEST_CASE("codec reads the human grades of a labelled batch by position, "
          "when asked",
          "[codec]") {
  auto item = [](const std::string& grade) {
    return R"({"user_id": "u", "question_id": "q", "question_type": )"
           R"("short_answer", "user_answer": "a", "correct_keywords": ["k"])"
           + grade + "}";
  };
  auto text = "[" + item(R"(, "human_score": 85)") + ", 7, "
              + item(R"(, "human_correct": false)") + ", " + item("") + ", "
              + item(R"(, "human_score": 40, "human_correct": true)") + "]";
  human_grades grades;
  auto batch = read_batch(text, default_max_answers, &grades);
  REQUIRE(batch);
  CHECK(batch->answers.size() == 4);
  REQUIRE(grades.size() == 5);
  CHECK(grades[0].score == 85);
  CHECK_FALSE(grades[0].correct);
  // Item 1 is no answer at all, item 3 has no grade.
  CHECK_FALSE(grades[1].given());
  CHECK(grades[2].correct == false);
  CHECK_FALSE(grades[2].score);
  CHECK_FALSE(grades[3].given());
  CHECK(grades[4].score == 40);
  CHECK(grades[4].correct == true);
  SECTION("without being asked, the fields are ignored") {
    auto plain = read_ok("[" + item(R"(, "human_score": "lots")") + "]");
    CHECK(plain.answers.size() == 1);
    CHECK(plain.rejected.empty());
  }
  SECTION("a grade that cannot be read rejects its item, naming it") {
    human_grades bad;
    auto lines = item(R"(, "human_score": 150)") + "\n"
                 + item(R"(, "human_score": 72.5)") + "\n"
                 + item(R"(, "human_correct": "yes")") + "\n"
                 + item(R"(, "human_score": -3)") + "\n";
    auto read = read_batch(lines, default_max_answers, &bad);
    REQUIRE(read);
    CHECK(read->answers.empty());
    REQUIRE(read->rejected.size() == 4);
    CHECK(read->rejected[0].message
          == "human_score must be an integer from 0 to 100, got 150");
    CHECK(read->rejected[1].message
          == "human_score must be an integer from 0 to 100, got 72.5");
    CHECK(read->rejected[2].message
          == "human_correct must be a boolean, got string");
    CHECK(read->rejected[3].message
          == "human_score must be an integer from 0 to 100, got -3");
  }
}

TEST_CASE("codec reads a short answer's reference answer and rubric, naming "
          "what is wrong in it",
          "[codec]") {
  auto batch = read_ok(
    R"([{"user_id": "u", "question_id": "q", "question_type": "short_answer",)"
    R"( "user_answer": "a", "correct_keywords": ["k"], "reference_answer": )"
    R"("ref", "rubric": [{"criterion": "inputs", "points": 2}, )"
    R"({"criterion": "outputs", "points": 3}]},)"
    R"( {"user_id": "u", "question_id": "q", "question_type": "short_answer",)"
    R"( "user_answer": "a", "correct_keywords": ["k"], "rubric": [)"
    R"({"criterion": 1, "points": 2}, {"points": 2.5}, "x"]},)"
    R"( {"user_id": "u", "question_id": "q", "question_type": "short_answer",)"
    R"( "user_answer": "a", "correct_keywords": ["k"], "rubric": {}}])");
  REQUIRE(batch.answers.size() == 1);
  CHECK(batch.answers[0].reference_answer == "ref");
  CHECK(
    batch.answers[0].rubric
    == std::vector<scoring::rubric_criterion>{{"inputs", 2}, {"outputs", 3}});
  REQUIRE(batch.rejected.size() == 2);
  CHECK(batch.rejected[0].message
        == "rubric[0].criterion must be a string, got integer; "
           "rubric[1].criterion must be a string, got nothing; "
           "rubric[1].points must be an integer, got 2.5; rubric[2] must be "
           "an object, got string");
  CHECK(batch.rejected[1].message
        == "rubric must be an array of {criterion, points}, got object");
}
