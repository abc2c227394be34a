#include <algorithm>
#include <cstdlib>

#include <catch2/catch.hpp>

#include "tests/fixtures/test_answers.hpp"

#include "scoring/feedback.hpp"
#include "scoring/judge.hpp"
#include "scoring/llm_reply.hpp"
#include "scoring/prompts.hpp"

using namespace grader::scoring;
using namespace grader::test;

using strings = std::vector<std::string>;

namespace {

// 광합성 (photosynthesis), 엽록소 (chlorophyll), 은 and 에서 (particles).
const std::string photosynthesis = "\xEA\xB4\x91\xED\x95\xA9\xEC\x84\xB1";
const std::string chlorophyll = "\xEC\x97\xBD\xEB\xA1\x9D\xEC\x86\x8C";
const std::string eun = "\xEC\x9D\x80";
const std::string eseo = "\xEC\x97\x90\xEC\x84\x9C";

const strings keywords = {"light", "water", "glucose"};

} // namespace

TEST_CASE("the judge gives full keyword coverage at least 90", "[scoring]") {
  auto verdict = judge_short_answer("Plants turn light and water into glucose.",
                                    keywords);
  CHECK(verdict.score >= 90);
  CHECK(verdict.score <= 100);
  CHECK(verdict.reasoning
        == "Mentions all 3 expected keywords (light, water, glucose).");
}

TEST_CASE("the judge gives an answer that is exactly the keyword 100",
          "[scoring]") {
  CHECK(judge_short_answer("Light", {"light"})
        == judged_score{100, "Mentions the expected keyword (light).", {}});
}

TEST_CASE("the judge names found and missing keywords", "[scoring]") {
  auto verdict = judge_short_answer("Plants need light and water.", keywords);
  CHECK(verdict.score >= 60);
  CHECK(verdict.score < 70);
  CHECK(verdict.reasoning
        == "Mentions 2 of 3 expected keywords (light, water); missing: "
           "glucose.");
}

TEST_CASE("the judge scores a near miss above nothing", "[scoring]") {
  // No keyword matches, but 11 of 13 bigrams are shared: 10 * 22 / 26.
  CHECK(judge_short_answer("photosynthesys", {"photosynthesis"})
        == judged_score{8,
                        "Does not mention the expected keyword "
                        "(photosynthesis).",
                        {}});
  auto verdict = judge_short_answer("The sky is blue.", keywords);
  CHECK(verdict.score < 10);
  CHECK(verdict.reasoning
        == "Mentions none of the 3 expected keywords (light, water, glucose).");
}

TEST_CASE("the judge gives a blank answer 0", "[scoring]") {
  CHECK(judge_short_answer("", keywords)
        == judged_score{0, "No answer was given.", {}});
  CHECK(judge_short_answer(" \n\t ", keywords)
        == judged_score{0, "No answer was given.", {}});
}

TEST_CASE("the judge counts a repeated keyword once", "[scoring]") {
  auto verdict = judge_short_answer("light", {"light", "light", "water"});
  CHECK(verdict.reasoning
        == "Mentions 1 of 2 expected keywords (light); missing: water.");
  CHECK(verdict.score >= 45);
}

TEST_CASE("the judge scores an answer with 100000 keywords", "[scoring]") {
  // Each keyword was compared with every one before it, twice.
  strings many;
  std::string text;
  for (int i = 0; i < 100000; ++i) {
    many.push_back("term" + std::to_string(i));
    if (i % 2 == 0)
      text += many.back() + ' ';
  }
  auto verdict = judge_short_answer(text, many);
  CHECK(verdict.score == 52);
  std::string_view reasoning = verdict.reasoning;
  CHECK(reasoning.substr(0, 63)
        == "Mentions 50000 of 100000 expected keywords (term0, term2, term4");
  auto missing = reasoning.find("); missing: term1, term3, term5");
  CHECK(missing != std::string_view::npos);
  CHECK(reasoning.substr(reasoning.size() - 10) == "term99999.");
}

TEST_CASE("the judge matches Korean keywords with particles", "[scoring]") {
  auto text = photosynthesis + eun + " " + chlorophyll + eseo;
  auto verdict = judge_short_answer(text, {photosynthesis, chlorophyll});
  CHECK(verdict.score >= 90);
  CHECK(verdict.reasoning
        == "Mentions all 2 expected keywords (" + photosynthesis + ", "
             + chlorophyll + ").");
}

TEST_CASE("the judge's explanation is the templated one", "[scoring]") {
  auto x = short_answer("Plants need light.", keywords);
  grade g;
  g.score = 30;
  g.keyword_matches = {"light"};
  CHECK(judge_explanation(x, g) == templated_explanation(x, g));
}

TEST_CASE("the judge answers a score prompt with a score object", "[scoring]") {
  auto x = short_answer("Plants need light and water.", keywords);
  auto request = short_answer_prompt(x);
  auto reply = judge_reply(request);
  auto parsed = parse_score_reply(reply.content);
  REQUIRE(parsed.verdict);
  CHECK(*parsed.verdict == judge_short_answer(x.user_answer, keywords));
  CHECK(reply.content.front() == '{');

  SECTION("usage counts a token per 4 bytes") {
    size_t prompt_bytes = 0;
    for (const auto& message : request.messages)
      prompt_bytes += message.content.size();
    CHECK(reply.usage.prompt_tokens == prompt_bytes / 4);
    CHECK(reply.usage.completion_tokens == reply.content.size() / 4);
  }
}

