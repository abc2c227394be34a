#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/rubric.hpp"

namespace grader::scoring {

/// The kinds of question grader knows how to score.
enum class question_type : uint8_t {
  multiple_choice,
  true_false,
  short_answer,
};

/// The wire name of a question type (`"multiple_choice"`, ...).
std::string_view to_string(question_type x);

/// Reads a wire name; nothing when the name is not a known question type.
std::optional<question_type> parse_question_type(std::string_view name);

/// One student's answer to one question, as the platform sends it.
struct answer {
  /// Position of the answer in its batch, counting the items that could not
  /// be read as answers too: the batch reader numbers the items of the input
  /// from 0. A batch scored in parts (resumed, retried, or split across
  /// nodes) keeps the positions of the whole.
  uint64_t index = 0;
  /// Caller's own identifier of this answer; empty when not given.
  std::string answer_id;
  std::string user_id;
  std::string question_id;
  question_type type = question_type::multiple_choice;
  /// What the student wrote or chose; may be blank (scored 0).
  std::string user_answer;
  /// The expected choice (multiple choice) or truth value (true/false).
  std::string correct_answer;
  /// Keywords a good short answer mentions (short answer only).
  std::vector<std::string> correct_keywords;
  /// Question difficulty from 1 to 10; 0 when not given.
  int32_t difficulty = 0;
  /// Free-form category of the question; empty when not given.
  std::string category;
  /// A model answer the judge compares a short answer with; may be empty.
  std::string reference_answer;
  /// The criteria a short answer is scored on, one score each; empty: the
  /// judge gives one score.
  std::vector<rubric_criterion> rubric;

  friend bool operator==(const answer& x, const answer& y) {
    return x.index == y.index && x.answer_id == y.answer_id
           && x.user_id == y.user_id && x.question_id == y.question_id
           && x.type == y.type && x.user_answer == y.user_answer
           && x.correct_answer == y.correct_answer
           && x.correct_keywords == y.correct_keywords
           && x.difficulty == y.difficulty && x.category == y.category
           && x.reference_answer == y.reference_answer && x.rubric == y.rubric;
  }
};

} // namespace grader::scoring
