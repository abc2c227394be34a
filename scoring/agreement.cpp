#include "scoring/agreement.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>
#include <utility>

namespace grader::scoring {

namespace {

// The confusion matrix of two raters' labels; nothing for empty inputs,
// inputs of different sizes, or a label outside 0..categories-1.
std::optional<confusion_matrix>
tabulate(const std::vector<int>& a, const std::vector<int>& b, int categories) {
  if (a.empty() || a.size() != b.size() || categories < 1)
    return std::nullopt;
  auto k = static_cast<size_t>(categories);
  confusion_matrix table(k, std::vector<uint64_t>(k, 0));
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] < 0 || a[i] >= categories || b[i] < 0 || b[i] >= categories)
      return std::nullopt;
    ++table[static_cast<size_t>(a[i])][static_cast<size_t>(b[i])];
  }
  return table;
}

// Row sums (first rater) and column sums (second rater) of a square table.
std::pair<std::vector<uint64_t>, std::vector<uint64_t>>
margins(const confusion_matrix& table) {
  std::vector<uint64_t> rows(table.size(), 0);
  std::vector<uint64_t> cols(table.size(), 0);
  for (size_t i = 0; i < table.size(); ++i)
    for (size_t j = 0; j < table.size(); ++j) {
      rows[i] += table[i][j];
      cols[j] += table[i][j];
    }
  return {rows, cols};
}

bool all_equal(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; });
}

// 1-based ranks of `v`; tied values share the mean of the ranks they span.
std::vector<double> average_ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return v[x] < v[y]; });
  std::vector<double> ranks(v.size());
  size_t first = 0;
  while (first < order.size()) {
    auto last = first;
    while (last + 1 < order.size() && v[order[last + 1]] == v[order[first]])
      ++last;
    // Positions first..last hold ranks first+1..last+1.
    auto rank = static_cast<double>(first + last) / 2.0 + 1.0;
    for (auto i = first; i <= last; ++i)
      ranks[order[i]] = rank;
    first = last + 1;
  }
  return ranks;
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0)
         / static_cast<double>(v.size());
}

// What agreement_of adds up for one question.
struct question_tally {
  uint64_t compared = 0;
  uint64_t agreed = 0;
  uint64_t with_scores = 0;
  int64_t human_sum = 0;
  int64_t judge_sum = 0;
  int64_t distance_sum = 0;
};

} // namespace

int score_band(int32_t score) {
  auto clamped = std::clamp<int32_t>(score, 0, 100);
  return std::min(clamped / 20, score_band_count - 1);
}

std::string band_name(int band) {
  switch (band) {
    case 0:
      return "0-19";
    case 1:
      return "20-39";
    case 2:
      return "40-59";
    case 3:
      return "60-79";
    case 4:
      return "80-100";
    default:
      return {};
  }
}

namespace {

// Kappa as one minus the disagreement observed over the disagreement
// expected by chance, each pair of categories weighted by `weight`:
// kappa = 1 - sum(w * observed / n) / sum(w * rows[i] * cols[j] / n^2).
// Multiplied by n^2, both sums are whole numbers, so a chance disagreement
// of 0 (kappa undefined) is tested exactly.
std::optional<double> weighted_kappa(const std::vector<int>& a,
                                     const std::vector<int>& b, int categories,
                                     uint64_t (*weight)(size_t, size_t)) {
  auto table = tabulate(a, b, categories);
  if (!table)
    return std::nullopt;
  auto [rows, cols] = margins(*table);
  auto n = static_cast<uint64_t>(a.size());
  uint64_t observed = 0;
  uint64_t expected = 0;
  for (size_t i = 0; i < table->size(); ++i)
    for (size_t j = 0; j < table->size(); ++j) {
      observed += weight(i, j) * (*table)[i][j];
      expected += weight(i, j) * rows[i] * cols[j];
    }
  if (expected == 0)
    return std::nullopt;
  return 1.0
         - static_cast<double>(n * observed) / static_cast<double>(expected);
}

} // namespace

std::optional<double> cohen_kappa(const std::vector<int>& a,
                                  const std::vector<int>& b, int categories) {
  // Every disagreement counts alike: (po - pe) / (1 - pe).
  return weighted_kappa(a, b, categories,
                        [](size_t i, size_t j) { return uint64_t{i != j}; });
}

std::optional<double> quadratic_weighted_kappa(const std::vector<int>& a,
                                               const std::vector<int>& b,
                                               int categories) {
  // Weights (i-j)^2 / (k-1)^2: the (k-1)^2 cancels.
  return weighted_kappa(a, b, categories, [](size_t i, size_t j) {
    auto d = static_cast<uint64_t>(i > j ? i - j : j - i);
    return d * d;
  });
}

