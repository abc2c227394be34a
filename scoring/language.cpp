#include "scoring/language.hpp"

#include <utf8proc.h>

#include "scoring/normalize.hpp"

namespace grader::scoring {

namespace {

bool is_hangul(utf8proc_int32_t c) {
  return (c >= 0x1100 && c <= 0x11FF)     // Jamo
         || (c >= 0x3130 && c <= 0x318F)  // Compatibility Jamo
         || (c >= 0xA960 && c <= 0xA97F)  // Jamo Extended-A
         || (c >= 0xAC00 && c <= 0xD7AF)  // Syllables
         || (c >= 0xD7B0 && c <= 0xD7FF); // Jamo Extended-B
}

bool is_han(utf8proc_int32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF)       // Unified Ideographs
         || (c >= 0x3400 && c <= 0x4DBF)    // Extension A
         || (c >= 0xF900 && c <= 0xFAFF)    // Compatibility Ideographs
         || (c >= 0x20000 && c <= 0x2A6DF); // Extension B
}

} // namespace

language detect_language(std::string_view text) {
  size_t hangul = 0;
  size_t han = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    int32_t c = 0;
    auto length = decode_utf8(text, pos, c);
    // A stray invalid byte should not hide the letters after it.
    if (length == 0) {
      ++pos;
      continue;
    }
    pos += length;
    if (is_hangul(c))
      ++hangul;
    else if (is_han(c))
      ++han;
  }
  // Korean text often quotes Hanja, so Hangul wins unless Han dominates.
  if (hangul > 0 && hangul >= han)
    return language::korean;
  if (han > 0)
    return language::chinese;
  return language::english;
}

} // namespace grader::scoring
