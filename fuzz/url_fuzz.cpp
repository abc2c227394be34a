// Fuzzes parse_url and displayed_url, the pure URL functions behind
// `--llm-url` and every request the HTTP client sends. Beyond not
// crashing: a URL parse_url accepts is written out and read back the same,
// and no text either returns carries a raw control byte.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "net/url.hpp"

namespace {

bool has_raw_control_byte(std::string_view x) {
  for (char c : x)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

bool same(const grader::net::http_url& x, const grader::net::http_url& y) {
  return x.tls == y.tls && x.host == y.host && x.port == y.port
         && x.path == y.path && x.query == y.query;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grader::net;
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto parsed = parse_url(text);
  if (auto* url = std::get_if<http_url>(&parsed)) {
    if (url->port == 0 || url->host.empty() || url->path.empty()
        || url->path.front() != '/' || has_raw_control_byte(url->target()))
      std::abort();
    auto again = parse_url(url->text());
    auto* reread = std::get_if<http_url>(&again);
    if (reread == nullptr || !same(*url, *reread))
      std::abort();
  } else if (has_raw_control_byte(std::get<std::string>(parsed))) {
    std::abort();
  }
  auto shown = displayed_url(text);
  // 120 bytes at most, each escaped to at most 4, and "...".
  if (has_raw_control_byte(shown) || shown.size() > 120 * 4 + 3)
    std::abort();
  return 0;
}
