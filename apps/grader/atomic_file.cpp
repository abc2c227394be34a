#include "apps/grader/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace grader::app {

std::string write_file_atomically(const std::string& path,
                                  const std::string& text) {
  auto temp = path + ".tmp." + std::to_string(::getpid());
  auto failed = [&] {
    auto why = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(temp.c_str());
    return why;
  };
  {
    std::ofstream out{temp, std::ios::binary | std::ios::trunc};
    out << text;
    if (!out.flush())
      return failed();
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    return failed();
  return {};
}

} // namespace grader::app
