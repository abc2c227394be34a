#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>

#include "scoring/chat.hpp"

namespace grader::net {

/// Why a chat call produced no reply, sorted by what the caller should do.
struct chat_failure {
  enum class kind : uint8_t {
    /// Worth retrying: timeouts, resets, refused connections, 408, 429,
    /// 5xx, an unreadable body.
    transient,
    /// The endpoint refused the credentials (401, 403).
    auth,
    /// No such model or path (404).
    not_found,
    /// The endpoint rejected the request itself (400 and other 4xx).
    bad_request,
    /// The endpoint rejected the request's `response_format`: a 4xx whose
    /// body names it (`response_format`, `json_schema`, `json_object`). The
    /// same request may do without.
    format_refused,
    /// Retrying cannot help: a bad URL, an unknown host, a TLS failure.
    config,
  };

  kind what = kind::transient;
  /// The HTTP status, 0 when there was no response.
  unsigned status = 0;
  /// How long the endpoint asked us to wait (`Retry-After`), 0 if it did
  /// not say.
  std::chrono::milliseconds retry_after{0};
  /// What happened, for people; never contains the API key.
  std::string message;
};

/// The name of a failure kind (`"transient"`, ...).
std::string_view to_string(chat_failure::kind x);

/// A reply, or why there is none.
using chat_outcome = std::variant<scoring::chat_reply, chat_failure>;

/// Something that answers chat-completions requests: an OpenAI-compatible
/// endpoint over HTTP, or the built-in judge in this process. The LLM
/// gateway actor owns one and knows nothing of transports.
class chat_backend {
public:
  virtual ~chat_backend() = default;

  /// Sends one request; calls `done` exactly once, from any thread (the
  /// caller turns it into a message to an actor).
  virtual void complete(const scoring::chat_request& request,
                        std::chrono::milliseconds timeout,
                        std::function<void(chat_outcome)> done)
    = 0;

  /// What answers, for metrics and logs: "built-in judge", or the base URL
  /// and model. Never contains the API key, the URL's query or a control
  /// character.
  virtual std::string description() const = 0;
};

} // namespace grader::net
