#include <catch2/catch.hpp>

#include <cmath>

#include "scoring/agreement.hpp"

using namespace grader::scoring;

namespace {

// Every figure below is worked out by hand; only rounding may differ.
Approx near(double x) {
  return Approx(x).epsilon(1e-12).margin(1e-12);
}

graded_pair scored_pair(size_t position, std::string question,
                        int32_t human_score, int32_t judge_score,
                        bool judge_correct) {
  graded_pair p;
  p.position = position;
  p.question_id = std::move(question);
  p.human_score = human_score;
  p.judge_score = judge_score;
  p.judge_correct = judge_correct;
  return p;
}

graded_pair verdict_pair(size_t position, std::string question,
                         bool human_correct, int32_t judge_score,
                         bool judge_correct) {
  graded_pair p;
  p.position = position;
  p.question_id = std::move(question);
  p.human_correct = human_correct;
  p.judge_score = judge_score;
  p.judge_correct = judge_correct;
  return p;
}

} // namespace

TEST_CASE("scores fall into five bands of twenty points", "[scoring]") {
  CHECK(score_band(0) == 0);
  CHECK(score_band(19) == 0);
  CHECK(score_band(20) == 1);
  CHECK(score_band(59) == 2);
  CHECK(score_band(79) == 3);
  CHECK(score_band(80) == 4);
  CHECK(score_band(100) == 4);
  SECTION("scores outside 0..100 are clamped into the end bands") {
    CHECK(score_band(-5) == 0);
    CHECK(score_band(250) == 4);
  }
  SECTION("bands have names") {
    CHECK(band_name(0) == "0-19");
    CHECK(band_name(1) == "20-39");
    CHECK(band_name(2) == "40-59");
    CHECK(band_name(3) == "60-79");
    CHECK(band_name(4) == "80-100");
    CHECK(band_name(5).empty());
    CHECK(band_name(-1).empty());
  }
}

TEST_CASE("cohen kappa discounts the agreement chance would give",
          "[scoring]") {
  SECTION("a 2x2 table with po = 0.7 and pe = 0.5") {
    // Rows the first rater, columns the second:
    //        0  1 | rows
    //   0    4  1 |  5
    //   1    2  3 |  5
    //   cols 6  4 | 10
    // po = (4 + 3) / 10 = 0.7; pe = (5*6 + 5*4) / 100 = 0.5;
    // kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    std::vector<int> a{0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    std::vector<int> b{0, 0, 0, 0, 1, 0, 0, 1, 1, 1};
    auto kappa = cohen_kappa(a, b, 2);
    REQUIRE(kappa);
    CHECK(*kappa == near(0.4));
  }
  SECTION("perfect agreement is 1") {
    auto kappa = cohen_kappa({0, 1, 2, 1}, {0, 1, 2, 1}, 3);
    REQUIRE(kappa);
    CHECK(*kappa == near(1.0));
  }
  SECTION("disagreeing on every item is below chance") {
    // po = 0; pe = (1*1 + 1*1) / 4 = 0.5; kappa = (0 - 0.5) / 0.5 = -1.
    auto kappa = cohen_kappa({0, 1}, {1, 0}, 2);
    REQUIRE(kappa);
    CHECK(*kappa == near(-1.0));
  }
  SECTION("raters who never share a label sit at chance") {
    // po = 0; pe = 3*0 + 0*3 = 0; kappa = 0.
    auto kappa = cohen_kappa({0, 0, 0}, {1, 1, 1}, 2);
    REQUIRE(kappa);
    CHECK(*kappa == near(0.0));
  }
}

TEST_CASE("cohen kappa is undefined without data or variation", "[scoring]") {
  CHECK_FALSE(cohen_kappa({}, {}, 2));
  CHECK_FALSE(cohen_kappa({0, 1}, {0}, 2));
  // A label out of range.
  CHECK_FALSE(cohen_kappa({0, 2}, {0, 1}, 2));
  CHECK_FALSE(cohen_kappa({0, -1}, {0, 1}, 2));
  // Both always say 1: pe = (0*0 + 3*3) / 9 = 1.
  CHECK_FALSE(cohen_kappa({1, 1, 1}, {1, 1, 1}, 2));
}

