#include "net/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <variant>

#include "net/detail/connection_pool.hpp"
#include "net/detail/http_exchange.hpp"
#include "net/url.hpp"

namespace grader::net {

namespace {

// RFC 7230 token characters: what a method or a header name consists of.
bool is_token_char(char c) {
  static constexpr std::string_view others = "!#$%&'*+-.^_`|~";
  return std::isalnum(static_cast<unsigned char>(c))
         || others.find(c) != std::string_view::npos;
}

bool is_token(std::string_view x) {
  return !x.empty() && std::all_of(x.begin(), x.end(), is_token_char);
}

// What keeps `x` from going out as it is, or "". A CR or LF in a header
// value would end the header and let whoever chose the value (an API key
// from the environment, say) write headers of their own; the message names
// the header, never its value, which may be a secret.
std::string request_problem(const http_request& x) {
  if (!is_token(x.method))
    return "the method is not an HTTP token";
  for (auto& [name, value] : x.headers) {
    if (!is_token(name))
      return "a header name is not an HTTP token";
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      return "the value of the header " + name
             + " contains CR, LF or NUL; it is not sent";
  }
  return {};
}

} // namespace

// Exchanges hold the pool by shared_ptr; the client holds it the same way.
struct http_client::impl : detail::connection_pool {
  using connection_pool::connection_pool;
};

http_client::http_client(http_client_options options)
  : impl_(std::make_shared<impl>(std::move(options))) {
}

http_client::~http_client() {
  impl_->shutdown();
}

void http_client::send(http_request request,
                       std::function<void(http_outcome)> done) {
  if (impl_->stopping())
    return impl_->post_outcome(std::move(done),
                               http_error{http_errc::shutting_down,
                                          "the HTTP client is shutting down"});
  auto parsed = parse_url(request.url);
  if (auto* problem = std::get_if<std::string>(&parsed))
    return impl_->post_outcome(
      std::move(done), http_error{http_errc::invalid_url,
                                  "invalid URL \"" + displayed_url(request.url)
                                    + "\": " + *problem});
  if (auto problem = request_problem(request); !problem.empty())
    return impl_->post_outcome(std::move(done),
                               http_error{http_errc::invalid_request,
                                          "cannot send a request to "
                                            + displayed_url(request.url) + ": "
                                            + problem});
  auto& url = std::get<http_url>(parsed);
  if (url.tls && impl_->ca_file_failed())
    return impl_->post_outcome(std::move(done),
                               http_error{http_errc::tls_failed,
                                          impl_->tls_setup_error()});
  impl_->checkout(std::make_shared<detail::http_exchange>(
    impl_, std::move(url), std::move(request), std::move(done)));
}

http_client_stats http_client::stats() const {
  return impl_->stats();
}

std::string http_client::tls_setup_error() const {
  return impl_->tls_setup_error();
}

} // namespace grader::net
