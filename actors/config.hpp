#pragma once

#include <chrono>
#include <cstdint>

namespace grader {

/// Settings of a scoring service. Plain values with the defaults of
/// DESIGN.md; only apps/ turns command-line options into one. A batch may
/// override the per-batch ones through its batch_options.
struct config {
  /// Time one answer may take, all its calls included, before it gets a
  /// fallback result.
  std::chrono::milliseconds answer_timeout{45'000};
  /// Time a whole batch may take; unfinished answers then get fallback
  /// results and the reply goes out at once.
  std::chrono::milliseconds deadline{120'000};
  /// Most scorers alive at once per batch. Spawning one actor per answer of
  /// a large batch all at once is quadratic in CAF 0.17's scheduler, and a
  /// window also bounds memory; it is kept wider than the LLM concurrency
  /// so the LLM stays busy.
  uint32_t max_live_scorers = 256;
  /// Whether every answer gets an explanation.
  bool explain = true;
};

} // namespace grader
