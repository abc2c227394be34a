#include "actors/log.hpp"

#include <cstdio>
#include <string>

namespace grader {

void log_line(const config& settings, std::string_view subject,
              std::string_view text) {
  if (settings.verbose)
    write_log_line(subject, text);
}

void write_log_line(std::string_view subject, std::string_view text) {
  std::string line = "grader: ";
  line += subject;
  line += ' ';
  line += text;
  line += '\n';
  // One write per line, so that lines of actors on different threads do
  // not interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace grader
