// Fuzzes judge_handler::handle, the built-in judge's request handling
// without the transport, on arbitrary requests. The input is lines: the
// options ("faults" obeys fault directives, "key" requires the API key
// "k", anything else neither), the method, the target, the Authorization
// header, then the body. A fresh handler per input keeps runs independent.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "net/judge_handler.hpp"

namespace {

// The text up to the next '\n' (all of it when there is none), removed
// from `rest`.
std::string_view next_line(std::string_view& rest) {
  auto end = rest.find('\n');
  auto line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{}
                                       : rest.substr(end + 1);
  return line;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grader::net;
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  auto mode = next_line(rest);
  auto method = next_line(rest);
  auto target = next_line(rest);
  auto authorization = next_line(rest);
  judge_server_options options;
  options.faults = mode == "faults";
  if (mode == "key")
    options.api_key = "k";
  judge_handler handler{options};
  auto response = handler.handle(method, target, rest, authorization);
  // No latency is set: only the slow fault may delay a reply.
  if (response.status < 200 || response.status > 599
      || response.delay > std::chrono::milliseconds{1000}
      || (response.delay.count() > 0 && !options.faults))
    std::abort();
  if (handler.stats().requests != 1)
    std::abort();
  return 0;
}
