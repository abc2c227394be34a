#include "net/detail/response_parser.hpp"

#include <utility>

#include <boost/beast/http/error.hpp>

namespace grader::net::detail {

namespace http = boost::beast::http;

namespace {

bool is_http_parse_error(const boost::beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_version).category();
}

} // namespace

void limit(response_parser& parser, size_t max_response_bytes,
           bool head_request) {
  parser.body_limit(max_response_bytes);
  parser.skip(head_request);
}

http_error read_error(const boost::beast::error_code& ec,
                      const std::string& from, size_t max_response_bytes) {
  if (ec == http::error::body_limit || ec == http::error::header_limit)
    return {http_errc::response_too_large,
            "the response from " + from + " exceeds "
              + std::to_string(max_response_bytes) + " bytes (" + ec.message()
              + ")"};
  if (is_http_parse_error(ec) && ec != http::error::partial_message)
    return {http_errc::malformed_response,
            "the response from " + from + " is not HTTP/1.1: " + ec.message()};
  return {http_errc::connection_closed,
          from
            + " closed the connection before a full response: " + ec.message()};
}

http_response to_response(response_parser& parser) {
  auto& msg = parser.get();
  http_response result;
  result.status = msg.result_int();
  for (auto& field : msg)
    result.headers.emplace_back(std::string(field.name_string()),
                                std::string(field.value()));
  result.body = std::move(msg.body());
  return result;
}

} // namespace grader::net::detail