TEST_CASE("quadratic weighted kappa weighs far disagreements more",
          "[scoring]") {
  SECTION("three categories, six items, cell by cell") {
    // a = 0 0 1 1 2 2, b = 0 1 1 2 2 2. Observed (rows a, columns b):
    //        0  1  2 | rows
    //   0    1  1  0 |  2
    //   1    0  1  1 |  2
    //   2    0  0  2 |  2
    //   cols 1  2  3 |  6
    // Weights (i-j)^2 / (3-1)^2: w01 = w12 = 1/4, w02 = 1.
    // Observed share: (1 * 1/4 + 1 * 1/4) / 6 = 0.5 / 6.
    // Expected cells rows[i] * cols[j] / 6 = {1/3, 2/3, 1} in every row:
    //   row 0: 0 * 1/3 + 1/4 * 2/3 + 1 * 1 = 7/6
    //   row 1: 1/4 * 1/3 + 0 + 1/4 * 1 = 1/3
    //   row 2: 1 * 1/3 + 1/4 * 2/3 + 0 = 1/2
    //   sum 2, share 2 / 6.
    // kappa = 1 - (0.5 / 6) / (2 / 6) = 1 - 0.25 = 0.75.
    auto kappa = quadratic_weighted_kappa({0, 0, 1, 1, 2, 2},
                                          {0, 1, 1, 2, 2, 2}, 3);
    REQUIRE(kappa);
    CHECK(*kappa == near(0.75));
    // Unweighted, the same table: po = 4/6; pe = (2*1 + 2*2 + 2*3) / 36 =
    // 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5: a near miss costs it as much
    // as a far one.
    auto unweighted = cohen_kappa({0, 0, 1, 1, 2, 2}, {0, 1, 1, 2, 2, 2}, 3);
    REQUIRE(unweighted);
    CHECK(*unweighted == near(0.5));
  }
  SECTION("perfect agreement is 1") {
    auto kappa = quadratic_weighted_kappa({0, 2, 4}, {0, 2, 4}, 5);
    REQUIRE(kappa);
    CHECK(*kappa == near(1.0));
  }
  SECTION("it is undefined without data or variation") {
    CHECK_FALSE(quadratic_weighted_kappa({}, {}, 3));
    CHECK_FALSE(quadratic_weighted_kappa({0, 1}, {1}, 3));
    CHECK_FALSE(quadratic_weighted_kappa({0, 3}, {0, 1}, 3));
    // Both always say 2: every expected off-diagonal cell is 0.
    CHECK_FALSE(quadratic_weighted_kappa({2, 2}, {2, 2}, 3));
    // One category: no disagreement can happen.
    CHECK_FALSE(quadratic_weighted_kappa({0, 0}, {0, 0}, 1));
  }
}

TEST_CASE("pearson measures how well two series follow a line", "[scoring]") {
  SECTION("a worked example") {
    // x = 1..5, mean 3: dx = -2 -1 0 1 2. y = 2 4 5 4 5, mean 4:
    // dy = -2 0 1 0 1. sxy = 4 + 0 + 0 + 0 + 2 = 6; sxx = 10;
    // syy = 4 + 0 + 1 + 0 + 1 = 6. r = 6 / sqrt(60) = 0.774597.
    auto r = pearson({1, 2, 3, 4, 5}, {2, 4, 5, 4, 5});
    REQUIRE(r);
    CHECK(*r == near(6 / std::sqrt(60.0)));
    CHECK(*r == Approx(0.7746).margin(5e-5));
  }
  SECTION("a falling line is -1") {
    auto r = pearson({1, 2, 3}, {30, 20, 10});
    REQUIRE(r);
    CHECK(*r == near(-1.0));
  }
  SECTION("it is undefined for fewer than two pairs or zero variance") {
    CHECK_FALSE(pearson({}, {}));
    CHECK_FALSE(pearson({1}, {2}));
    CHECK_FALSE(pearson({1, 2}, {1, 2, 3}));
    CHECK_FALSE(pearson({1, 2, 3}, {4, 4, 4}));
    // Equal values whose floating-point mean is not exactly them.
    CHECK_FALSE(pearson({0.1, 0.1, 0.1}, {1, 2, 3}));
  }
}

