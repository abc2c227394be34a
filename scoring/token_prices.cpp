#include "scoring/token_prices.hpp"

#include <cstdio>

namespace grader::scoring {

double cost_of(const token_prices& prices, uint64_t prompt_tokens,
               uint64_t completion_tokens) {
  return (static_cast<double>(prompt_tokens) * prices.prompt_per_million
          + static_cast<double>(completion_tokens)
              * prices.completion_per_million)
         / 1e6;
}

std::string cost_text(double cost) {
  char text[32];
  // %g turns a million into 1e+06: whole units are precise enough there.
  std::snprintf(text, sizeof(text), cost >= 1e5 ? "%.0f" : "%.6g", cost);
  return text;
}

} // namespace grader::scoring
