#include "scoring/validation.hpp"

#include <string>
#include <utility>

#include "scoring/normalize.hpp"
#include "scoring/rules.hpp"

namespace grader::scoring {

namespace {

// "1 byte", "2 bytes".
std::string count_of(size_t n, std::string_view one, std::string_view many) {
  auto result = std::to_string(n);
  result += ' ';
  result += n == 1 ? one : many;
  return result;
}

// Ends a message about a size: the limit and the option that raises it.
std::string over_the_limit(size_t limit, std::string_view option) {
  std::string result = "over the limit of " + std::to_string(limit) + " (";
  result += option;
  result += ')';
  return result;
}

// Collects the problems of one answer in field order.
class problem_list {
public:
  void add(std::string_view field, std::string_view problem) {
    std::string message(field);
    message += ' ';
    message += problem;
    problems_.push_back(std::move(message));
  }

  // Reports invalid UTF-8 and returns whether `text` was valid.
  bool check_utf8(std::string_view field, std::string_view text) {
    if (is_valid_utf8(text))
      return true;
    add(field, "is not valid UTF-8");
    return false;
  }

  // Reports invalid UTF-8, or else a blank `text`.
  void check_not_blank(std::string_view field, std::string_view text) {
    if (check_utf8(field, text) && normalize(text).empty())
      add(field, "must not be blank");
  }

  // Reports a `text` longer than `limit` bytes and returns whether it fit.
  bool check_size(std::string_view field, std::string_view text, size_t limit,
                  std::string_view option) {
    if (text.size() <= limit)
      return true;
    add(field, "is " + count_of(text.size(), "byte", "bytes") + ", "
                 + over_the_limit(limit, option));
    return false;
  }

  // Reports `count` entries over `limit` and returns whether they fit.
  bool check_count(std::string_view field, size_t count, size_t limit,
                   std::string_view option) {
    if (count <= limit)
      return true;
    add(field, "has " + count_of(count, "entry", "entries") + ", "
                 + over_the_limit(limit, option));
    return false;
  }

  std::vector<std::string> release() {
    return std::move(problems_);
  }

private:
  std::vector<std::string> problems_;
};

bool needs_correct_answer(question_type x) {
  return x == question_type::multiple_choice || x == question_type::true_false;
}

void check_correct_answer(const answer& x, const answer_limits& limits,
                          problem_list& problems) {
  if (!problems.check_size("correct_answer", x.correct_answer,
                           limits.max_correct_answer_bytes,
                           "--max-correct-answer-bytes"))
    return;
  if (!problems.check_utf8("correct_answer", x.correct_answer))
    return;
  if (!needs_correct_answer(x.type))
    return;
  if (normalize(x.correct_answer).empty()) {
    problems.add("correct_answer",
                 "required for " + std::string(to_string(x.type)));
    return;
  }
  if (x.type == question_type::true_false
      && !parse_truth_value(x.correct_answer))
    problems.add("correct_answer", "must be a truth value for true_false, got '"
                                     + x.correct_answer + "'");
}

void check_keywords(const answer& x, const answer_limits& limits,
                    problem_list& problems) {
  auto is_short_answer = x.type == question_type::short_answer;
  if (is_short_answer && x.correct_keywords.empty())
    problems.add("correct_keywords", "required for short_answer");
  // Too many keywords get one message, not one per keyword.
  if (!problems.check_count("correct_keywords", x.correct_keywords.size(),
                            limits.max_keywords, "--max-keywords"))
    return;
  for (size_t i = 0; i < x.correct_keywords.size(); ++i) {
    auto field = "correct_keywords[" + std::to_string(i) + "]";
    const auto& keyword = x.correct_keywords[i];
    if (!problems.check_size(field, keyword, limits.max_keyword_bytes,
                             "--max-keyword-bytes"))
      continue;
    // Other question types ignore keywords, so only their encoding matters.
    if (is_short_answer)
      problems.check_not_blank(field, keyword);
    else
      problems.check_utf8(field, keyword);
  }
}

// The most criteria of one rubric: a rubric that long is a list of
// keywords, and each criterion costs its share of the prompt.
constexpr size_t max_rubric_criteria = 20;

void check_rubric(const answer& x, const answer_limits& limits,
                  problem_list& problems) {
  if (problems.check_size("reference_answer", x.reference_answer,
                          limits.max_correct_answer_bytes,
                          "--max-correct-answer-bytes"))
    problems.check_utf8("reference_answer", x.reference_answer);
  if (x.rubric.empty())
    return;
  if (x.type != question_type::short_answer) {
    problems.add("rubric", "is only for short_answer");
    return;
  }
  if (x.rubric.size() > max_rubric_criteria) {
    problems.add("rubric", "has " + std::to_string(x.rubric.size())
                             + " criteria, more than "
                             + std::to_string(max_rubric_criteria));
    return;
  }
  for (size_t i = 0; i < x.rubric.size(); ++i) {
    auto field = "rubric[" + std::to_string(i) + "]";
    const auto& item = x.rubric[i];
    if (problems.check_size(field + ".criterion", item.criterion,
                            limits.max_correct_answer_bytes,
                            "--max-correct-answer-bytes"))
      problems.check_not_blank(field + ".criterion", item.criterion);
    if (item.points < 1 || item.points > 100)
      problems.add(field + ".points",
                   "must be from 1 to 100, got " + std::to_string(item.points));
  }
}

} // namespace

std::vector<std::string> validate(const answer& x,
                                  const answer_limits& limits) {
  problem_list problems;
  problems.check_utf8("answer_id", x.answer_id);
  problems.check_not_blank("user_id", x.user_id);
  problems.check_not_blank("question_id", x.question_id);
  if (problems.check_size("user_answer", x.user_answer, limits.max_answer_bytes,
                          "--max-answer-bytes"))
    problems.check_utf8("user_answer", x.user_answer);
  check_correct_answer(x, limits, problems);
  check_keywords(x, limits, problems);
  check_rubric(x, limits, problems);
  if (x.difficulty != 0 && (x.difficulty < 1 || x.difficulty > 10))
    problems.add("difficulty",
                 "must be from 1 to 10, got " + std::to_string(x.difficulty));
  problems.check_utf8("category", x.category);
  return problems.release();
}

std::string join_problems(const std::vector<std::string>& problems) {
  std::string result;
  for (size_t i = 0; i < problems.size(); ++i) {
    if (i > 0)
      result += "; ";
    result += problems[i];
  }
  return result;
}

} // namespace grader::scoring
