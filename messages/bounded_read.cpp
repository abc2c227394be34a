#include "messages/bounded_read.hpp"

#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

namespace grader {

read_status read_bounded(int fd, uint64_t max_bytes, std::string& text) {
  text.clear();
  // A regular file tells its size: no need to read it to refuse it.
  struct stat info;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    if (static_cast<uint64_t>(info.st_size) > max_bytes)
      return read_status::too_large;
    text.reserve(static_cast<size_t>(info.st_size));
  }
  char block[65536];
  for (;;) {
    auto room = max_bytes - text.size();
    auto want = room >= sizeof block ? sizeof block
                                     : static_cast<size_t>(room) + 1;
    auto got = ::read(fd, block, want);
    if (got == 0)
      return read_status::complete;
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return read_status::failed;
    }
    text.append(block, static_cast<size_t>(got));
    if (text.size() > max_bytes) {
      text.clear();
      text.shrink_to_fit();
      return read_status::too_large;
    }
  }
}

} // namespace grader
