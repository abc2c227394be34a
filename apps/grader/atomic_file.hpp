#pragma once

#include <string>

namespace grader::app {

/// Writes `text` so that `path` holds either its old content or all of the
/// new one, never a torn file: a temporary file beside it, then a rename.
/// On failure, removes the temporary and returns why ("cannot write 'x':
/// No space left on device"); returns an empty string on success.
std::string write_file_atomically(const std::string& path,
                                  const std::string& text);

} // namespace grader::app
