#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include "messages/score_failure.hpp"
#include "messages/score_result.hpp"

namespace grader {

/// What became of one answer of a batch: scored, or failed with a reason.
/// The coordinator settles each answer with one, the progress listeners and
/// the journal receive it, and a batch result is built from them.
using answer_outcome = std::variant<score_result, score_failure>;

/// The position in its batch of the answer `x` is about.
inline uint64_t index_of(const answer_outcome& x) {
  return std::visit([](const auto& y) { return y.index; }, x);
}

/// The CAF inspector of an outcome: a flag saying which one it is, then the
/// outcome. CAF 0.17 knows its own variant only, so std::variant gets this
/// overload, found by argument-dependent lookup in namespace grader.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, answer_outcome& x) {
  if constexpr (Inspector::reads_state) {
    // Saving: serializers and CAF's to_string.
    bool scored = std::holds_alternative<score_result>(x);
    if (scored)
      return f(scored, std::get<score_result>(x));
    return f(scored, std::get<score_failure>(x));
  } else {
    // Loading: deserializers, whose result_type is caf::error.
    bool scored = false;
    if (auto err = f(scored))
      return err;
    if (scored) {
      score_result result;
      if (auto err = f(result))
        return err;
      x = std::move(result);
    } else {
      score_failure failure;
      if (auto err = f(failure))
        return err;
      x = std::move(failure);
    }
    return {};
  }
}

} // namespace grader
