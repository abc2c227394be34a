#pragma once

#include <cstdint>
#include <string>

#include "messages/judge_settings.hpp"
#include "messages/token_prices.hpp"

namespace grader {

/// How a batch ran: time, LLM use and answer latencies.
struct batch_metrics {
  /// From the coordinator receiving the batch to its reply.
  uint64_t wall_ms = 0;
  uint64_t llm_calls = 0;
  uint64_t llm_retries = 0;
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;
  /// Answer latency percentiles, from spawning its scorer to its result.
  uint64_t p50_ms = 0;
  uint64_t p95_ms = 0;
  uint64_t max_ms = 0;
  /// What judged the answers: "built-in judge", or the model and URL.
  std::string llm;
  /// The first LLM error of the batch, empty when there was none.
  std::string llm_error;
  /// The model, temperature, seed and prompt version the answers were
  /// judged with; an empty prompt version in an output written before
  /// grader recorded them.
  judge_settings judge;
  /// The weakest response_format the score calls were answered with
  /// ("json_schema", "json_object", "off"); empty when no score call was.
  std::string structured_output;
  /// Why it is weaker than asked: the endpoint refused a stronger one.
  std::string structured_output_note;
  /// The prices the cost is estimated at; not priced: no cost.
  token_prices prices;
  /// The estimated cost of the tokens above at `prices`.
  double cost = 0;

  friend bool operator==(const batch_metrics& x, const batch_metrics& y) {
    return x.wall_ms == y.wall_ms && x.llm_calls == y.llm_calls
           && x.llm_retries == y.llm_retries
           && x.prompt_tokens == y.prompt_tokens
           && x.completion_tokens == y.completion_tokens && x.p50_ms == y.p50_ms
           && x.p95_ms == y.p95_ms && x.max_ms == y.max_ms && x.llm == y.llm
           && x.llm_error == y.llm_error && x.judge == y.judge
           && x.structured_output == y.structured_output
           && x.structured_output_note == y.structured_output_note
           && x.prices == y.prices && x.cost == y.cost;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_metrics& x) {
  return f(x.wall_ms, x.llm_calls, x.llm_retries, x.prompt_tokens,
           x.completion_tokens, x.p50_ms, x.p95_ms, x.max_ms, x.llm,
           x.llm_error, x.judge, x.structured_output, x.structured_output_note,
           x.prices, x.cost);
}

} // namespace grader
