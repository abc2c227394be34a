#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// correct_threshold (80) lives in grade.hpp; agreement uses that one rather
// than a second definition, so a human score and a judge score count as
// correct on the same terms.
#include "scoring/grade.hpp"

namespace grader::scoring {

/// How many score bands quadratic weighted kappa compares: 0-19, 20-39,
/// 40-59, 60-79 and 80-100, so that near misses count less than far ones.
constexpr int score_band_count = 5;

/// The band of a score, from 0 (0-19) to 4 (80-100); the score is clamped to
/// 0..100 first, so a stray value still lands in an end band.
int score_band(int32_t score);

/// The label of a band for a report ("0-19", ..., "80-100"); empty for a
/// band outside 0..score_band_count-1.
std::string band_name(int band);

/// A table of how two raters labelled the same items: `[i][j]` counts the
/// items the first rater (the human) put in category i and the second (the
/// judge) in category j. Diagonal cells are agreements.
using confusion_matrix = std::vector<std::vector<uint64_t>>;

/// Cohen's kappa of two raters' labels (0..categories-1, item by item):
/// their agreement beyond what chance alone would give, (po - pe) / (1 - pe),
/// from 1 (always agree) through 0 (chance) to below 0. Nothing when the
/// inputs are empty, of different sizes or hold a label out of range, or
/// when both raters always use one and the same label (pe = 1: undefined).
std::optional<double> cohen_kappa(const std::vector<int>& a,
                                  const std::vector<int>& b, int categories);

/// Quadratic weighted kappa of two raters' ordered labels
/// (0..categories-1): like Cohen's kappa, but a disagreement of i against j
/// weighs (i-j)^2 / (k-1)^2, so being one band off costs little and being
/// far off costs much. Nothing in the same cases as cohen_kappa, that is
/// whenever the chance-expected weighted disagreement is 0.
std::optional<double> quadratic_weighted_kappa(const std::vector<int>& a,
                                               const std::vector<int>& b,
                                               int categories);

/// Pearson's correlation of x[i] with y[i]: how well one follows the other
/// along a straight line, from -1 to 1. Nothing for different sizes, fewer
/// than 2 pairs, or a side whose values are all equal (zero variance). The
/// values hold no NaN.
std::optional<double> pearson(const std::vector<double>& x,
                              const std::vector<double>& y);

/// Spearman's rank correlation: Pearson's of the ranks, so it asks only
/// whether the two orders agree. Tied values share the mean of the ranks
/// they span. Nothing in the same cases as pearson. The values hold no NaN.
std::optional<double> spearman(const std::vector<double>& x,
                               const std::vector<double>& y);

/// The mean of |x[i] - y[i]|: how many points apart the two lie on
/// average. 0 for empty inputs or inputs of different sizes.
double mean_absolute_error(const std::vector<double>& x,
                           const std::vector<double>& y);

/// One answer graded both by a person and by the automated judge.
struct graded_pair {
  std::string question_id;
  /// The person's score, 0 to 100; when absent the pair counts only for
  /// the correct/incorrect figures.
  std::optional<int32_t> human_score;
  /// The person's verdict; when absent, human_score >= correct_threshold.
  /// A pair with neither is skipped.
  std::optional<bool> human_correct;
  int32_t judge_score = 0;
  bool judge_correct = false;
  /// The answer's place in its batch, so a caller can find its texts.
  size_t position = 0;
};

/// How a person and the judge agree on the answers of one question.
struct question_agreement {
  std::string question_id;
  /// The pairs of this question that were compared.
  uint64_t compared = 0;
  /// The fraction of them with the same correct/incorrect verdict.
  double exact_agreement = 0;
  /// Over the pairs with a human score; nothing when none has one.
  std::optional<double> score_mean_absolute_error;
  /// Over the pairs with a human score; nothing when none has one.
  std::optional<double> mean_human_score;
  /// Over all compared pairs of the question, with or without a human
  /// score.
  double mean_judge_score = 0;
};

/// One pair on which the person and the judge differ, for a reviewer to
/// look at first.
struct disagreement {
  size_t position = 0;
  std::string question_id;
  std::optional<int32_t> human_score;
  int32_t judge_score = 0;
  /// As given, or derived from human_score.
  bool human_correct = false;
  bool judge_correct = false;
  /// What the pair ranks by: |human_score - judge_score|; without a human
  /// score, 100 (the verdicts differ; otherwise the pair is not listed).
  int64_t distance = 0;
};

/// How well the judge's grades agree with a person's over a set of pairs.
/// Fractions and means are 0, and optional figures nothing, when there is
/// nothing to compute them over.
struct agreement_report {
  /// Pairs compared: all but the skipped ones.
  uint64_t compared = 0;
  /// Pairs with neither a human score nor a human verdict, left out.
  uint64_t skipped = 0;
  /// Compared pairs with a human score; the score figures cover these.
  uint64_t with_scores = 0;
  /// The fraction of compared pairs with the same correct/incorrect
  /// verdict.
  double exact_agreement = 0;
  /// Cohen's kappa of the verdicts (0 incorrect, 1 correct).
  std::optional<double> correct_kappa;
  /// 2x2, rows the person's verdict, columns the judge's; index 0 is
  /// incorrect, 1 correct. Always 2x2, zeros when nothing was compared.
  confusion_matrix correct_confusion;
  /// Quadratic weighted kappa of the score bands (score_band).
  std::optional<double> band_kappa;
  /// 5x5, rows the person's band, columns the judge's. Always 5x5.
  confusion_matrix band_confusion;
  double score_mean_absolute_error = 0;
  std::optional<double> score_pearson;
  std::optional<double> score_spearman;
  /// One entry per question with a compared pair, sorted by question id
  /// (byte order).
  std::vector<question_agreement> questions;
  /// The pairs that differ most, largest distance first, ties by position.
  /// A pair with a human score ranks by how many points apart the scores
  /// are; one without ranks as 100. A pair that agrees completely (same
  /// verdict, and same score or no human score) is not listed, so the list
  /// may be shorter than asked.
  std::vector<disagreement> largest_disagreements;
};

/// Compares a person's grades with the judge's over `pairs`, keeping up to
/// `largest` of the largest disagreements for review.
agreement_report agreement_of(const std::vector<graded_pair>& pairs,
                              size_t largest = 10);

} // namespace grader::scoring
