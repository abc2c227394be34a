#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace grader {

/// grader's own error codes. They travel inside `caf::error` (category
/// "grader", see messages/error.hpp) and name a failed answer's `error.code`
/// in the batch result. Values are part of the wire format between nodes:
/// append, never renumber.
enum class ec : uint8_t {
  /// Not an error.
  none = 0,
  /// The answer is missing a field or holds a value it cannot be scored with.
  invalid_answer,
  /// An item of the input could not be read as an answer at all.
  malformed_item,
  /// The input as a whole could not be read (not JSON, not a batch).
  unreadable_input,
  /// A batch request contradicts itself (rejected items at impossible or
  /// repeated positions).
  invalid_batch,
  /// The scorer of this answer stopped without a result.
  scorer_crashed,
  /// The batch was cancelled before this answer was scored.
  cancelled,
  /// The LLM endpoint could not be reached or kept failing, retries spent.
  llm_unavailable,
  /// The LLM endpoint refused the request: credentials, model or request.
  llm_refused,
  /// The token budget is spent: no new LLM calls.
  llm_budget_spent,
  /// The journal of a batch cannot be opened or written.
  journal_failed,
  /// Every node that could score the answer was lost (died, hung, or did
  /// not reply by the deadline).
  node_lost,
  /// The service takes no new batch: it is shutting down (a client gives
  /// the batch to another node).
  node_stopping,
  /// The cost limit is reached: no new LLM calls.
  llm_cost_limit,
};

/// The wire name of an error code (`"invalid_answer"`, ...).
std::string to_string(ec x);

/// Reads a wire name back (`"invalid_answer"` -> ec::invalid_answer);
/// nothing when no code has that name.
std::optional<ec> parse_ec(std::string_view name);

} // namespace grader
