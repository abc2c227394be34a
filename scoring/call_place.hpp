#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace grader::scoring {

/// How urgent a batch is: interactive batches (a quiz a student waits for)
/// have their LLM calls admitted before those of bulk ones (a night run).
enum class batch_priority : uint8_t {
  interactive,
  bulk,
};

/// The wire name of a priority (`"interactive"`, `"bulk"`).
std::string_view to_string(batch_priority x);

/// Reads a wire name; nothing when it names no priority.
std::optional<batch_priority> parse_batch_priority(std::string_view name);

/// Where an LLM call waits for admission: the batch its answer belongs to,
/// that batch's priority, and its answer's ticket, which the coordinator
/// hands out as it starts the batch's answers. Calls are admitted by
/// priority, then round-robin across batches, then oldest ticket first, so
/// that an answer whose first call came back gets its second call before a
/// newer answer's first. It also says how long the answer can wait.
struct call_place {
  /// Tells the batches of one gateway apart.
  uint64_t batch = 0;
  /// Order in which the batch's answers started; lower is older.
  uint64_t ticket = 0;
  batch_priority priority = batch_priority::interactive;
  /// How long the answer can still wait for the reply, from when the call
  /// reaches the gateway (its timeout, or what is left before the batch
  /// deadline); 0: as long as the service's answer timeout. A Retry-After
  /// longer than this fails the call at once.
  uint32_t patience_ms = 0;
  /// The batches whose calls share one call_limits (see call_groups); 0:
  /// none.
  uint64_t group = 0;

  friend bool operator==(const call_place& x, const call_place& y) {
    return x.batch == y.batch && x.ticket == y.ticket
           && x.priority == y.priority && x.patience_ms == y.patience_ms
           && x.group == y.group;
  }
};

} // namespace grader::scoring
