#include "messages/error.hpp"

#include <caf/message.hpp>

namespace grader {

std::string error_text(const caf::error& err) {
  const auto& context = err.context();
  if (context.match_elements<std::string>())
    return context.get_as<std::string>(0);
  return caf::to_string(err);
}

} // namespace grader
