#include "net/http_response.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include "net/detail/response_parser.hpp"

namespace grader::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string_view to_string(http_errc x) {
  switch (x) {
    case http_errc::invalid_url:
      return "invalid_url";
    case http_errc::invalid_request:
      return "invalid_request";
    case http_errc::resolve_failed:
      return "resolve_failed";
    case http_errc::connect_failed:
      return "connect_failed";
    case http_errc::tls_failed:
      return "tls_failed";
    case http_errc::timeout:
      return "timeout";
    case http_errc::connection_closed:
      return "connection_closed";
    case http_errc::response_too_large:
      return "response_too_large";
    case http_errc::malformed_response:
      return "malformed_response";
    case http_errc::shutting_down:
      return "shutting_down";
  }
  return "unknown";
}

std::string http_response::header(std::string_view name) const {
  for (auto& [key, value] : headers)
    if (beast::iequals(key, beast::string_view(name.data(), name.size())))
      return value;
  return {};
}

http_outcome parse_http_response(std::string_view bytes,
                                 size_t max_response_bytes, bool head_request) {
  using detail::read_error;
  static const std::string from = "the server";
  detail::response_parser parser;
  detail::limit(parser, max_response_bytes, head_request);
  beast::error_code ec;
  // As exchanges do: the header alone first, then the rest eagerly.
  parser.eager(false);
  while (!parser.is_done()) {
    if (parser.is_header_done())
      parser.eager(true);
    auto used = bytes.empty()
                  ? 0
                  : parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec && ec != http::error::need_more)
      return read_error(ec, from, max_response_bytes);
    // The bytes ran out, as a connection closed here would end them.
    if (bytes.empty() || ec == http::error::need_more || used == 0) {
      if (parser.is_done())
        break;
      if (!parser.got_some())
        return read_error(http::error::partial_message, from,
                          max_response_bytes);
      parser.put_eof(ec);
      if (ec)
        return read_error(ec, from, max_response_bytes);
      break;
    }
  }
  return detail::to_response(parser);
}

} // namespace grader::net
