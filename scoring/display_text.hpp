#pragma once

// Input text quoted in a message. Messages go to terminals, logs and JSON
// output; a byte of the input must not turn into a terminal escape, a fake
// line of a log or a reversed line of text there.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scoring/normalize.hpp"

namespace grader::scoring {

namespace detail {

// Code points that are valid UTF-8 but reorder or break the text they sit
// in: C1 controls, line and paragraph separators, bidirectional controls.
inline bool is_hidden_control(int32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x200E || c == 0x200F
         || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

inline void append_hex_byte(std::string& out, unsigned char byte) {
  static constexpr char digits[] = "0123456789abcdef";
  out += "\\x";
  out += digits[byte >> 4];
  out += digits[byte & 0xF];
}

} // namespace detail

/// `text` made safe to show: printable ASCII and printable UTF-8 characters
/// stay as they are; `\n`, `\r` and `\t` become those two-character escapes;
/// other control characters and every byte that is not part of well-formed
/// UTF-8 become `\xNN`; C1 controls and the invisible line-breaking and
/// bidirectional format characters become `\uNNNN`. At most `max_bytes`
/// bytes of `text` are shown; a longer text ends in `...`.
inline std::string escape_for_display(std::string_view text,
                                      size_t max_bytes = std::string::npos) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size() && pos < max_bytes) {
    auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x20 && byte < 0x7F) {
      out += static_cast<char>(byte);
      ++pos;
      continue;
    }
    if (byte < 0x80) {
      switch (byte) {
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          detail::append_hex_byte(out, byte);
      }
      ++pos;
      continue;
    }
    int32_t c = 0;
    auto length = decode_utf8(text, pos, c);
    if (length == 0) {
      detail::append_hex_byte(out, byte);
      ++pos;
    } else if (detail::is_hidden_control(c)) {
      static constexpr char digits[] = "0123456789abcdef";
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4)
        out += digits[(c >> shift) & 0xF];
      pos += length;
    } else {
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  if (pos < text.size())
    out += "...";
  return out;
}

} // namespace grader::scoring
