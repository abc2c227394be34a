#include <catch2/catch.hpp>

#include "tests/fixtures/test_answers.hpp"

#include "scoring/feedback.hpp"

using namespace grader::scoring;
using namespace grader::test;

using strings = std::vector<std::string>;

TEST_CASE("feedback says correct from 80 points on", "[scoring]") {
  auto x = short_answer("light", {"light", "water"});
  CHECK(feedback_for(x, scored(80, {"light"})) == "Correct.");
  CHECK(feedback_for(x, scored(100, {"light"})) == "Correct.");
  CHECK(feedback_for(multiple_choice("B", "B"), scored(100)) == "Correct.");
}

TEST_CASE("feedback from 70 to 79 points names the missing keywords",
          "[scoring]") {
  auto x = short_answer("light and water",
                        {"light", "water", "carbon dioxide", "chlorophyll"});
  CHECK(feedback_for(x, scored(79, {"light", "water"}))
        == "Partially correct: partial credit awarded. Missing: "
           "carbon dioxide, chlorophyll.");
  CHECK(feedback_for(x, scored(70, {"light", "water"}))
        == "Partially correct: partial credit awarded. Missing: "
           "carbon dioxide, chlorophyll.");
}

TEST_CASE("partial-credit feedback names nothing when no keyword is missing",
          "[scoring]") {
  auto x = short_answer("light", {"light"});
  CHECK(feedback_for(x, scored(75, {"light"}))
        == "Partially correct: partial credit awarded.");
  CHECK(feedback_for(multiple_choice("A", "B"), scored(75))
        == "Partially correct: partial credit awarded.");
}

TEST_CASE("incorrect multiple-choice feedback names the trimmed expected "
          "choice",
          "[scoring]") {
  CHECK(feedback_for(multiple_choice("C", "  B\n"), scored(0))
        == "Incorrect. The correct answer is B.");
  CHECK(feedback_for(multiple_choice("C", "Mitochondria"), scored(69))
        == "Incorrect. The correct answer is Mitochondria.");
}

TEST_CASE("incorrect true/false feedback names the canonical truth value",
          "[scoring]") {
  CHECK(feedback_for(true_false("no", " YES "), scored(0))
        == "Incorrect. The correct answer is true.");
  CHECK(feedback_for(true_false("참", "틀림"), scored(0))
        == "Incorrect. The correct answer is false.");
}

TEST_CASE("incorrect short-answer feedback lists missing keywords in order",
          "[scoring]") {
  auto x = short_answer("water", {"light", "water", "chlorophyll", "light"});
  CHECK(feedback_for(x, scored(25, {"water"}))
        == "Incorrect. Expected keywords not found: light, chlorophyll.");
}

TEST_CASE("incorrect short-answer feedback is bare when every keyword "
          "matched",
          "[scoring]") {
  // An LLM may score low although every keyword appears.
  auto x = short_answer("light water", {"light", "water"});
  CHECK(feedback_for(x, scored(40, {"light", "water"})) == "Incorrect.");
}

TEST_CASE("feedback ignores the feedback already in the grade", "[scoring]") {
  auto g = scored(100);
  g.feedback = "Something else.";
  CHECK(feedback_for(multiple_choice("B", "B"), g) == "Correct.");
}

TEST_CASE("the English explanation of a short answer counts keywords",
          "[scoring]") {
  auto x = short_answer("Photosynthesis happens where chlorophyll is.",
                        {"photosynthesis", "chlorophyll", "glucose"});
  CHECK(templated_explanation(x, scored(67, {"photosynthesis", "chlorophyll"}))
        == "The answer mentions 2 of 3 expected keywords (photosynthesis, "
           "chlorophyll) and scores 67 out of 100.");
}

TEST_CASE("the English explanation names the keywords when none was found",
          "[scoring]") {
  auto x = short_answer("Plants are green.", {"photosynthesis", "glucose"});
  CHECK(templated_explanation(x, scored(0))
        == "The answer mentions none of the expected keywords "
           "(photosynthesis, glucose) and scores 0 out of 100.");
}

