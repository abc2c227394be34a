#pragma once

// grader's operator log. CAF's own logging is compiled out of Debian's
// libcaf, so the few events an operator needs (a batch received and
// replied, the circuit opening and closing, a 429 pause) are written here:
// one line each on stderr, only when `config::verbose` is on.

#include <string_view>

#include "actors/config.hpp"

namespace grader {

/// Writes `grader: <subject> <text>` as one line on stderr when
/// `settings.verbose` is on, else nothing. Reads as subject-verb-object with
/// the actor as subject (`log_line(s, "coordinator", "received 50
/// answers")`). `text` must not carry student text or the API key; an id
/// taken from the input goes through scoring::escape_for_display first.
void log_line(const config& settings, std::string_view subject,
              std::string_view text);

/// The same line, whatever `verbose` says.
void write_log_line(std::string_view subject, std::string_view text);

} // namespace grader
