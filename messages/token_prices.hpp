#pragma once

#include "scoring/token_prices.hpp"

namespace grader {

using scoring::token_prices;

} // namespace grader

namespace grader::scoring {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_prices& x) {
  return f(x.prompt_per_million, x.completion_per_million);
}

} // namespace grader::scoring
