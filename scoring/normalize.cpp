#include "scoring/normalize.hpp"

#include <cstdlib>

#include <utf8proc.h>

namespace grader::scoring {

namespace {

const utf8proc_uint8_t* bytes(std::string_view text) {
  return reinterpret_cast<const utf8proc_uint8_t*>(text.data());
}

bool is_white_space(utf8proc_int32_t c) {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x85: // NEXT LINE is a control character, not a separator.
      return true;
    default:
      break;
  }
  // Covers ' ', U+00A0, U+3000 and the other Unicode spaces, which students
  // type with East Asian input methods and copy from web pages.
  auto category = utf8proc_category(c);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL
         || category == UTF8PROC_CATEGORY_ZP;
}

// Drops white space at both ends and turns every inner run into one ' '.
// Expects valid UTF-8.
std::string collapse_white_space(std::string_view text) {
  std::string result;
  result.reserve(text.size());
  bool pending_space = false;
  size_t pos = 0;
  while (pos < text.size()) {
    int32_t c = 0;
    auto n = decode_utf8(text, pos, c);
    if (n == 0)
      return {};
    if (is_white_space(c)) {
      pending_space = !result.empty();
    } else {
      if (pending_space)
        result += ' ';
      pending_space = false;
      result.append(text.substr(pos, n));
    }
    pos += n;
  }
  return result;
}

} // namespace

size_t decode_utf8(std::string_view text, size_t pos, int32_t& code_point) {
  utf8proc_int32_t c = -1;
  auto rest = static_cast<utf8proc_ssize_t>(text.size() - pos);
  auto length = utf8proc_iterate(bytes(text) + pos, rest, &c);
  code_point = c;
  return length > 0 ? static_cast<size_t>(length) : 0;
}

bool is_valid_utf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    int32_t c = 0;
    auto length = decode_utf8(text, pos, c);
    if (length == 0)
      return false;
    pos += length;
  }
  return true;
}

std::string normalize(std::string_view text) {
  if (text.empty() || !is_valid_utf8(text))
    return {};
  auto options = static_cast<utf8proc_option_t>(
    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
  utf8proc_uint8_t* mapped = nullptr;
  auto length = utf8proc_map(
    bytes(text), static_cast<utf8proc_ssize_t>(text.size()), &mapped, options);
  if (length < 0) {
    std::free(mapped);
    return {};
  }
  std::string folded(reinterpret_cast<const char*>(mapped),
                     static_cast<size_t>(length));
  std::free(mapped);
  return collapse_white_space(folded);
}

} // namespace grader::scoring
