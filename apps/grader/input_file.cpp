#include "apps/grader/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apps/grader/commands.hpp"
#include "messages/bounded_read.hpp"
#include "scoring/display_text.hpp"

namespace grader::app {

std::string input_name(const std::string& path) {
  return path == "-" ? std::string{"standard input"}
                     : scoring::escape_for_display(path);
}

bool read_input(const std::string& path, uint64_t max_bytes,
                std::string& text) {
  auto too_large = [&] {
    complain(input_name(path) + ": larger than the input limit of "
             + std::to_string(max_bytes) + " bytes (--max-input-bytes)");
    return false;
  };
  auto cannot_read = [&](const std::string& why) {
    complain("cannot read "
             + (path == "-" ? input_name(path)
                            : "'" + scoring::escape_for_display(path) + "'")
             + ": " + why);
    return false;
  };
  auto fd = STDIN_FILENO;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return cannot_read(std::strerror(errno));
  }
  struct fd_closer {
    int fd;
    ~fd_closer() {
      if (fd != STDIN_FILENO)
        ::close(fd);
    }
  } closer{fd};
  struct stat info;
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode))
    return cannot_read("it is a directory");
  switch (read_bounded(fd, max_bytes, text)) {
    case read_status::complete:
      return true;
    case read_status::too_large:
      return too_large();
    case read_status::failed:
      break;
  }
  return cannot_read(std::strerror(errno));
}

} // namespace grader::app
