#pragma once

#include "scoring/judge_settings.hpp"

namespace grader {

using scoring::judge_settings;

} // namespace grader

namespace grader::scoring {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, judge_settings& x) {
  return f(x.model, x.temperature, x.seeded, x.seed, x.prompt_version,
           x.samples, x.reducer, x.max_spread);
}

} // namespace grader::scoring
