// `grader calibrate` as a real process on the labelled example set, and the
// calibration report on a small batch worked out by hand.

#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "apps/grader/calibration_report.hpp"
#include "tests/fixtures/child_process.hpp"

using grader::test::judge_run;
using grader::test::slurp;
using nlohmann::json;
using namespace grader;

namespace {

const std::string labelled = GRADER_SOURCE_DIR "/examples/labelled.json";

void write(const std::string& path, const std::string& text) {
  std::ofstream{path} << text;
}

} // namespace

TEST_CASE("grader calibrate reports the judge's agreement with the human "
          "grades of examples/labelled.json, never changing them",
          "[apps][llm]") {
  judge_run run;
  auto report = (run.dir / "calibration.json").string();
  REQUIRE(run.grader("calibrate --llm-url " + run.url() + " -o '" + report
                     + "' '" + labelled + "'")
          == 0);
  auto table = run.out();
  CHECK(table.rfind("Agreement with human graders: 66 answers compared", 0)
        == 0);
  for (const char* part :
       {"exact agreement ", "Cohen's kappa ", "quadratic weighted kappa ",
        "mean absolute error ", "Pearson ", "Spearman ", "per question",
        "largest disagreements", "ko-civ-separation-of-powers-sa"})
    CHECK(table.find(part) != std::string::npos);
  CHECK(table.find("accuracy") == std::string::npos);
  auto out = json::parse(slurp(report));
  auto input = json::parse(slurp(labelled))["answers"];
  CHECK(out["compared"] == 66);
  REQUIRE(out["items"].size() == input.size());
  size_t agree = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    const auto& item = out["items"][i];
    CHECK(item["index"] == i);
    CHECK(item["human_score"] == input[i]["human_score"]);
    CHECK(item["human_correct"] == input[i]["human_correct"]);
    agree += item["human_correct"] == item["judge_correct"] ? 1 : 0;
  }
  CHECK(out["correct"]["exact_agreement"].get<double>()
        == Approx(static_cast<double>(agree) / 66));
  // The table shows the same figure.
  char shown[32];
  std::snprintf(shown, sizeof(shown), "exact agreement %.1f %%",
                100.0 * static_cast<double>(agree) / 66);
  CHECK(table.find(shown) != std::string::npos);
  CHECK(out["questions"].size() == 12);
  CHECK(out["largest_disagreements"].size() == 10);
  // The input is as it was.
  CHECK(json::parse(slurp(labelled))["answers"] == input);
}

TEST_CASE("grader calibrate refuses a batch without human grades and names "
          "a grade it cannot read",
          "[apps]") {
  judge_run run;
  CHECK(run.grader("calibrate " GRADER_SOURCE_DIR "/examples/mixed.json") == 2);
  CHECK(run.err().find("no item carries a human grade") != std::string::npos);
  auto batch = (run.dir / "bad.jsonl").string();
  write(batch, R"({"user_id": "u", "question_id": "q", )"
               R"("question_type": "short_answer", "user_answer": "a", )"
               R"("correct_keywords": ["a"], "human_score": 80})"
               "\n"
               R"({"user_id": "u", "question_id": "q", )"
               R"("question_type": "short_answer", "user_answer": "b", )"
               R"("correct_keywords": ["a"], "human_score": 101})"
               "\n");
  CHECK(run.grader("calibrate '" + batch + "'") == 0);
  CHECK(run.err().find(": item 1: human_score must be an integer from 0 to "
                       "100, got 101\n")
        != std::string::npos);
  CHECK(run.out().rfind("Agreement with human graders: 1 answers compared (0 "
                        "without a human grade, 1 not scored)",
                        0)
        == 0);
}

TEST_CASE("the calibration report pairs results with human grades by "
          "position",
          "[apps]") {
  batch_request batch;
  human_grades grades(4);
  batch_result result;
  for (uint64_t i = 0; i < 4; ++i) {
    answer x;
    x.index = i;
    x.question_id = i < 2 ? "q1" : "q2";
    x.user_answer = "answer " + std::to_string(i);
    batch.answers.push_back(x);
    score_result r;
    r.index = i;
    r.question_id = x.question_id;
    r.verdict.score = static_cast<int32_t>(20 * i + 30); // 30, 50, 70, 90
    r.verdict.is_correct = r.verdict.score >= 80;
    r.verdict.by = scoring::graded_by::llm;
    r.explanation = "why " + std::to_string(i);
    result.results.push_back(r);
  }
  grades[0].score = 30; // agrees exactly
  grades[1].score = 90; // 40 points apart, verdicts differ
  grades[2].correct = false;
  // grades[3]: none, left out.
  auto x = app::calibrate(batch, grades, result, 10);
  CHECK(x.agreement.compared == 3);
  CHECK(x.without_human_grade == 1);
  REQUIRE(x.items.size() == 3);
  CHECK(x.items[1].user_answer == "answer 1");
  CHECK(x.items[1].reasoning == "why 1");
  // 2 of 3 verdicts agree: 0 (incorrect, incorrect), 2 (incorrect,
  // incorrect); 1 differs (correct, incorrect).
  CHECK(x.agreement.exact_agreement == Approx(2.0 / 3));
  // Scores of 0 and 1 only: |30-30| and |90-50|, mean 20.
  CHECK(x.agreement.score_mean_absolute_error == Approx(20));
  REQUIRE(x.agreement.largest_disagreements.size() == 1);
  CHECK(x.agreement.largest_disagreements[0].position == 1);
  auto doc = json::parse(app::calibration_json(x));
  CHECK(doc["largest_disagreements"][0]["user_answer"] == "answer 1");
  CHECK(doc["largest_disagreements"][0]["human_score"] == 90);
  CHECK(doc["items"][2]["human_score"].is_null());
  CHECK(doc["items"][2]["human_correct"] == false);
  auto table = app::calibration_table(x);
  CHECK(table.find("#1 (q1): human 90 correct, judge 50 incorrect (llm)")
        != std::string::npos);
}