TEST_CASE("the English explanation of a choice compares it with the "
          "expected one",
          "[scoring]") {
  CHECK(templated_explanation(multiple_choice("B", "B"), scored(100))
        == "The chosen answer B matches the expected answer.");
  CHECK(templated_explanation(multiple_choice(" C ", "B"), scored(0))
        == "The chosen answer C does not match the expected answer B.");
  CHECK(templated_explanation(true_false("no", "yes"), scored(0))
        == "The chosen answer no does not match the expected answer true.");
}

TEST_CASE("the English explanation of a blank answer says none was given",
          "[scoring]") {
  CHECK(templated_explanation(short_answer(" ", {"light"}), scored(0))
        == "No answer was given, so it scores 0 out of 100.");
  CHECK(templated_explanation(multiple_choice("", "B"), scored(0))
        == "No answer was given, so it scores 0 out of 100.");
}

TEST_CASE("a Korean answer gets a Korean explanation", "[scoring]") {
  auto x = short_answer("광합성은 엽록소에서 일어난다.",
                        {"광합성", "엽록소", "포도당"});
  CHECK(templated_explanation(x, scored(67, {"광합성", "엽록소"}))
        == "답안에 핵심 키워드 3개 중 2개(광합성, 엽록소)가 포함되어 "
           "100점 만점에 67점입니다.");
  auto y = short_answer("식물은 초록색이다.", {"광합성", "포도당"});
  CHECK(templated_explanation(y, scored(0))
        == "답안에 핵심 키워드(광합성, 포도당)가 하나도 포함되지 않아 "
           "100점 만점에 0점입니다.");
  CHECK(templated_explanation(true_false("참", "거짓"), scored(0))
        == "선택한 답(참)이 정답(거짓)과 일치하지 않습니다.");
  CHECK(templated_explanation(true_false("맞다", "예"), scored(100))
        == "선택한 답(맞다)이 정답과 일치합니다.");
}

TEST_CASE("a Chinese answer gets a Chinese explanation", "[scoring]") {
  auto x = short_answer("植物通过光合作用制造养分",
                        {"光合作用", "叶绿素", "养分"});
  CHECK(templated_explanation(x, scored(67, {"光合作用", "养分"}))
        == "答案提到了3个预期关键词中的2个（光合作用、养分），"
           "得分为67分（满分100分）。");
  auto y = short_answer("植物是绿色的", {"光合作用", "叶绿素"});
  CHECK(templated_explanation(y, scored(0))
        == "答案未提到任何预期关键词（光合作用、叶绿素），"
           "得分为0分（满分100分）。");
  CHECK(templated_explanation(true_false("对", "false"), scored(0))
        == "所选答案“对”与正确答案“错”不一致。");
  CHECK(templated_explanation(true_false("是", "正确"), scored(100))
        == "所选答案“是”与正确答案一致。");
}

TEST_CASE("an answer without letters is explained in the question's "
          "language",
          "[scoring]") {
  CHECK(templated_explanation(short_answer("", {"광합성"}), scored(0))
        == "답안이 제출되지 않아 100점 만점에 0점입니다.");
  CHECK(templated_explanation(short_answer(" ", {"光合作用"}), scored(0))
        == "未作答，得分为0分（满分100分）。");
  CHECK(templated_explanation(multiple_choice("3", "4"), scored(0))
        == "The chosen answer 3 does not match the expected answer 4.");
  // Digits alone have no letters, so the Korean keyword decides.
  auto x = short_answer("1945", {"광복", "1945"});
  CHECK(templated_explanation(x, scored(50, {"1945"}))
        == "답안에 핵심 키워드 2개 중 1개(1945)가 포함되어 "
           "100점 만점에 50점입니다.");
}

TEST_CASE("the language of the answer wins over the question's", "[scoring]") {
  auto x = short_answer("Photosynthesis.", {"광합성", "photosynthesis"});
  CHECK(templated_explanation(x, scored(50, {"photosynthesis"}))
        == "The answer mentions 1 of 2 expected keywords (photosynthesis) "
           "and scores 50 out of 100.");
}
