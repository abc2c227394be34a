#include "scoring/display_text.hpp"

#include <string>

#include <catch2/catch.hpp>

using namespace grader::scoring;
using namespace std::string_literals;

TEST_CASE("escape_for_display keeps printable text as it is", "[scoring]") {
  CHECK(escape_for_display("") == "");
  CHECK(escape_for_display("plain 'ASCII' \"text\" \\ ~")
        == "plain 'ASCII' \"text\" \\ ~");
  // 광합성, 长城, é, and an emoji of four bytes.
  auto text = "\xEA\xB4\x91\xED\x95\xA9\xEC\x84\xB1 \xE9\x95\xBF\xE5\x9F\x8E "
              "caf\xC3\xA9 \xF0\x9F\x98\x80"s;
  CHECK(escape_for_display(text) == text);
}

TEST_CASE("escape_for_display escapes control characters and invalid bytes",
          "[scoring]") {
  CHECK(escape_for_display("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(escape_for_display("\x1B[31mred\x07\x7F") == "\\x1b[31mred\\x07\\x7f");
  CHECK(escape_for_display("nul\0byte"s) == "nul\\x00byte");
  CHECK(escape_for_display("\xFF\xFE") == "\\xff\\xfe");
  CHECK(escape_for_display("bad \xC3\x28 pair") == "bad \\xc3( pair");
  CHECK(escape_for_display("cut \xE2\x82") == "cut \\xe2\\x82");
  CHECK(escape_for_display("\xC0\xAF") == "\\xc0\\xaf"); // overlong '/'
  CHECK(escape_for_display("\xED\xA0\x80") == "\\xed\\xa0\\x80"); // surrogate
}

TEST_CASE("escape_for_display names invisible controls that reorder text",
          "[scoring]") {
  // U+0085 (a C1 control), U+2028 (line separator), U+202E (right-to-left
  // override), U+2066 (left-to-right isolate).
  CHECK(escape_for_display("a\xC2\x85"
                           "b")
        == "a\\u0085b");
  CHECK(escape_for_display("\xE2\x80\xA8\xE2\x80\xAE\xE2\x81\xA6")
        == "\\u2028\\u202e\\u2066");
}

TEST_CASE("escape_for_display shows at most the bytes asked for", "[scoring]") {
  CHECK(escape_for_display("abcdef", 3) == "abc...");
  CHECK(escape_for_display("abc", 3) == "abc");
  // A character is shown whole or not at all.
  CHECK(escape_for_display("a\xC3\xA9z", 2) == "a\xC3\xA9...");
  CHECK(escape_for_display(std::string(1000, '\xFF'), 2) == "\\xff\\xff...");
}
