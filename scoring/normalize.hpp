#pragma once

#include <string>
#include <string_view>

namespace grader::scoring {

/// Whether `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

/// The form in which two texts are compared: Unicode NFC, then case folded,
/// leading and trailing white space removed and inner runs of white space
/// collapsed to one space. NFC makes Korean typed as decomposed jamo (NFD)
/// equal to its precomposed syllables; case folding makes `Café` equal
/// `café`. Invalid UTF-8 yields an empty string (validation rejects such
/// text before it is scored).
std::string normalize(std::string_view text);

} // namespace grader::scoring
