#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace grader::scoring {

/// Decodes the code point that starts at byte `pos` of `text` into
/// `code_point`. Returns its length in bytes, or 0 when the bytes there are
/// not well-formed UTF-8.
size_t decode_utf8(std::string_view text, size_t pos, int32_t& code_point);

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
