#include "messages/ec.hpp"

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
  }
  return "unknown_error";
}

} // namespace grader
