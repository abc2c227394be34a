#include <catch2/catch.hpp>

#include "scoring/language.hpp"

using namespace grader::scoring;

TEST_CASE("text with Hangul is Korean", "[scoring]") {
  CHECK(detect_language("광합성은 엽록소에서 일어난다") == language::korean);
  CHECK(detect_language("DNA는 유전 물질이다") == language::korean);
  // Compatibility jamo, as in chat-style answers.
  CHECK(detect_language("\xE3\x85\x8B\xE3\x85\x8B") == language::korean);
}

TEST_CASE("Korean typed as conjoining jamo is Korean", "[scoring]") {
  CHECK(detect_language("\xE1\x84\x8E\xE1\x85\xA1\xE1\x86\xB7") // 참 (NFD)
        == language::korean);
  CHECK(detect_language("\xEA\xA5\xA0") == language::korean); // U+A960
  CHECK(detect_language("\xED\x9E\xB0") == language::korean); // U+D7B0
}

TEST_CASE("text with Han characters and no Hangul is Chinese", "[scoring]") {
  CHECK(detect_language("植物通过光合作用制造养分") == language::chinese);
  CHECK(detect_language("光合作用 (photosynthesis)") == language::chinese);
  CHECK(detect_language("\xE3\x90\x80") == language::chinese);     // U+3400
  CHECK(detect_language("\xEF\xA4\x80") == language::chinese);     // U+F900
  CHECK(detect_language("\xF0\xA0\x80\x80") == language::chinese); // U+20000
}

TEST_CASE("Korean with some Hanja stays Korean", "[scoring]") {
  CHECK(detect_language("한자漢字") == language::korean);
  CHECK(detect_language("광합성(光合成)이다") == language::korean);
}

TEST_CASE("mostly Han text with a little Hangul is Chinese", "[scoring]") {
  CHECK(detect_language("光合作用是植物的 한") == language::chinese);
}

TEST_CASE("text without Hangul or Han is English", "[scoring]") {
  CHECK(detect_language("Photosynthesis happens in chloroplasts")
        == language::english);
  CHECK(detect_language("") == language::english);
  CHECK(detect_language("42") == language::english);
  CHECK(detect_language("Caf\xC3\xA9") == language::english);
  // Japanese kana alone are neither Hangul nor Han.
  CHECK(detect_language("\xE3\x81\x8B\xE3\x81\xAA") == language::english);
}

TEST_CASE("detect_language skips invalid bytes", "[scoring]") {
  CHECK(detect_language("\xFF광합성") == language::korean);
  CHECK(detect_language("\xC3光合") == language::chinese);
}
