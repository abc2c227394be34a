#pragma once

#include <cstdint>
#include <string>

namespace grader {

/// What scoring one answer (or a whole batch) cost in LLM calls.
struct llm_usage {
  /// Calls made, retries not counted.
  uint64_t calls = 0;
  /// Extra attempts after transient failures.
  uint64_t retries = 0;
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;
  /// The first LLM error met, if any: what made an answer fall back.
  std::string error;

  /// Adds up the counters; keeps the first error.
  llm_usage& operator+=(const llm_usage& other) {
    calls += other.calls;
    retries += other.retries;
    prompt_tokens += other.prompt_tokens;
    completion_tokens += other.completion_tokens;
    if (error.empty())
      error = other.error;
    return *this;
  }

  friend bool operator==(const llm_usage& x, const llm_usage& y) {
    return x.calls == y.calls && x.retries == y.retries
           && x.prompt_tokens == y.prompt_tokens
           && x.completion_tokens == y.completion_tokens && x.error == y.error;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_usage& x) {
  return f(x.calls, x.retries, x.prompt_tokens, x.completion_tokens, x.error);
}

} // namespace grader
