#include "scoring/call_place.hpp"

namespace grader::scoring {

std::string_view to_string(batch_priority x) {
  switch (x) {
    case batch_priority::interactive:
      return "interactive";
    case batch_priority::bulk:
      return "bulk";
  }
  return "interactive";
}

std::optional<batch_priority> parse_batch_priority(std::string_view name) {
  for (auto x : {batch_priority::interactive, batch_priority::bulk})
    if (name == to_string(x))
      return x;
  return std::nullopt;
}

} // namespace grader::scoring
