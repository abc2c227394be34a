#pragma once

#include <cstdint>
#include <string>

#include "messages/answer.hpp"
#include "messages/call_place.hpp"

namespace grader {

/// One answer handed to a scorer by its batch coordinator.
struct scoring_task {
  std::string session_id;
  answer item;
  /// Whether the scorer writes an explanation.
  bool explain = true;
  /// Time the answer may take; the scorer then falls back to rules with
  /// what it has. 0 for no limit of its own.
  uint32_t timeout_ms = 0;
  /// Whether that time is what is left before the batch deadline rather
  /// than the answer's own timeout (the fallback reason differs).
  bool timeout_is_deadline = false;
  /// Where the answer's LLM calls wait for admission: its batch, and its
  /// ticket in the order the batch's answers started.
  call_place place;

  friend bool operator==(const scoring_task& x, const scoring_task& y) {
    return x.session_id == y.session_id && x.item == y.item
           && x.explain == y.explain && x.timeout_ms == y.timeout_ms
           && x.timeout_is_deadline == y.timeout_is_deadline
           && x.place == y.place;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, scoring_task& x) {
  return f(x.session_id, x.item, x.explain, x.timeout_ms, x.timeout_is_deadline,
           x.place);
}

} // namespace grader
