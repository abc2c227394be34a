// Fuzz target for the readers of grader's own output: read_outcome_line on
// each line, as the journal reader calls it, and read_batch_result on the
// whole, as --retry-failed does. Any bytes must give a value or an error,
// never a crash, a hang or an exception; what they accept must be what
// grader writes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "messages/batch_result_json.hpp"
#include "messages/outcome_json.hpp"

namespace {

void check_score(int32_t score) {
  if (score < 0 || score > 100)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  for (auto rest = text; !rest.empty();) {
    auto end = rest.find('\n');
    auto line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    auto outcome = grader::read_outcome_line(line);
    if (outcome) {
      if (!grader::is_one_json_value(line))
        std::abort();
      if (const auto* x = std::get_if<grader::score_result>(&*outcome))
        check_score(x->verdict.score);
    }
  }
  if (auto earlier = grader::read_batch_result(text)) {
    const auto& stats = earlier->stats;
    if (stats.successful_count != earlier->results.size()
        || stats.failed_count != earlier->failures.size()
        || stats.total_count != stats.successful_count + stats.failed_count)
      std::abort();
    for (const auto& x : earlier->results)
      check_score(x.verdict.score);
  }
  return 0;
}
