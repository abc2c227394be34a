#pragma once

#include "scoring/call_place.hpp"

namespace grader {

using scoring::batch_priority;
using scoring::call_place;

} // namespace grader

namespace grader::scoring {

// The type belongs to scoring/ (the admission queue orders by it), so its
// inspect overload lives in that namespace for CAF to find it.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_place& x) {
  return f(x.batch, x.ticket, x.priority, x.patience_ms, x.group);
}

} // namespace grader::scoring
