#pragma once

#include "scoring/call_limits.hpp"

namespace grader {

using scoring::call_limits;

} // namespace grader

namespace grader::scoring {

// The type belongs to scoring/ (call_groups keeps it), so its inspect
// overload lives in that namespace for CAF to find it.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, call_limits& x) {
  return f(x.max_in_flight, x.requests_per_minute, x.tokens_per_minute);
}

} // namespace grader::scoring
