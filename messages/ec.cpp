#include "messages/ec.hpp"

#include <limits>

namespace grader {

std::string to_string(ec x) {
  switch (x) {
    case ec::none:
      return "none";
    case ec::invalid_answer:
      return "invalid_answer";
    case ec::malformed_item:
      return "malformed_item";
    case ec::unreadable_input:
      return "unreadable_input";
    case ec::invalid_batch:
      return "invalid_batch";
    case ec::scorer_crashed:
      return "scorer_crashed";
    case ec::cancelled:
      return "cancelled";
    case ec::llm_unavailable:
      return "llm_unavailable";
    case ec::llm_refused:
      return "llm_refused";
    case ec::llm_budget_spent:
      return "llm_budget_spent";
    case ec::journal_failed:
      return "journal_failed";
    case ec::node_lost:
      return "node_lost";
    case ec::node_stopping:
      return "node_stopping";
    case ec::llm_cost_limit:
      return "llm_cost_limit";
  }
  return "unknown_error";
}

std::optional<ec> parse_ec(std::string_view name) {
  // Codes are numbered without gaps (append, never renumber), so the first
  // value without a name of its own ends the list.
  for (unsigned i = 0; i <= std::numeric_limits<uint8_t>::max(); ++i) {
    auto x = static_cast<ec>(i);
    auto x_name = to_string(x);
    if (x_name == "unknown_error")
      break;
    if (x_name == name)
      return x;
  }
  return std::nullopt;
}

} // namespace grader
