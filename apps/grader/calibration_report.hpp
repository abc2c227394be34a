#pragma once

// What `grader calibrate` reports: how the judge's grades agree with the
// human grades a labelled batch carries, as a table and as JSON.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "messages/batch_reader.hpp"
#include "messages/batch_request.hpp"
#include "messages/batch_result.hpp"
#include "scoring/agreement.hpp"
#include "scoring/human_grade.hpp"

namespace grader::app {

/// One answer graded by a person and by the judge.
struct calibration_item {
  uint64_t index = 0;
  std::string answer_id;
  std::string question_id;
  std::string user_answer;
  scoring::human_grade human;
  int32_t judge_score = 0;
  bool judge_correct = false;
  /// "llm", "rules" or "fallback".
  std::string graded_by;
  /// Why the judge gave its score: the answer's explanation.
  std::string reasoning;
};

/// A calibration run: the agreement, and every answer it was computed over.
struct calibration {
  scoring::agreement_report agreement;
  /// The scored answers with a human grade, in input order.
  std::vector<calibration_item> items;
  /// Scored answers without a human grade, left out.
  uint64_t without_human_grade = 0;
  /// Items that were not scored (unreadable, invalid, failed), left out.
  uint64_t not_scored = 0;
  /// What judged the answers, from the result's metrics.
  std::string llm;
  judge_settings judge;
};

/// Pairs the results of `batch` with the human grades read with it.
calibration calibrate(const batch_request& batch, const human_grades& grades,
                      const batch_result& result, size_t largest);

/// The report for people: agreement on correct/incorrect and on score
/// bands, score correlations, the confusion matrices, agreement per
/// question and the largest disagreements with both grades, the answer and
/// the judge's reasoning (student text escaped and clipped).
std::string calibration_table(const calibration& x);

/// The same as one JSON document, with every item's two grades.
std::string calibration_json(const calibration& x);

} // namespace grader::app
