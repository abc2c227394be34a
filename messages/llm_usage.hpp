#pragma once

#include <cstdint>
#include <string>

#include "messages/chat.hpp"

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
  /// The response_formats score replies were asked with, a bit
  /// (1 << format) each; 0 when no score call was answered.
  uint8_t score_formats = 0;
  /// Why the score calls' format stepped down, when one of these calls
  /// made it (see gateway_reply::format_note); of several steps, the last,
  /// which tells the earlier ones too.
  std::string format_note;

  /// Records the format of a score reply, and the note of a step down.
  void note_score_format(response_format format, const std::string& note) {
    score_formats |= static_cast<uint8_t>(1u << static_cast<unsigned>(format));
    keep_last_step(note);
  }

  /// Adds up the counters; keeps the first error.
  llm_usage& operator+=(const llm_usage& other) {
    calls += other.calls;
    retries += other.retries;
    prompt_tokens += other.prompt_tokens;
    completion_tokens += other.completion_tokens;
    if (error.empty())
      error = other.error;
    score_formats |= other.score_formats;
    keep_last_step(other.format_note);
    return *this;
  }

  // A later step's note holds the earlier ones: it is the longer.
  void keep_last_step(const std::string& note) {
    if (note.size() > format_note.size())
      format_note = note;
  }

  friend bool operator==(const llm_usage& x, const llm_usage& y) {
    return x.calls == y.calls && x.retries == y.retries
           && x.prompt_tokens == y.prompt_tokens
           && x.completion_tokens == y.completion_tokens && x.error == y.error
           && x.score_formats == y.score_formats
           && x.format_note == y.format_note;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, llm_usage& x) {
  return f(x.calls, x.retries, x.prompt_tokens, x.completion_tokens, x.error,
           x.score_formats, x.format_note);
}

} // namespace grader
