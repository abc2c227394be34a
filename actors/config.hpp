#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include <caf/actor.hpp>

#include "scoring/answer_limits.hpp"
#include "scoring/judge_settings.hpp"
#include "scoring/structured_output.hpp"
#include "scoring/token_prices.hpp"

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
  /// Most scorers alive at once per batch; 0 means the LLM concurrency
  /// (see live_scorer_window). Spawning one actor per answer of
  /// a large batch all at once is quadratic in CAF 0.17's scheduler, and a
  /// window also bounds memory.
  uint32_t max_live_scorers = 0;
  /// Whether every answer gets an explanation.
  bool explain = true;
  /// The largest answer the service scores; a larger one is invalid.
  scoring::answer_limits answer_limits;

  // -- the LLM gateway (one per service) -------------------------------------

  /// Most LLM calls in flight at once.
  uint32_t max_in_flight = 64;
  /// Requests per minute; 0 for no limit.
  uint32_t requests_per_minute = 0;
  /// Tokens (prompt and completion, estimated before the call) per minute;
  /// 0 for no limit.
  uint32_t tokens_per_minute = 0;
  /// The sliding window the two limits above count in: a minute, as
  /// providers count; shorter only to test the limits quickly.
  std::chrono::milliseconds rate_window{60'000};
  /// Extra attempts for a call that failed transiently.
  uint32_t retries = 3;
  /// Time one LLM call may take.
  std::chrono::milliseconds llm_timeout{20'000};
  /// First backoff step; each retry doubles it (with full jitter), up to
  /// `max_backoff`.
  std::chrono::milliseconds base_backoff{250};
  std::chrono::milliseconds max_backoff{10'000};
  /// Different calls failing transiently in a row (the retries of one call
  /// count once) after which the gateway stops calling for
  /// `circuit_cooldown`; queued work waits.
  uint32_t circuit_threshold = 8;
  std::chrono::milliseconds circuit_cooldown{5'000};
  /// Tokens (prompt and completion) after which no new LLM call is made,
  /// so the remaining answers fall back; 0 for no budget.
  uint64_t token_budget = 0;
  /// What the endpoint charges per million tokens: the batch metrics then
  /// estimate the cost.
  scoring::token_prices prices;
  /// Estimated cost (at `prices`) after which no new LLM call is made, like
  /// the token budget; 0 for no limit.
  double max_cost = 0;
  /// Which response_format score calls go with (--structured): `auto`
  /// steps down when the endpoint refuses one.
  scoring::structured_output structured;
  /// Replies kept for identical requests (same prompt): identical answers to
  /// the same question get the same grade for one call.
  uint32_t cache_entries = 4096;
  /// Whether to write the operator log on stderr (see actors/log.hpp).
  bool verbose = false;
  /// Whether the service writes a line on stderr as a client on another
  /// node comes and goes (`grader node`), verbose or not.
  bool log_clients = false;
  /// Where those lines find the address a client connects from: the
  /// middleman actor of CAF's network layer, which answers `get_atom` and a
  /// node id with its host and port. Without it a client is named by its
  /// node id.
  caf::actor client_directory;
  /// What judges answers, for the batch metrics; the service fills it in
  /// from its backend.
  std::string llm_name;
  /// The temperature and seed the scorers put on every call, the samples
  /// they take, and with the model and the prompt version what the batch
  /// metrics record. The service fills in the prompt version, and the model
  /// from its backend when it is empty.
  scoring::judge_settings judge;
};

/// The most scorers a batch keeps alive under `settings`: its
/// `max_live_scorers` when set, else the in-flight limit, at most 8192. A
/// scorer has at most one LLM call in flight, so as many scorers keep the
/// limit full. A scorer more would only wait in the gateway's queue, and
/// take the slot an answer frees between its score call and its
/// explanation call: that answer then waits a turn, the answers drift out
/// of step, and the batch ends with half the slots idle while the other
/// half make a last round of calls. Measured on 10,000 answers at 1,000 in
/// flight: 4.21 s with the limit, 4.25 s with 8 more, 4.33 s with an eighth
/// more (p50 answer latency 404 ms against 448 ms).
inline uint32_t live_scorer_window(const config& settings) {
  if (settings.max_live_scorers > 0)
    return settings.max_live_scorers;
  return std::clamp<uint32_t>(settings.max_in_flight, 1, 8192);
}

} // namespace grader
