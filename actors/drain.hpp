#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <caf/typed_response_promise.hpp>

namespace grader {

/// How an entry actor (the scoring service, a node pool) stops on
/// `drain_atom`: from then on it takes no new batch, and it replies, with
/// how many there were, once the batches under way have ended.
class drain {
public:
  /// Whether a drain began: new batches are refused.
  bool started() const {
    return reply_.has_value();
  }

  /// Begins the drain of `self`, which has `running` batches under way, or
  /// joins the one begun; the reply to the drain_atom request.
  template <class Self>
  caf::typed_response_promise<uint64_t> begin(Self* self, size_t running) {
    if (!reply_) {
      reply_ = self->template make_response_promise<uint64_t>();
      batches_ = running;
    }
    auto reply = *reply_;
    if (running == 0)
      reply.deliver(batches_);
    return reply;
  }

  /// A batch ended and `running` are still under way.
  void batch_ended(size_t running) {
    if (reply_ && running == 0)
      reply_->deliver(batches_);
  }

private:
  std::optional<caf::typed_response_promise<uint64_t>> reply_;
  uint64_t batches_ = 0;
};

} // namespace grader
