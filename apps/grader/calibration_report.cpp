#include "apps/grader/calibration_report.hpp"

#include <cstdio>
#include <map>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "messages/judge_settings_json.hpp"
#include "scoring/display_text.hpp"
#include "scoring/grade.hpp"
#include "scoring/json_text.hpp"

namespace grader::app {

namespace {

using ordered_json = nlohmann::ordered_json;

std::string format(const char* spec, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), spec, value);
  return text;
}

// A figure that may be undefined (a kappa when one rater used one label).
std::string figure(const std::optional<double>& x) {
  return x ? format("%.3f", *x) : std::string{"n/a"};
}

std::string percent(double fraction) {
  return format("%.1f %%", 100.0 * fraction);
}

std::string padded(std::string text, size_t width, bool right = false) {
  // Pads by display columns: a CJK character counts as two, as terminals
  // show it; other characters as one.
  size_t columns = 0;
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    columns += length >= 3 ? 2 : 1;
    i += length;
  }
  if (columns >= width)
    return text;
  std::string pad(width - columns, ' ');
  return right ? pad + text : text + pad;
}

std::string verdict(bool correct) {
  return correct ? "correct" : "incorrect";
}

std::string human_text(const scoring::human_grade& x, bool correct) {
  return (x.score ? std::to_string(*x.score) + " " : std::string{})
         + verdict(correct);
}

ordered_json optional_number(const std::optional<double>& x) {
  return x ? ordered_json(*x) : ordered_json(nullptr);
}

ordered_json matrix(const scoring::confusion_matrix& x) {
  auto rows = ordered_json::array();
  for (const auto& row : x)
    rows.push_back(row);
  return rows;
}

} // namespace

calibration calibrate(const batch_request& batch, const human_grades& grades,
                      const batch_result& result, size_t largest) {
  calibration out;
  out.llm = result.metrics.llm;
  out.judge = result.metrics.judge;
  std::map<uint64_t, const answer*> by_index;
  for (const auto& x : batch.answers)
    by_index.emplace(x.index, &x);
  std::vector<scoring::graded_pair> pairs;
  for (const auto& r : result.results) {
    auto human = r.index < grades.size() ? grades[r.index]
                                         : scoring::human_grade{};
    if (!human.given()) {
      ++out.without_human_grade;
      continue;
    }
    calibration_item item;
    item.index = r.index;
    item.answer_id = r.answer_id;
    item.question_id = r.question_id;
    if (auto i = by_index.find(r.index); i != by_index.end())
      item.user_answer = i->second->user_answer;
    item.human = human;
    item.judge_score = r.verdict.score;
    item.judge_correct = r.verdict.is_correct;
    item.graded_by = std::string{to_string(r.verdict.by)};
    item.reasoning = r.explanation;
    pairs.push_back({r.question_id, human.score, human.correct, r.verdict.score,
                     r.verdict.is_correct, static_cast<size_t>(r.index)});
    out.items.push_back(std::move(item));
  }
  out.not_scored = result.failures.size();
  out.agreement = scoring::agreement_of(pairs, largest);
  return out;
}

std::string calibration_table(const calibration& x) {
  const auto& a = x.agreement;
  std::string out;
  auto line = [&out](const std::string& text) { out += text + '\n'; };
  line("Agreement with human graders: " + std::to_string(a.compared)
       + " answers compared (" + std::to_string(x.without_human_grade)
       + " without a human grade, " + std::to_string(x.not_scored)
       + " not scored); judged by " + scoring::escape_for_display(x.llm, 120));
  line("");
  line("correct/incorrect (a score of "
       + std::to_string(scoring::correct_threshold)
       + " or more is correct): exact agreement " + percent(a.exact_agreement)
       + ", Cohen's kappa " + figure(a.correct_kappa));
  line("  " + padded("human \\ judge", 16) + padded("incorrect", 11, true)
       + padded("correct", 9, true));
  for (size_t row = 0; row < 2; ++row)
    line("  " + padded(verdict(row == 1), 16)
         + padded(std::to_string(a.correct_confusion[row][0]), 11, true)
         + padded(std::to_string(a.correct_confusion[row][1]), 9, true));
  line("");
  line("score bands (" + std::to_string(a.with_scores)
       + " answers with a human score): quadratic weighted kappa "
       + figure(a.band_kappa));
  std::string header = "  " + padded("human \\ judge", 16);
  for (int band = 0; band < scoring::score_band_count; ++band)
    header += padded(scoring::band_name(band), 8, true);
  line(header);
  for (int row = 0; row < scoring::score_band_count; ++row) {
    std::string text = "  " + padded(scoring::band_name(row), 16);
    for (int column = 0; column < scoring::score_band_count; ++column)
      text += padded(std::to_string(a.band_confusion[row][column]), 8, true);
    line(text);
  }
  line("");
  line("scores: mean absolute error "
       + format("%.1f", a.score_mean_absolute_error) + " points, Pearson "
       + figure(a.score_pearson) + ", Spearman " + figure(a.score_spearman));
  line("");
  line("per question");
  line("  " + padded("question", 34) + padded("answers", 8, true)
       + padded("agreement", 11, true) + padded("MAE", 7, true)
       + padded("human", 7, true) + padded("judge", 7, true));
  for (const auto& q : a.questions) {
    auto mean = [](const std::optional<double>& v) {
      return v ? format("%.1f", *v) : std::string{"-"};
    };
    line("  " + padded(scoring::escape_for_display(q.question_id, 32), 34)
         + padded(std::to_string(q.compared), 8, true)
         + padded(percent(q.exact_agreement), 11, true)
         + padded(mean(q.score_mean_absolute_error), 7, true)
         + padded(mean(q.mean_human_score), 7, true)
         + padded(format("%.1f", q.mean_judge_score), 7, true));
  }
  if (!a.largest_disagreements.empty()) {
    line("");
    line("largest disagreements");
    std::map<uint64_t, const calibration_item*> by_index;
    for (const auto& item : x.items)
      by_index.emplace(item.index, &item);
    for (const auto& d : a.largest_disagreements) {
      const auto* item = by_index.at(d.position);
      auto name = item->answer_id.empty()
                    ? "#" + std::to_string(d.position)
                    : scoring::escape_for_display(item->answer_id, 40);
      line("  " + name + " ("
           + scoring::escape_for_display(item->question_id, 40) + "): human "
           + human_text(item->human, d.human_correct) + ", judge "
           + std::to_string(d.judge_score) + " " + verdict(d.judge_correct)
           + " (" + item->graded_by + ")");
      line("    answer: "
           + scoring::escape_for_display(item->user_answer, 160));
      if (!item->reasoning.empty())
        line("    judge:  "
             + scoring::escape_for_display(item->reasoning, 240));
    }
  }
  return out;
}