TEST_CASE("spearman correlates ranks, ties sharing their mean rank",
          "[scoring]") {
  SECTION("with ties") {
    // x = 1..5 ranks 1..5, mean 3: dx = -2 -1 0 1 2.
    // y = 2 4 5 4 5: 2 is rank 1, the two 4s share (2+3)/2 = 2.5, the two
    // 5s share (4+5)/2 = 4.5: ranks 1 2.5 4.5 2.5 4.5, mean 3,
    // dy = -2 -0.5 1.5 -0.5 1.5.
    // sxy = 4 + 0.5 + 0 - 0.5 + 3 = 7; sxx = 10;
    // syy = 4 + 0.25 + 2.25 + 0.25 + 2.25 = 9. rho = 7 / sqrt(90) = 0.737865.
    auto rho = spearman({1, 2, 3, 4, 5}, {2, 4, 5, 4, 5});
    REQUIRE(rho);
    CHECK(*rho == near(7 / std::sqrt(90.0)));
  }
  SECTION("any rising curve is 1, where pearson is below 1") {
    auto rho = spearman({1, 2, 3, 4}, {1, 4, 9, 16});
    REQUIRE(rho);
    CHECK(*rho == near(1.0));
    auto r = pearson({1, 2, 3, 4}, {1, 4, 9, 16});
    REQUIRE(r);
    CHECK(*r < 0.99);
  }
  SECTION("it is undefined for fewer than two pairs or zero variance") {
    CHECK_FALSE(spearman({}, {}));
    CHECK_FALSE(spearman({3}, {3}));
    CHECK_FALSE(spearman({1, 2}, {1}));
    CHECK_FALSE(spearman({5, 5, 5}, {1, 2, 3}));
  }
}

TEST_CASE("mean absolute error averages the distances", "[scoring]") {
  // |0-5| + |10-10| + |20-10| + |30-50| = 5 + 0 + 10 + 20 = 35; 35 / 4.
  CHECK(mean_absolute_error({0, 10, 20, 30}, {5, 10, 10, 50}) == near(8.75));
  CHECK(mean_absolute_error({}, {}) == 0);
  CHECK(mean_absolute_error({1, 2}, {1}) == 0);
}

TEST_CASE("agreement of nothing has empty tables and no kappas", "[scoring]") {
  auto report = agreement_of({});
  CHECK(report.compared == 0);
  CHECK(report.skipped == 0);
  CHECK(report.with_scores == 0);
  CHECK(report.exact_agreement == 0);
  CHECK_FALSE(report.correct_kappa);
  CHECK(report.correct_confusion == confusion_matrix{{0, 0}, {0, 0}});
  CHECK_FALSE(report.band_kappa);
  CHECK(report.band_confusion
        == confusion_matrix(5, std::vector<uint64_t>(5, 0)));
  CHECK(report.score_mean_absolute_error == 0);
  CHECK_FALSE(report.score_pearson);
  CHECK_FALSE(report.score_spearman);
  CHECK(report.questions.empty());
  CHECK(report.largest_disagreements.empty());
}

