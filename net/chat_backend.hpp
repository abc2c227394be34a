#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "net/http_client.hpp"
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

/// Where and how to reach an OpenAI-compatible endpoint.
struct openai_settings {
  /// Up to and including the version path, e.g. `http://127.0.0.1:8080/v1`,
  /// maybe with a query, as Azure OpenAI's
  /// `https://host/openai/deployments/x?api-version=2024-06-01`; requests
  /// go to `{base_url}/chat/completions`, the path joined before the query.
  std::string base_url;
  std::string model = "gpt-4o-mini";
  /// Sent as `Authorization: Bearer ...` when not empty.
  std::string api_key;
};

/// A backend that POSTs to `{base_url}/chat/completions` through an
/// http_client built from `http_options`, and maps HTTP errors to failure
/// kinds.
std::unique_ptr<chat_backend>
make_openai_backend(openai_settings settings, http_client_options http_options);

/// The built-in judge answering in this process, without a network: the
/// default when no LLM URL is configured. Replies arrive at once.
std::unique_ptr<chat_backend> make_builtin_judge_backend();

} // namespace grader::net