std::string calibration_json(const calibration& x) {
  const auto& a = x.agreement;
  ordered_json out;
  out["compared"] = a.compared;
  out["without_human_grade"] = x.without_human_grade;
  out["not_scored"] = x.not_scored;
  out["llm"] = x.llm;
  if (!x.judge.prompt_version.empty()) {
    std::string judge;
    scoring::json_text writer{judge, -1};
    write_judge_settings(writer, x.judge);
    out["judge"] = ordered_json::parse(judge);
  }
  ordered_json correct;
  correct["threshold"] = scoring::correct_threshold;
  correct["exact_agreement"] = a.exact_agreement;
  correct["cohen_kappa"] = optional_number(a.correct_kappa);
  correct["confusion"] = {{"rows", "human"},
                          {"columns", "judge"},
                          {"labels", {"incorrect", "correct"}},
                          {"counts", matrix(a.correct_confusion)}};
  out["correct"] = std::move(correct);
  ordered_json bands;
  auto names = ordered_json::array();
  for (int band = 0; band < scoring::score_band_count; ++band)
    names.push_back(scoring::band_name(band));
  bands["compared"] = a.with_scores;
  bands["quadratic_weighted_kappa"] = optional_number(a.band_kappa);
  bands["confusion"] = {{"rows", "human"},
                        {"columns", "judge"},
                        {"labels", names},
                        {"counts", matrix(a.band_confusion)}};
  out["score_bands"] = std::move(bands);
  out["scores"] = {{"mean_absolute_error", a.score_mean_absolute_error},
                   {"pearson", optional_number(a.score_pearson)},
                   {"spearman", optional_number(a.score_spearman)}};
  auto questions = ordered_json::array();
  for (const auto& q : a.questions)
    questions.push_back(
      {{"question_id", q.question_id},
       {"compared", q.compared},
       {"exact_agreement", q.exact_agreement},
       {"mean_absolute_error", optional_number(q.score_mean_absolute_error)},
       {"mean_human_score", optional_number(q.mean_human_score)},
       {"mean_judge_score", q.mean_judge_score}});
  out["questions"] = std::move(questions);
  auto item_json = [](const calibration_item& item) {
    ordered_json y;
    y["index"] = item.index;
    if (!item.answer_id.empty())
      y["answer_id"] = item.answer_id;
    y["question_id"] = item.question_id;
    y["human_score"] = item.human.score ? ordered_json(*item.human.score)
                                        : ordered_json(nullptr);
    y["human_correct"] = item.human.correct ? ordered_json(*item.human.correct)
                                            : ordered_json(nullptr);
    y["judge_score"] = item.judge_score;
    y["judge_correct"] = item.judge_correct;
    y["graded_by"] = item.graded_by;
    return y;
  };
  std::map<uint64_t, const calibration_item*> by_index;
  for (const auto& item : x.items)
    by_index.emplace(item.index, &item);
  auto largest = ordered_json::array();
  for (const auto& d : a.largest_disagreements) {
    const auto& item = *by_index.at(d.position);
    auto y = item_json(item);
    y["distance"] = d.distance;
    y["user_answer"] = item.user_answer;
    y["reasoning"] = item.reasoning;
    largest.push_back(std::move(y));
  }
  out["largest_disagreements"] = std::move(largest);
  auto items = ordered_json::array();
  for (const auto& item : x.items)
    items.push_back(item_json(item));
  out["items"] = std::move(items);
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
         + '\n';
}

} // namespace grader::app
