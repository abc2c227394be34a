#include "scoring/structured_output.hpp"

namespace grader::scoring {

std::string_view to_string(response_format x) {
  switch (x) {
    case response_format::text:
      return "off";
    case response_format::json_object:
      return "json_object";
    case response_format::json_schema:
      return "json_schema";
  }
  // Only reachable through a value cast from an out-of-range integer.
  return "unknown";
}

std::optional<response_format> parse_response_format(std::string_view name) {
  for (auto x : {response_format::text, response_format::json_object,
                 response_format::json_schema})
    if (name == to_string(x))
      return x;
  return std::nullopt;
}

std::optional<structured_output>
structured_output::parse(std::string_view name) {
  if (name == "auto")
    return structured_output{};
  if (auto most = parse_response_format(name))
    return structured_output{*most};
  return std::nullopt;
}

bool structured_output::refused(response_format refused) {
  if (!stepping_ || refused == response_format::text)
    return false;
  // Calls sent before an earlier refusal stepped down come back refused
  // too: they go again at the format already stepped to.
  if (refused == level_)
    level_ = static_cast<response_format>(static_cast<uint8_t>(refused) - 1);
  return true;
}

} // namespace grader::scoring