TEST_CASE("agreement of human and judge grades fills every figure",
          "[scoring]") {
  // pos  question  human         judge       verdicts (human, judge)
  //  1   q1        70 (derived)  65 false    (0, 0)  distance  5
  //  0   q2        90 (derived)  85 true     (1, 1)  distance  5
  //  2   q1        30 (derived)  10 false    (0, 0)  distance 20
  //  3   q0        - / correct   40 false    (1, 0)  distance 100
  //  4   q1        100 (derived) 100 true    (1, 1)  distance  0
  //  5   q3        75 / correct  75 false    (1, 0)  distance  0
  //  6   q4        - / -         60 false    skipped
  // Listed in the batch out of position order, to show ties go by position.
  auto p5 = scored_pair(5, "q3", 75, 75, false);
  p5.human_correct = true; // overrides 75 < 80
  graded_pair p6;
  p6.position = 6;
  p6.question_id = "q4";
  p6.judge_score = 60;
  std::vector<graded_pair> pairs{
    scored_pair(1, "q1", 70, 65, false),
    scored_pair(0, "q2", 90, 85, true),
    scored_pair(2, "q1", 30, 10, false),
    verdict_pair(3, "q0", true, 40, false),
    scored_pair(4, "q1", 100, 100, true),
    p5,
    p6,
  };
  auto report = agreement_of(pairs);
  SECTION("the pair with no human grade at all is skipped") {
    CHECK(report.compared == 6);
    CHECK(report.skipped == 1);
    CHECK(report.with_scores == 5);
  }
  SECTION("verdicts agree on 4 of 6 pairs, kappa 0.4") {
    CHECK(report.exact_agreement == near(4.0 / 6.0));
    // Rows human, columns judge (0 incorrect, 1 correct):
    //        0  1 | rows
    //   0    2  0 |  2      (positions 1, 2)
    //   1    2  2 |  4      (3, 5 | 0, 4)
    //   cols 4  2 |  6
    // po = 4/6; pe = (2*4 + 4*2) / 36 = 4/9;
    // kappa = (6/9 - 4/9) / (5/9) = 0.4.
    CHECK(report.correct_confusion == confusion_matrix{{2, 0}, {2, 2}});
    REQUIRE(report.correct_kappa);
    CHECK(*report.correct_kappa == near(0.4));
  }
  SECTION("score bands agree but for one near miss, kappa 16/17") {
    // Human bands 3 4 1 4 3, judge bands 3 4 0 4 3 (positions 1 0 2 4 5).
    confusion_matrix bands(5, std::vector<uint64_t>(5, 0));
    bands[1][0] = 1;
    bands[3][3] = 2;
    bands[4][4] = 2;
    CHECK(report.band_confusion == bands);
    // n = 5; observed: (1-0)^2 * 1 = 1, times n = 5.
    // Rows r1 = 1, r3 = 2, r4 = 2; columns c0 = 1, c3 = 2, c4 = 2.
    // Expected sum of (i-j)^2 * r_i * c_j:
    //   i = 1: 1 * (1*1 + 4*2 + 9*2) = 27
    //   i = 3: 2 * (9*1 + 0*2 + 1*2) = 22
    //   i = 4: 2 * (16*1 + 1*2 + 0*2) = 36     total 85.
    // kappa = 1 - 5 / 85 = 16/17 = 0.941176.
    REQUIRE(report.band_kappa);
    CHECK(*report.band_kappa == near(16.0 / 17.0));
  }
  SECTION("scores lie 6 points apart on average and correlate closely") {
    // |70-65| + |90-85| + |30-10| + 0 + 0 = 30; 30 / 5 = 6.
    CHECK(report.score_mean_absolute_error == near(6.0));
    // Human 70 90 30 100 75, mean 73: d = -3 17 -43 27 2.
    // Judge 65 85 10 100 75, mean 67: d = -2 18 -57 33 8.
    // sxy = 6 + 306 + 2451 + 891 + 16 = 3670;
    // sxx = 9 + 289 + 1849 + 729 + 4 = 2880;
    // syy = 4 + 324 + 3249 + 1089 + 64 = 4730;
    // r = 3670 / sqrt(2880 * 4730) = 0.994350.
    REQUIRE(report.score_pearson);
    CHECK(*report.score_pearson == near(3670 / std::sqrt(2880.0 * 4730.0)));
    // Both put the five answers in the same order: rho = 1.
    REQUIRE(report.score_spearman);
    CHECK(*report.score_spearman == near(1.0));
  }
  SECTION("questions are listed in id order") {
    REQUIRE(report.questions.size() == 4);
    const auto& q0 = report.questions[0];
    CHECK(q0.question_id == "q0");
    CHECK(q0.compared == 1);
    CHECK(q0.exact_agreement == near(0.0));
    CHECK_FALSE(q0.score_mean_absolute_error);
    CHECK_FALSE(q0.mean_human_score);
    CHECK(q0.mean_judge_score == near(40.0));
    // q1: positions 1, 2, 4, verdicts all agree.
    const auto& q1 = report.questions[1];
    CHECK(q1.question_id == "q1");
    CHECK(q1.compared == 3);
    CHECK(q1.exact_agreement == near(1.0));
    REQUIRE(q1.score_mean_absolute_error);
    CHECK(*q1.score_mean_absolute_error == near(25.0 / 3.0)); // (5+20+0)/3
    REQUIRE(q1.mean_human_score);
    CHECK(*q1.mean_human_score == near(200.0 / 3.0)); // (70+30+100)/3
    CHECK(q1.mean_judge_score == near(175.0 / 3.0));  // (65+10+100)/3
    const auto& q2 = report.questions[2];
    CHECK(q2.question_id == "q2");
    CHECK(q2.compared == 1);
    CHECK(q2.exact_agreement == near(1.0));
    REQUIRE(q2.score_mean_absolute_error);
    CHECK(*q2.score_mean_absolute_error == near(5.0));
    REQUIRE(q2.mean_human_score);
    CHECK(*q2.mean_human_score == near(90.0));
    CHECK(q2.mean_judge_score == near(85.0));
    const auto& q3 = report.questions[3];
    CHECK(q3.question_id == "q3");
    CHECK(q3.compared == 1);
    CHECK(q3.exact_agreement == near(0.0));
    REQUIRE(q3.score_mean_absolute_error);
    CHECK(*q3.score_mean_absolute_error == near(0.0));
    REQUIRE(q3.mean_human_score);
    CHECK(*q3.mean_human_score == near(75.0));
    CHECK(q3.mean_judge_score == near(75.0));
  }
  SECTION("the largest disagreements come first, ties by position") {
    // Position 4 agrees completely and is left out; position 5 has equal
    // scores but different verdicts and stays in.
    const auto& found = report.largest_disagreements;
    REQUIRE(found.size() == 5);
    CHECK(found[0].position == 3);
    CHECK(found[0].question_id == "q0");
    CHECK_FALSE(found[0].human_score);
    CHECK(found[0].judge_score == 40);
    CHECK(found[0].human_correct);
    CHECK_FALSE(found[0].judge_correct);
    CHECK(found[0].distance == 100);
    CHECK(found[1].position == 2);
    CHECK(found[1].question_id == "q1");
    CHECK(found[1].human_score == 30);
    CHECK(found[1].judge_score == 10);
    CHECK_FALSE(found[1].human_correct);
    CHECK_FALSE(found[1].judge_correct);
    CHECK(found[1].distance == 20);
    CHECK(found[2].position == 0);
    CHECK(found[2].question_id == "q2");
    CHECK(found[2].human_score == 90);
    CHECK(found[2].judge_score == 85);
    CHECK(found[2].human_correct);
    CHECK(found[2].judge_correct);
    CHECK(found[2].distance == 5);
    CHECK(found[3].position == 1);
    CHECK(found[3].distance == 5);
    CHECK(found[4].position == 5);
    CHECK(found[4].question_id == "q3");
    CHECK(found[4].human_score == 75);
    CHECK(found[4].judge_score == 75);
    CHECK(found[4].human_correct);
    CHECK_FALSE(found[4].judge_correct);
    CHECK(found[4].distance == 0);
  }
  SECTION("the list stops at the number asked for") {
    auto top = agreement_of(pairs, 2).largest_disagreements;
    REQUIRE(top.size() == 2);
    CHECK(top[0].position == 3);
    CHECK(top[1].position == 2);
    CHECK(agreement_of(pairs, 0).largest_disagreements.empty());
  }
}
