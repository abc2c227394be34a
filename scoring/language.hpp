#pragma once

#include <cstdint>
#include <string_view>

namespace grader::scoring {

/// The languages grader writes templated text in.
enum class language : uint8_t { english, korean, chinese };

/// The language a text is mostly written in, judged by its letters: Hangul
/// means Korean, Han characters (without Hangul) Chinese, anything else
/// English.
language detect_language(std::string_view text);

} // namespace grader::scoring
