#include <catch2/catch.hpp>

#include "scoring/normalize.hpp"

using namespace grader::scoring;

namespace {

// 광합성 as precomposed syllables (NFC) and as conjoining jamo (NFD).
const std::string nfc_photosynthesis = "\xEA\xB4\x91\xED\x95\xA9\xEC\x84\xB1";
const std::string nfd_photosynthesis = "\xE1\x84\x80\xE1\x85\xAA\xE1\x86\xBC"
                                       "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xB8"
                                       "\xE1\x84\x89\xE1\x85\xA5\xE1\x86\xBC";

} // namespace

TEST_CASE("is_valid_utf8 accepts well-formed text", "[scoring]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII"));
  CHECK(is_valid_utf8(nfc_photosynthesis));
  CHECK(is_valid_utf8(nfd_photosynthesis));
  CHECK(is_valid_utf8("\xF0\xA0\x80\x80")); // U+20000, four bytes
}

TEST_CASE("is_valid_utf8 rejects malformed byte sequences", "[scoring]") {
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("abc\xC3"));      // truncated at the end
  CHECK_FALSE(is_valid_utf8("\xC3\x28"));     // bad continuation byte
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));     // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80")); // UTF-16 surrogate
  CHECK_FALSE(is_valid_utf8("\x80 leading")); // stray continuation byte
  CHECK_FALSE(is_valid_utf8("\xE1\x84"));     // truncated jamo
}

TEST_CASE("normalize composes Korean jamo into NFC syllables", "[scoring]") {
  REQUIRE(nfd_photosynthesis != nfc_photosynthesis);
  CHECK(nfd_photosynthesis.size() == 27);
  CHECK(normalize(nfd_photosynthesis) == nfc_photosynthesis);
  CHECK(normalize(nfc_photosynthesis) == nfc_photosynthesis);
}

TEST_CASE("normalize folds case, including composed and decomposed accents",
          "[scoring]") {
  CHECK(normalize("Caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(normalize("CAF\xC3\x89") == "caf\xC3\xA9");
  CHECK(normalize("CAFE\xCC\x81") == "caf\xC3\xA9");
  CHECK(normalize("Stra\xC3\x9F"
                  "e")
        == "strasse");
  CHECK(normalize("\xCE\xA3\xCE\x99\xCE\x93\xCE\x9C\xCE\x91") // ΣΙΓΜΑ
        == "\xCF\x83\xCE\xB9\xCE\xB3\xCE\xBC\xCE\xB1");       // σιγμα
}

TEST_CASE("normalize trims and collapses ASCII white space", "[scoring]") {
  CHECK(normalize("  hello \t\n  world \r\n") == "hello world");
  CHECK(normalize("a\v\fb") == "a b");
  CHECK(normalize("one") == "one");
}

TEST_CASE("normalize treats ideographic and no-break spaces as white space",
          "[scoring]") {
  // U+3000 before, U+00A0 inside, U+3000 after.
  auto text = "\xE3\x80\x80" + nfc_photosynthesis + "\xC2\xA0\xEC\x9D\x80"
              + "\xE3\x80\x80";
  CHECK(normalize(text) == nfc_photosynthesis + " \xEC\x9D\x80");
  CHECK(normalize("a\xE2\x80\x83\xE3\x80\x80 b") == "a b"); // U+2003 em space
}

TEST_CASE("normalize keeps zero-width characters that are not spaces",
          "[scoring]") {
  CHECK(normalize("a\xE2\x80\x8B"
                  "b")
        == "a\xE2\x80\x8B"
           "b");
}

TEST_CASE("normalize yields an empty string for blank text", "[scoring]") {
  CHECK(normalize("") == "");
  CHECK(normalize(" \t\n") == "");
  CHECK(normalize("\xE3\x80\x80\xC2\xA0") == "");
}

TEST_CASE("normalize yields an empty string for invalid UTF-8", "[scoring]") {
  CHECK(normalize("valid then \xFF") == "");
  CHECK(normalize("\xC3\x28") == "");
}
