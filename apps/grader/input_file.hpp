#pragma once

// Reading the input file of a command: a batch, or an earlier output.

#include <cstdint>
#include <string>

namespace grader::app {

/// The most bytes an input (or an earlier output to retry) may have unless
/// --max-input-bytes says otherwise. 256 MiB holds a batch of 100,000 long
/// answers with room to spare, while the answers read from it stay well
/// within the memory of a small host.
inline constexpr uint64_t default_max_input_bytes = uint64_t{256} * 1024 * 1024;

/// How a message names an input path: "standard input" for "-", else the
/// path escaped for display.
std::string input_name(const std::string& path);

/// The whole input, from a file or from standard input ("-"), at most
/// `max_bytes` of it (see read_bounded). On failure, false after a line on
/// stderr naming the input and why (too large, a directory, an errno).
bool read_input(const std::string& path, uint64_t max_bytes, std::string& text);

} // namespace grader::app
