#pragma once

// A private helper of net/ until a shared display-escaping function exists:
// text from outside (a URL, a model name, a server's error body) reaches a
// terminal only through it.

#include <cstddef>
#include <string>
#include <string_view>

namespace grader::net::detail {

/// The length of the valid UTF-8 sequence at the start of `x`, or 0 when it
/// does not start with one (overlong forms, surrogates and code points past
/// U+10FFFF are invalid).
inline size_t utf8_sequence_length(std::string_view x) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(x[i]); };
  auto lead = byte(0);
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead < 0x80)
    return 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    low = lead == 0xe0 ? 0xa0 : 0x80;
    high = lead == 0xed ? 0x9f : 0xbf;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    low = lead == 0xf0 ? 0x90 : 0x80;
    high = lead == 0xf4 ? 0x8f : 0xbf;
  } else {
    return 0;
  }
  if (x.size() < length || byte(1) < low || byte(1) > high)
    return 0;
  for (size_t i = 2; i < length; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xbf)
      return 0;
  return length;
}

/// `x` safe to print on a terminal or in a one-line log: control characters
/// (C0, DEL and the C1 range U+0080 to U+009F) and bytes that are not valid
/// UTF-8 become `\xNN`, one per byte; everything else is kept as is.
inline std::string printable(std::string_view x) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string result;
  result.reserve(x.size());
  auto escape = [&](unsigned char c) {
    result += "\\x";
    result += hex[c >> 4];
    result += hex[c & 0xf];
  };
  size_t i = 0;
  while (i < x.size()) {
    auto c = static_cast<unsigned char>(x[i]);
    auto length = utf8_sequence_length(x.substr(i));
    bool c1_control = length == 2 && c == 0xc2
                      && static_cast<unsigned char>(x[i + 1]) < 0xa0;
    if (length == 0 || c < 0x20 || c == 0x7f || c1_control) {
      auto n = c1_control ? 2 : 1;
      for (size_t j = 0; j < static_cast<size_t>(n); ++j)
        escape(static_cast<unsigned char>(x[i + j]));
      i += n;
      continue;
    }
    result.append(x.substr(i, length));
    i += length;
  }
  return result;
}

/// Whether `x` has a C0 control character or DEL: what must never reach an
/// HTTP header or a command's output unescaped.
inline bool has_control_character(std::string_view x) {
  for (char c : x) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      return true;
  }
  return false;
}

} // namespace grader::net::detail
