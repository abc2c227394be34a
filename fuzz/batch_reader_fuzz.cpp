// Fuzz target for read_batch: any bytes must give a batch or an error,
// never a crash, a hang or an exception. Every position of a batch is
// accounted for once, as an answer or a rejected item.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "messages/batch_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto batch = grader::read_batch(text);
  if (!batch)
    return 0;
  // Rejected items keep their positions, in increasing order, all within
  // the batch; answers fill the rest.
  auto total = batch->answers.size() + batch->rejected.size();
  uint64_t next = 0;
  for (const auto& rejected : batch->rejected) {
    if (rejected.index < next || rejected.index >= total)
      std::abort();
    next = rejected.index + 1;
  }
  return 0;
}
