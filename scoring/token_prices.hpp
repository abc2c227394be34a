#pragma once

#include <cstdint>
#include <string>

namespace grader::scoring {

/// What an LLM endpoint charges, per million tokens, in whatever currency
/// the operator quotes it (--price-prompt, --price-completion). Both 0:
/// not priced, and no cost is estimated.
struct token_prices {
  double prompt_per_million = 0;
  double completion_per_million = 0;

  bool priced() const {
    return prompt_per_million > 0 || completion_per_million > 0;
  }

  friend bool operator==(const token_prices& x, const token_prices& y) {
    return x.prompt_per_million == y.prompt_per_million
           && x.completion_per_million == y.completion_per_million;
  }
};

/// The estimated cost of `prompt_tokens` and `completion_tokens` at
/// `prices`: an estimate, since a provider may count and round otherwise.
double cost_of(const token_prices& prices, uint64_t prompt_tokens,
               uint64_t completion_tokens);

/// A cost for people to read: six significant digits, no trailing zeros
/// (`0.0123`, `12.5`), whole units from 100,000 on.
std::string cost_text(double cost);

} // namespace grader::scoring