std::optional<double> pearson(const std::vector<double>& x,
                              const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2)
    return std::nullopt;
  // Compared exactly: a mean of equal values need not equal them in floating
  // point, which would leave a tiny, meaningless variance.
  if (all_equal(x) || all_equal(y))
    return std::nullopt;
  auto mx = mean(x);
  auto my = mean(y);
  double sxy = 0;
  double sxx = 0;
  double syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    auto dx = x[i] - mx;
    auto dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx <= 0 || syy <= 0)
    return std::nullopt;
  // Rounding may step just past +-1.
  return std::clamp(sxy / (std::sqrt(sxx) * std::sqrt(syy)), -1.0, 1.0);
}

std::optional<double> spearman(const std::vector<double>& x,
                               const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 2)
    return std::nullopt;
  return pearson(average_ranks(x), average_ranks(y));
}

double mean_absolute_error(const std::vector<double>& x,
                           const std::vector<double>& y) {
  if (x.empty() || x.size() != y.size())
    return 0;
  double sum = 0;
  for (size_t i = 0; i < x.size(); ++i)
    sum += std::abs(x[i] - y[i]);
  return sum / static_cast<double>(x.size());
}

agreement_report agreement_of(const std::vector<graded_pair>& pairs,
                              size_t largest) {
  agreement_report report;
  report.correct_confusion.assign(2, std::vector<uint64_t>(2, 0));
  auto bands = static_cast<size_t>(score_band_count);
  report.band_confusion.assign(bands, std::vector<uint64_t>(bands, 0));
  std::vector<int> human_verdicts;
  std::vector<int> judge_verdicts;
  std::vector<int> human_bands;
  std::vector<int> judge_bands;
  std::vector<double> human_scores;
  std::vector<double> judge_scores;
  std::map<std::string, question_tally> questions;
  std::vector<disagreement> differing;
  uint64_t agreed = 0;
  // Tally pair by pair.
  for (const auto& p : pairs) {
    if (!p.human_correct && !p.human_score) {
      ++report.skipped;
      continue;
    }
    auto human_correct = p.human_correct ? *p.human_correct
                                         : *p.human_score >= correct_threshold;
    auto same_verdict = human_correct == p.judge_correct;
    ++report.compared;
    if (same_verdict)
      ++agreed;
    human_verdicts.push_back(human_correct ? 1 : 0);
    judge_verdicts.push_back(p.judge_correct ? 1 : 0);
    ++report.correct_confusion[human_correct ? 1 : 0][p.judge_correct ? 1 : 0];
    auto& q = questions[p.question_id];
    ++q.compared;
    if (same_verdict)
      ++q.agreed;
    q.judge_sum += p.judge_score;
    int64_t distance = same_verdict ? 0 : 100;
    if (p.human_score) {
      auto human = *p.human_score;
      distance = std::abs(int64_t{human} - int64_t{p.judge_score});
      ++report.with_scores;
      human_scores.push_back(human);
      judge_scores.push_back(p.judge_score);
      human_bands.push_back(score_band(human));
      judge_bands.push_back(score_band(p.judge_score));
      ++report.band_confusion[static_cast<size_t>(human_bands.back())]
                             [static_cast<size_t>(judge_bands.back())];
      ++q.with_scores;
      q.human_sum += human;
      q.distance_sum += distance;
    }
    if (distance > 0 || !same_verdict)
      differing.push_back(disagreement{p.position, p.question_id, p.human_score,
                                       p.judge_score, human_correct,
                                       p.judge_correct, distance});
  }
  // Whole-set figures.
  if (report.compared > 0)
    report.exact_agreement = static_cast<double>(agreed)
                             / static_cast<double>(report.compared);
  report.correct_kappa = cohen_kappa(human_verdicts, judge_verdicts, 2);
  report.band_kappa = quadratic_weighted_kappa(human_bands, judge_bands,
                                               score_band_count);
  report.score_mean_absolute_error = mean_absolute_error(human_scores,
                                                         judge_scores);
  report.score_pearson = pearson(human_scores, judge_scores);
  report.score_spearman = spearman(human_scores, judge_scores);
  // Per question, in the map's (sorted) order.
  for (const auto& [id, q] : questions) {
    question_agreement entry;
    entry.question_id = id;
    entry.compared = q.compared;
    auto compared = static_cast<double>(q.compared);
    entry.exact_agreement = static_cast<double>(q.agreed) / compared;
    entry.mean_judge_score = static_cast<double>(q.judge_sum) / compared;
    if (q.with_scores > 0) {
      auto scored = static_cast<double>(q.with_scores);
      entry.score_mean_absolute_error = static_cast<double>(q.distance_sum)
                                        / scored;
      entry.mean_human_score = static_cast<double>(q.human_sum) / scored;
    }
    report.questions.push_back(std::move(entry));
  }
  // The largest disagreements.
  std::stable_sort(differing.begin(), differing.end(),
                   [](const disagreement& x, const disagreement& y) {
                     if (x.distance != y.distance)
                       return x.distance > y.distance;
                     return x.position < y.position;
                   });
  if (differing.size() > largest)
    differing.resize(largest);
  report.largest_disagreements = std::move(differing);
  return report;
}

} // namespace grader::scoring
