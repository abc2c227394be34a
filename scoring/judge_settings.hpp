#pragma once

#include <cstdint>
#include <string>

#include "scoring/chat.hpp"
#include "scoring/score_samples.hpp"

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
  /// Score calls per short answer, each with its own seed (see
  /// apply_judge_settings), and how their scores become one.
  uint32_t samples = 1;
  score_reducer reducer = score_reducer::median;
  /// The most points the samples may lie apart before the grade needs
  /// review.
  int32_t max_spread = 20;

  friend bool operator==(const judge_settings& x, const judge_settings& y) {
    return x.model == y.model && x.temperature == y.temperature
           && x.seeded == y.seeded && (!x.seeded || x.seed == y.seed)
           && x.prompt_version == y.prompt_version && x.samples == y.samples
           && x.reducer == y.reducer && x.max_spread == y.max_spread;
  }
};

/// Puts the temperature and the seed of `judge` on `request`, the call of
/// sample `sample` (0 for a call that is not a sample). Each sample has its
/// own seed, the seed given plus the sample (from 0 without one), so that
/// the samples are independent and each has its own cache entry; a call
/// is unseeded only when no seed was given and there is one sample.
void apply_judge_settings(chat_request& request, const judge_settings& judge,
                          uint32_t sample = 0);

/// How `now` differs from `earlier`, a part per setting, for a message:
/// `temperature 0.7 (was 0), seed none (was 42)`. Empty when they agree.
std::string judge_settings_difference(const judge_settings& earlier,
                                      const judge_settings& now);

} // namespace grader::scoring
