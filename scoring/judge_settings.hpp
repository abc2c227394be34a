#pragma once

#include <cstdint>
#include <string>

namespace grader::scoring {

/// What decides the grade an LLM gives a prompt, apart from the prompt's
/// data: the model, its sampling settings and the version of grader's
/// prompt templates. Every call of a run carries the temperature and the
/// seed; a result records all of it, so that a run can be repeated, and so
/// that a resumed or retried run does not mix grades of different judges.
struct judge_settings {
  /// The model asked ("gpt-4o-mini"), or "built-in judge".
  std::string model;
  double temperature = 0;
  /// Whether calls carry `seed` (OpenAI's best-effort determinism).
  bool seeded = false;
  uint64_t seed = 0;
  /// Changes whenever a prompt template does (see prompt_version).
  std::string prompt_version;

  friend bool operator==(const judge_settings& x, const judge_settings& y) {
    return x.model == y.model && x.temperature == y.temperature
           && x.seeded == y.seeded && (!x.seeded || x.seed == y.seed)
           && x.prompt_version == y.prompt_version;
  }
};

/// How `now` differs from `earlier`, a part per setting, for a message:
/// `temperature 0.7 (was 0), seed none (was 42)`. Empty when they agree.
std::string judge_settings_difference(const judge_settings& earlier,
                                      const judge_settings& now);

} // namespace grader::scoring
