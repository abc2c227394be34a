#pragma once

#include <cstdint>
#include <string>

namespace grader {

/// How reading a whole file descriptor ended.
enum class read_status {
  /// All of it was read.
  complete,
  /// It holds more than the limit; what was read is discarded.
  too_large,
  /// A read failed; errno says why.
  failed,
};

/// Reads `fd` to its end into `text`, in blocks and never beyond
/// `max_bytes` + 1 bytes, so that a huge file or an endless stream
/// (/dev/zero) ends in a message instead of in all the memory there is.
/// Pipes, FIFOs and terminals read like files.
read_status read_bounded(int fd, uint64_t max_bytes, std::string& text);

} // namespace grader
