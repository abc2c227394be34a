#include "scoring/validation.hpp"

#include <utility>

#include "scoring/normalize.hpp"
#include "scoring/rules.hpp"

namespace grader::scoring {

namespace {

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

  std::vector<std::string> release() { return std::move(problems_); }

private:
  std::vector<std::string> problems_;
};

bool needs_correct_answer(question_type x) {
  return x == question_type::multiple_choice || x == question_type::true_false;
}

void check_correct_answer(const answer& x, problem_list& problems) {
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

void check_keywords(const answer& x, problem_list& problems) {
  auto is_short_answer = x.type == question_type::short_answer;
  if (is_short_answer && x.correct_keywords.empty())
    problems.add("correct_keywords", "required for short_answer");
  for (size_t i = 0; i < x.correct_keywords.size(); ++i) {
    auto field = "correct_keywords[" + std::to_string(i) + "]";
    const auto& keyword = x.correct_keywords[i];
    // Other question types ignore keywords, so only their encoding matters.
    if (is_short_answer)
      problems.check_not_blank(field, keyword);
    else
      problems.check_utf8(field, keyword);
  }
}

} // namespace

std::vector<std::string> validate(const answer& x) {
  problem_list problems;
  problems.check_utf8("answer_id", x.answer_id);
  problems.check_not_blank("user_id", x.user_id);
  problems.check_not_blank("question_id", x.question_id);
  problems.check_utf8("user_answer", x.user_answer);
  check_correct_answer(x, problems);
  check_keywords(x, problems);
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
