#include "scoring/grade.hpp"

#include <algorithm>

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

bool is_review_reason(std::string_view name) {
  using namespace review_reasons;
  for (const char* known :
       {samples_disagree, keywords_absent, fallback_used, reply_retried,
        token_budget, cost_limit, ambiguous_reply, not_graded})
    if (name == known)
      return true;
  return false;
}

void flag_for_review(grade& x, const char* reason) {
  x.needs_review = true;
  if (std::find(x.review_reasons.begin(), x.review_reasons.end(), reason)
      == x.review_reasons.end())
    x.review_reasons.emplace_back(reason);
}

} // namespace grader::scoring
