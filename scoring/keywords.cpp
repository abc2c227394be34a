#include "scoring/keywords.hpp"

#include <algorithm>

#include <utf8proc.h>

#include "scoring/normalize.hpp"

namespace grader::scoring {

namespace {

// Scripts below Armenian's end (Latin, Greek, Cyrillic, Armenian) separate
// words with spaces, so a keyword in them must stand at a word boundary.
constexpr utf8proc_int32_t spaced_script_end = 0x530;

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The code point starting at byte `pos` of valid UTF-8 `text`.
utf8proc_int32_t code_point_at(std::string_view text, size_t pos) {
  int32_t c = -1;
  decode_utf8(text, pos, c);
  return c;
}

// The code point ending just before byte `pos` of valid UTF-8 `text`.
utf8proc_int32_t code_point_before(std::string_view text, size_t pos) {
  auto start = pos - 1;
  while (start > 0 && is_continuation_byte(text[start]))
    --start;
  return code_point_at(text, start);
}

// Letters and digits, plus combining marks: a mark after `cat` (as in an
// uncomposable `cat` + U+0301) belongs to the word and so is no boundary.
bool is_word_char(utf8proc_int32_t c) {
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
      return true;
    default:
      return false;
  }
}

bool needs_boundary(utf8proc_int32_t c) {
  return c < spaced_script_end && is_word_char(c);
}

// Whether the normalized, non-empty `keyword` occurs in the normalized
// `text` with word boundaries where its script asks for them.
bool occurs_in(std::string_view text, std::string_view keyword) {
  auto check_front = needs_boundary(code_point_at(keyword, 0));
  auto check_back = needs_boundary(code_point_before(keyword, keyword.size()));
  for (auto pos = text.find(keyword); pos != std::string_view::npos;
       pos = text.find(keyword, pos + 1)) {
    auto end = pos + keyword.size();
    // Only a letter of a spaced script continues the word: a Korean
    // particle attached to an English term ("DNA는") does not.
    if (check_front && pos > 0 && needs_boundary(code_point_before(text, pos)))
      continue;
    if (check_back && end < text.size()
        && needs_boundary(code_point_at(text, end)))
      continue;
    return true;
  }
  return false;
}

} // namespace

std::vector<std::string>
match_keywords(std::string_view text,
               const std::vector<std::string>& keywords) {
  std::vector<std::string> result;
  auto normalized_text = normalize(text);
  if (normalized_text.empty())
    return result;
  for (const auto& keyword : keywords) {
    if (std::find(result.begin(), result.end(), keyword) != result.end())
      continue;
    auto normalized_keyword = normalize(keyword);
    if (!normalized_keyword.empty()
        && occurs_in(normalized_text, normalized_keyword))
      result.push_back(keyword);
  }
  return result;
}

} // namespace grader::scoring
