#include "net/openai_backend.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "net/detail/printable.hpp"
#include "net/openai_codec.hpp"
#include "net/url.hpp"

namespace grader::net {

namespace {

using kind = chat_failure::kind;

// Retry-After in seconds; the HTTP-date form is rare for APIs and read as
// "not said".
std::chrono::milliseconds retry_after_of(const http_response& response) {
  auto text = response.header("Retry-After");
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos
      || text.size() > 6)
    return std::chrono::milliseconds{0};
  return std::chrono::seconds{std::atoi(text.c_str())};
}

kind kind_of_status(unsigned status) {
  if (status == 401 || status == 403)
    return kind::auth;
  if (status == 404)
    return kind::not_found;
  if (status == 408 || status == 429 || status >= 500)
    return kind::transient;
  return kind::bad_request;
}

kind kind_of_error(http_errc code) {
  switch (code) {
    case http_errc::invalid_url:
    case http_errc::invalid_request:
    case http_errc::resolve_failed:
    case http_errc::tls_failed:
      return kind::config;
    default:
      return kind::transient;
  }
}

// The first line of an error body is often the API's own explanation
// ("model not found"); keep a short piece of it, escaped: the message ends
// up on a terminal, and the body is whatever the server sent.
std::string excerpt(const std::string& body) {
  constexpr size_t max_length = 200;
  auto text = body.substr(0, body.find('\n'));
  bool cut = text.size() > max_length;
  if (cut) {
    auto end = max_length;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80)
      --end;
    text.resize(end);
  }
  return detail::printable(text) + (cut ? "..." : "");
}

// `{base_url}/chat/completions`, the path joined before any query: Azure
// OpenAI's base URLs end in `?api-version=...`. A base URL that does not
// parse stays as it is, and the HTTP client rejects it with the reason.
std::string completions_url(const std::string& base_url) {
  auto parsed = parse_url(base_url);
  auto* url = std::get_if<http_url>(&parsed);
  if (url == nullptr)
    return base_url;
  // "http://host/v1/" and "http://host/v1" mean the same endpoint.
  if (url->path.back() != '/')
    url->path += '/';
  url->path += "chat/completions";
  return url->text();
}

// Whether an error body says the request's response_format is the problem,
// as endpoints without structured outputs say it ("response_format
// json_schema is not supported", "Unrecognized request argument supplied:
// response_format").
bool names_response_format(std::string_view body) {
  std::string lower;
  lower.reserve(std::min<size_t>(body.size(), 4096));
  for (auto c : body.substr(0, 4096))
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* name : {"response_format", "json_schema", "json_object"})
    if (lower.find(name) != std::string::npos)
      return true;
  return false;
}

// `asked_format`: whether the request carried a response_format.
chat_outcome to_chat_outcome(http_outcome outcome, const std::string& url,
                             bool asked_format) {
  if (auto* error = std::get_if<http_error>(&outcome))
    return chat_failure{
      kind_of_error(error->code), 0, std::chrono::milliseconds{0},
      std::string{to_string(error->code)} + ": " + error->message};
  auto& response = std::get<http_response>(outcome);
  auto what = kind_of_status(response.status);
  if (what == kind::bad_request && asked_format
      && names_response_format(response.body))
    what = kind::format_refused;
  if (response.status != 200)
    return chat_failure{what, response.status, retry_after_of(response),
                        "HTTP " + std::to_string(response.status) + " from "
                          + url + ": " + excerpt(response.body)};
  auto reply = decode_chat_reply(response.body);
  if (auto* message = std::get_if<std::string>(&reply))
    return chat_failure{kind::transient, 200, std::chrono::milliseconds{0},
                        "unreadable reply from " + url + ": " + *message};
  return std::get<scoring::chat_reply>(std::move(reply));
}

class openai_backend : public chat_backend {
public:
  openai_backend(openai_settings settings, http_client_options http_options)
    : settings_(std::move(settings)),
      url_(completions_url(settings_.base_url)),
      shown_url_(displayed_url(url_)),
      client_(std::move(http_options)) {
  }

  void complete(const scoring::chat_request& request,
                std::chrono::milliseconds timeout,
                std::function<void(chat_outcome)> done) override {
    http_request call;
    call.url = url_;
    call.body = encode_chat_request(request, settings_.model);
    call.headers.emplace_back("Content-Type", "application/json");
    if (!settings_.api_key.empty())
      call.headers.emplace_back("Authorization", "Bearer " + settings_.api_key);
    call.timeout = timeout;
    auto asked_format = request.format != scoring::response_format::text;
    client_.send(std::move(call), [done = std::move(done), url = shown_url_,
                                   asked_format](http_outcome outcome) {
      done(to_chat_outcome(std::move(outcome), url, asked_format));
    });
  }

  // Printed on terminals: escaped, and the URL without a query that may
  // carry credentials.
  std::string description() const override {
    return detail::printable(settings_.model) + " at "
           + displayed_url(settings_.base_url);
  }

private:
  openai_settings settings_;
  std::string url_;
  // url_ as messages show it.
  std::string shown_url_;
  http_client client_;
};

} // namespace

std::unique_ptr<chat_backend>
make_openai_backend(openai_settings settings,
                    http_client_options http_options) {
  return std::make_unique<openai_backend>(std::move(settings),
                                          std::move(http_options));
}

} // namespace grader::net