TEST_CASE("the judge answers an explanation prompt with the explanation",
          "[scoring]") {
  grade g;
  g.score = 63;
  g.keyword_matches = {"light", "water"};

  SECTION("for a short answer") {
    auto x = short_answer("Plants need light and water.", keywords);
    CHECK(judge_reply(explanation_prompt(x, g)).content
          == templated_explanation(x, g));
  }

  SECTION("for a Korean true/false answer") {
    // 참 (true) against 거짓 (false)
    auto x = true_false("\xEC\xB0\xB8", "\xEA\xB1\xB0\xEC\xA7\x93");
    g.score = 0;
    g.keyword_matches.clear();
    CHECK(judge_reply(explanation_prompt(x, g)).content
          == templated_explanation(x, g));
  }
}

TEST_CASE("the judge says when it cannot read a request", "[scoring]") {
  const std::string unreadable
    = "The built-in judge could not read this request.";
  chat_request request;

  SECTION("without a user message") {
    request.messages = {{"system", "Grade this."}};
  }

  SECTION("when the last line is not JSON") {
    request.messages = {{"user", "{\"task\": \"score_short_answer\"}\nhi"}};
  }

  SECTION("for an unknown task") {
    request.messages = {{"user", R"({"task": "write_poem"})"}};
  }

  SECTION("when a field has the wrong type") {
    request.messages = {{"user", R"({"task": "score_short_answer", )"
                                 R"("student_answer": 5})"}};
  }

  SECTION("for an explanation of an unknown question type") {
    request.messages = {{"user", R"({"task": "explain_grade", )"
                                 R"("question_type": "essay", "score": 5, )"
                                 R"("student_answer": "x"})"}};
  }

  auto reply = judge_reply(request);
  CHECK(reply.content == unreadable);
  CHECK(reply.usage.completion_tokens == unreadable.size() / 4);
  CHECK(parse_score_reply(reply.content).error == "reply has no JSON object");
}

TEST_CASE("the judge reads the last user message", "[scoring]") {
  auto first = short_answer_prompt(short_answer("nothing", keywords));
  auto second = short_answer_prompt(short_answer("light water", keywords));
  chat_request request;
  request.messages = first.messages;
  request.messages.push_back(second.messages.back());
  request.messages.push_back({"assistant", "{\"score\": 0}"});
  auto parsed = parse_score_reply(judge_reply(request).content);
  REQUIRE(parsed.verdict);
  CHECK(parsed.verdict->reasoning
        == "Mentions 2 of 3 expected keywords (light, water); missing: "
           "glucose.");
}

TEST_CASE("the judge counts at least one token", "[scoring]") {
  chat_request request;
  request.messages = {{"user", "x"}};
  auto reply = judge_reply(request);
  CHECK(reply.usage.prompt_tokens == 1);
  CHECK(reply.usage.completion_tokens >= 1);
}

TEST_CASE("the judge's samples vary with temperature and seed, repeatably",
          "[scoring]") {
  auto answer = short_answer("light and water", keywords);
  auto score_of = [&](double temperature, bool seeded, uint64_t seed) {
    auto request = short_answer_prompt(answer);
    request.temperature = temperature;
    request.seeded = seeded;
    request.seed = seed;
    auto parsed = parse_score_reply(judge_reply(request).content);
    REQUIRE(parsed.verdict);
    return parsed.verdict->score;
  };
  auto own = judge_short_answer(answer.user_answer, keywords).score;
  // At temperature 0, or without a seed, the judge's own score.
  CHECK(score_of(0, true, 7) == own);
  CHECK(score_of(1, false, 0) == own);
  std::vector<int32_t> sampled;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    auto score = score_of(1, true, seed);
    // At temperature 1, at most 10 points either way.
    CHECK(std::abs(score - own) <= 10);
    CHECK(score_of(1, true, seed) == score);
    sampled.push_back(score);
  }
  std::sort(sampled.begin(), sampled.end());
  CHECK(std::unique(sampled.begin(), sampled.end()) - sampled.begin() >= 5);
}

TEST_CASE("the built-in judge gives each rubric criterion points for the "
          "share of its wording the answer holds",
          "[scoring]") {
  std::vector<rubric_criterion> rubric{
    {"carbon dioxide and water", 4}, {"glucose", 2}, {"chloroplasts", 3}};
  auto x = judge_rubric("Plants turn carbon dioxide and water into glucose.",
                        rubric);
  // The first two criteria stand in the answer word for word. Of the 11
  // bigrams of "chloroplasts", the answer's letters (spaces dropped) hold 4:
  // pl and la (plants), ts and st (plants turn): 3 * (4/11) / 0.8 = 1.36,
  // rounded 1.
  CHECK(x.rubric_scores == std::vector<int32_t>{4, 2, 1});
  // (4 + 2 + 1) / 9 = 77.8 %.
  CHECK(x.score == 78);
  CHECK(x.reasoning
        == "Points by criterion: criterion 1: 4 of 4; criterion 2: 2 of 2; "
           "criterion 3: 1 of 3.");
  CHECK(
    judge_rubric("Plants turn carbon dioxide and water into glucose.", rubric)
    == x);
  auto korean = judge_rubric("이산화탄소와 물을 포도당으로 바꾼다",
                             {{"이산화탄소와 물", 3}, {"산소를 내놓는다", 2}});
  CHECK(korean.rubric_scores == std::vector<int32_t>{3, 0});
  CHECK(judge_rubric("  ", rubric).rubric_scores
        == std::vector<int32_t>{0, 0, 0});
}
