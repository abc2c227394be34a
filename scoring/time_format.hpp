#pragma once

#include <chrono>
#include <string>

namespace grader::scoring {

/// `t` as ISO 8601 UTC with milliseconds: `2026-11-27T18:41:50.123Z`.
std::string format_utc(std::chrono::system_clock::time_point t);

} // namespace grader::scoring
