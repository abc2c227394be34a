#include "messages/error.hpp"

#include <caf/message.hpp>

namespace grader {

std::string error_text(const caf::error& err) {
  const auto& context = err.context();
  if (context.match_elements<std::string>()
      || context.match_elements<std::string, uint32_t>())
    return context.get_as<std::string>(0);
  return caf::to_string(err);
}

caf::error make_llm_error(ec code, std::string text, uint32_t retries) {
  return caf::make_error(code, std::move(text), retries);
}

uint32_t retries_of(const caf::error& err) {
  const auto& context = err.context();
  if (context.match_elements<std::string, uint32_t>())
    return context.get_as<uint32_t>(1);
  return 0;
}

} // namespace grader
