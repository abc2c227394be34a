// Feeds arbitrary bytes to the LLM reply parser as the content of a score
// reply: it must return a verdict or an error, never crash or hang, and a
// verdict must keep to its contract.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scoring/llm_reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  auto reply = grader::scoring::parse_score_reply(content);
  if (reply.verdict) {
    if (reply.verdict->score < 0 || reply.verdict->score > 100
        || !reply.error.empty())
      std::abort();
  } else if (reply.error.empty() || reply.ambiguous) {
    std::abort();
  }
  return 0;
}
