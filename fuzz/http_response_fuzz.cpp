// Fuzzes parse_http_response: the bytes a server sends, read with the
// parser settings the HTTP client uses. The first byte picks the case: 'h'
// a response to HEAD, 's' a body limit of 64 bytes, anything else the
// client's defaults. Beyond not crashing: no body exceeds the limit, and a
// response to HEAD has none.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "net/http_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grader::net;
  if (size == 0)
    return 0;
  std::string_view bytes{reinterpret_cast<const char*>(data) + 1, size - 1};
  bool head = data[0] == 'h';
  size_t limit = data[0] == 's' ? 64 : default_max_response_bytes;
  auto outcome = parse_http_response(bytes, limit, head);
  if (auto* response = std::get_if<http_response>(&outcome)) {
    if (response->body.size() > limit || (head && !response->body.empty()))
      std::abort();
  } else if (std::get<http_error>(outcome).message.empty()) {
    std::abort();
  }
  return 0;
}
