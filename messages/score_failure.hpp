#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "messages/answer.hpp"
#include "messages/ec.hpp"

namespace grader {

/// An answer that could not be scored, and why.
struct score_failure {
  /// Position of the answer in the batch.
  uint64_t index = 0;
  std::string answer_id;
  std::string question_id;
  std::string user_id;
  ec code = ec::none;
  /// Says what went wrong and, for bad input, which field.
  std::string message;

  friend bool operator==(const score_failure& x, const score_failure& y) {
    return x.index == y.index && x.answer_id == y.answer_id
           && x.question_id == y.question_id && x.user_id == y.user_id
           && x.code == y.code && x.message == y.message;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, score_failure& x) {
  return f(x.index, x.answer_id, x.question_id, x.user_id, x.code, x.message);
}

/// The failure of answer `x` with `code`, at its position.
inline score_failure failure_of(const answer& x, ec code, std::string message) {
  return score_failure{x.index,   x.answer_id, x.question_id,
                       x.user_id, code,        std::move(message)};
}

} // namespace grader
