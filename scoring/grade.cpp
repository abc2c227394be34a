#include "scoring/grade.hpp"

namespace grader::scoring {

std::string_view to_string(graded_by x) {
  switch (x) {
    case graded_by::rules:
      return "rules";
    case graded_by::llm:
      return "llm";
    case graded_by::fallback:
      return "fallback";
  }
  // Only reachable through a value cast from an out-of-range integer.
  return "unknown";
}

} // namespace grader::scoring
