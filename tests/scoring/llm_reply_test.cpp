#include <catch2/catch.hpp>

#include "scoring/llm_reply.hpp"

using namespace grader::scoring;

namespace {

// The verdict of `content`, which must parse.
judged_score verdict(std::string_view content) {
  auto reply = parse_score_reply(content);
  INFO("error: " << reply.error);
  REQUIRE(reply.verdict);
  CHECK(reply.error.empty());
  return *reply.verdict;
}

// The error of `content`, which must not parse.
std::string error(std::string_view content) {
  auto reply = parse_score_reply(content);
  CHECK_FALSE(reply.verdict);
  return reply.error;
}

} // namespace

TEST_CASE("a score reply that is only the object parses", "[scoring]") {
  CHECK(verdict(R"({"score": 85, "reasoning": "Names both keywords."})")
        == judged_score{85, "Names both keywords."});
  CHECK(verdict("  {\"score\":0}\n") == judged_score{0, ""});
}

TEST_CASE("a score reply wrapped in prose or a fence parses", "[scoring]") {
  CHECK(verdict(R"(Here is my verdict: {"score": 70, "reasoning": "ok"} Hope
this helps!)")
        == judged_score{70, "ok"});
  CHECK(verdict("```json\n{\"score\": 90, \"reasoning\": \"good\"}\n```")
        == judged_score{90, "good"});
}

TEST_CASE("a score reply may nest objects and braces in strings",
          "[scoring]") {
  CHECK(verdict(R"({"score": 60, "reasoning": "uses {braces} and \"}\"",)"
                R"( "details": {"found": ["a"], "more": {}}} trailing })")
        == judged_score{60, R"(uses {braces} and "}")"});
}

TEST_CASE("a score reply's score is clamped and rounded", "[scoring]") {
  CHECK(verdict(R"({"score": 150})").score == 100);
  CHECK(verdict(R"({"score": -5})").score == 0);
  CHECK(verdict(R"({"score": 79.6})").score == 80);
  CHECK(verdict(R"({"score": 79.4})").score == 79);
  CHECK(verdict(R"({"score": 1e300})").score == 100);
  CHECK(verdict(R"({"score": -1e300})").score == 0);
  CHECK(verdict(R"({"score": 18446744073709551615})").score == 100);
}

TEST_CASE("a score reply's reasoning is optional text", "[scoring]") {
  CHECK(verdict(R"({"score": 50, "reasoning": 7})") == judged_score{50, ""});
  CHECK(verdict(R"({"score": 50, "reasoning": null})")
        == judged_score{50, ""});
}

TEST_CASE("a score reply without an object is rejected", "[scoring]") {
  CHECK(error("") == "reply has no JSON object");
  CHECK(error("I think it deserves a good score.")
        == "reply has no JSON object");
}

TEST_CASE("a score reply with a broken object is rejected", "[scoring]") {
  CHECK(error(R"({"score": 80,)") == "reply's JSON object is malformed");
  CHECK(error(R"({score: 80})") == "reply's JSON object is malformed");
  CHECK(error(R"({"score": 80 "reasoning": "x"} done)")
        == "reply's JSON object is malformed");
  CHECK(error("{\"score\": 80, \"reasoning\": \"\xFF\"}")
        == "reply's JSON object is malformed");
}

TEST_CASE("a score reply without a numeric score is rejected", "[scoring]") {
  CHECK(error(R"({"reasoning": "no score"})") == "reply has no numeric score");
  CHECK(error(R"({"score": "80"})") == "reply has no numeric score");
  CHECK(error(R"({"score": null})") == "reply has no numeric score");
  CHECK(error(R"({"score": [80]})") == "reply has no numeric score");
  CHECK(error(R"({"result": {"score": 80}})") == "reply has no numeric score");
}
