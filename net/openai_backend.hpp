#pragma once

#include <memory>
#include <string>

#include "net/chat_backend.hpp"
#include "net/http_client.hpp"

namespace grader::net {

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

} // namespace grader::net
