#include "scoring/answer.hpp"

namespace grader::scoring {

std::string_view to_string(question_type x) {
  switch (x) {
    case question_type::multiple_choice:
      return "multiple_choice";
    case question_type::true_false:
      return "true_false";
    case question_type::short_answer:
      return "short_answer";
  }
  // Only reachable through a value cast from an out-of-range integer.
  return "unknown";
}

std::optional<question_type> parse_question_type(std::string_view name) {
  for (auto x : {question_type::multiple_choice, question_type::true_false,
                 question_type::short_answer}) {
    if (name == to_string(x))
      return x;
  }
  return std::nullopt;
}

} // namespace grader::scoring
