#include <catch2/catch.hpp>

#include "scoring/keywords.hpp"

using namespace grader::scoring;

using strings = std::vector<std::string>;

namespace {

// 광합성 (photosynthesis) and 엽록소 (chlorophyll), precomposed (NFC).
const std::string photosynthesis = "\xEA\xB4\x91\xED\x95\xA9\xEC\x84\xB1";
const std::string chlorophyll = "\xEC\x97\xBD\xEB\xA1\x9D\xEC\x86\x8C";

// The same words typed as conjoining jamo (NFD), as some keyboards do.
const std::string nfd_photosynthesis = "\xE1\x84\x80\xE1\x85\xAA\xE1\x86\xBC"
                                       "\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xB8"
                                       "\xE1\x84\x89\xE1\x85\xA5\xE1\x86\xBC";
const std::string nfd_chlorophyll = "\xE1\x84\x8B\xE1\x85\xA7\xE1\x86\xB8"
                                    "\xE1\x84\x85\xE1\x85\xA9\xE1\x86\xA8"
                                    "\xE1\x84\x89\xE1\x85\xA9";

// 은 (topic particle) and 이다 (is).
const std::string eun = "\xEC\x9D\x80";
const std::string copula = "\xEC\x9D\xB4\xEB\x8B\xA4";

} // namespace

TEST_CASE("keyword matching finds NFC keywords in an NFD Korean answer",
          "[scoring]") {
  REQUIRE(nfd_photosynthesis != photosynthesis);
  REQUIRE(nfd_chlorophyll != chlorophyll);
  auto text = nfd_photosynthesis + " " + nfd_chlorophyll;
  CHECK(match_keywords(text, {photosynthesis, chlorophyll})
        == strings{photosynthesis, chlorophyll});
}

TEST_CASE("keyword matching finds NFD keywords in an NFC Korean answer",
          "[scoring]") {
  CHECK(match_keywords(photosynthesis + copula, {nfd_photosynthesis})
        == strings{nfd_photosynthesis});
}

TEST_CASE("keyword matching accepts a Korean particle attached to a keyword",
          "[scoring]") {
  // 광합성은 엽록소에서 일어난다
  auto text = photosynthesis + eun + " " + chlorophyll
              + "\xEC\x97\x90\xEC\x84\x9C \xEC\x9D\xBC\xEC\x96\xB4\xEB\x82\x9C"
                "\xEB\x8B\xA4";
  CHECK(match_keywords(text, {photosynthesis, chlorophyll})
        == strings{photosynthesis, chlorophyll});
}

TEST_CASE("keyword matching finds Chinese keywords inside unspaced sentences",
          "[scoring]") {
  // 植物通过光合作用制造养分: plants make nutrients through photosynthesis.
  std::string text = "\xE6\xA4\x8D\xE7\x89\xA9\xE9\x80\x9A\xE8\xBF\x87"
                     "\xE5\x85\x89\xE5\x90\x88\xE4\xBD\x9C\xE7\x94\xA8"
                     "\xE5\x88\xB6\xE9\x80\xA0\xE5\x85\xBB\xE5\x88\x86";
  std::string photosynthesis_zh = "\xE5\x85\x89\xE5\x90\x88\xE4\xBD\x9C"
                                  "\xE7\x94\xA8";         // 光合作用
  std::string nutrients = "\xE5\x85\xBB\xE5\x88\x86";     // 养分
  std::string chlorophyll_zh = "\xE5\x8F\xB6\xE7\xBB\xBF" // 叶绿素
                               "\xE7\xB4\xA0";
  CHECK(match_keywords(text, {photosynthesis_zh, chlorophyll_zh, nutrients})
        == strings{photosynthesis_zh, nutrients});
}

TEST_CASE("keyword matching ignores case and accent encoding", "[scoring]") {
  CHECK(match_keywords("Caf\xC3\xA9 au lait", {"caf\xC3\xA9"})
        == strings{"caf\xC3\xA9"});
  // CAFÉ with É as E + U+0301 COMBINING ACUTE ACCENT.
  CHECK(match_keywords("I ordered at the CAFE\xCC\x81.", {"caf\xC3\xA9"})
        == strings{"caf\xC3\xA9"});
  CHECK(match_keywords("caf\xC3\xA9", {"CAF\xC3\x89"})
        == strings{"CAF\xC3\x89"});
}

TEST_CASE("keyword matching requires word boundaries for Latin keywords",
          "[scoring]") {
  CHECK(match_keywords("category", {"cat"}).empty());
  CHECK(match_keywords("bobcat", {"cat"}).empty());
  CHECK(match_keywords("concatenate", {"cat"}).empty());
  CHECK(match_keywords("the cat sat", {"cat"}) == strings{"cat"});
  CHECK(match_keywords("cat,", {"cat"}) == strings{"cat"});
  CHECK(match_keywords("(cat)", {"cat"}) == strings{"cat"});
  CHECK(match_keywords("Cat", {"cat"}) == strings{"cat"});
}

TEST_CASE("keyword matching accepts a Korean particle after a Latin keyword",
          "[scoring]") {
  CHECK(match_keywords("DNA는 이중 나선이다", {"DNA"}) == strings{"DNA"});
  CHECK(match_keywords("세포는 ATP를 만든다", {"atp"}) == strings{"atp"});
  CHECK(match_keywords("光合作用需要CO2和水", {"CO2"}) == strings{"CO2"});
  CHECK(match_keywords("DNAse는 효소다", {"DNA"}).empty());
}

TEST_CASE("keyword matching checks every occurrence for a word boundary",
          "[scoring]") {
  CHECK(match_keywords("a category about the cat", {"cat"}) == strings{"cat"});
  CHECK(match_keywords("category, concatenation, bobcats", {"cat"}).empty());
}

TEST_CASE("keyword matching treats a trailing combining mark as part of the "
          "word",
          "[scoring]") {
  // t + U+0301 has no precomposed form, so the mark stays after "cat".
  CHECK(match_keywords("cat\xCC\x81 sat", {"cat"}).empty());
}

TEST_CASE("keyword matching needs boundaries for digits and Greek and "
          "Cyrillic letters",
          "[scoring]") {
  CHECK(match_keywords("30 apples", {"3"}).empty());
  CHECK(match_keywords("3 apples", {"3"}) == strings{"3"});
  // кот (cat) inside котёнок (kitten), then on its own.
  std::string cat_ru = "\xD0\xBA\xD0\xBE\xD1\x82";
  CHECK(match_keywords("\xD0\xBA\xD0\xBE\xD1\x82\xD1\x91\xD0\xBD\xD0\xBE"
                       "\xD0\xBA",
                       {cat_ru})
          .empty());
  CHECK(match_keywords("\xD0\x9A\xD0\x9E\xD0\xA2!", {cat_ru})
        == strings{cat_ru});
}

TEST_CASE("keyword matching checks only the edges that are letters or "
          "digits",
          "[scoring]") {
  // The keyword ends with '-', so what follows it does not matter.
  CHECK(match_keywords("anti-inflammatory", {"anti-"}) == strings{"anti-"});
  CHECK(match_keywords("pre-anti-x", {"anti-"}) == strings{"anti-"});
  CHECK(match_keywords("semianti-x", {"anti-"}).empty());
}

TEST_CASE("keyword matching compares keywords with collapsed white space",
          "[scoring]") {
  CHECK(match_keywords("the cell\t\n  wall is rigid", {"Cell Wall"})
        == strings{"Cell Wall"});
  CHECK(match_keywords("cellwall", {"cell wall"}).empty());
}

TEST_CASE("keyword matching keeps the caller's order and spelling",
          "[scoring]") {
  CHECK(match_keywords("photosynthesis needs chlorophyll and light",
                       {"Light", "CHLOROPHYLL", "water", "Photosynthesis"})
        == strings{"Light", "CHLOROPHYLL", "Photosynthesis"});
}

TEST_CASE("keyword matching returns a repeated keyword once", "[scoring]") {
  CHECK(match_keywords("cat and dog", {"cat", "dog", "cat"})
        == strings{"cat", "dog"});
}

TEST_CASE("keyword matching finds nothing in blank or invalid text",
          "[scoring]") {
  CHECK(match_keywords("", {"cat"}).empty());
  CHECK(match_keywords(" \t ", {"cat"}).empty());
  CHECK(match_keywords("cat \xFF", {"cat"}).empty());
  CHECK(match_keywords("cat", {}).empty());
}

TEST_CASE("keyword matching never matches a blank keyword", "[scoring]") {
  CHECK(match_keywords("the cat sat", {"", "  ", "cat"}) == strings{"cat"});
}

TEST_CASE("keyword matching reports each spelling of one keyword",
          "[scoring]") {
  CHECK(match_keywords("the cat sat", {"cat", "CAT", "cat", "Cat"})
        == strings{"cat", "CAT", "Cat"});
}

TEST_CASE("keyword matching finds keywords that overlap or nest", "[scoring]") {
  // he ends she and starts hers, but stands at no word boundary there.
  CHECK(match_keywords("she sells hers", {"he", "she", "hers", "s", "sells"})
        == strings{"she", "hers", "sells"});
  CHECK(match_keywords("ushers", {"he", "she", "hers", "ushers"})
        == strings{"ushers"});
  // 光合作用 holds 合作 and 作用, which Chinese matches as substrings.
  std::string photosynthesis_zh = "\xE5\x85\x89\xE5\x90\x88\xE4\xBD\x9C"
                                  "\xE7\x94\xA8";
  std::string cooperation_zh = "\xE5\x90\x88\xE4\xBD\x9C"; // 合作
  std::string effect_zh = "\xE4\xBD\x9C\xE7\x94\xA8";      // 作用
  CHECK(match_keywords(photosynthesis_zh,
                       {effect_zh, photosynthesis_zh, cooperation_zh})
        == strings{effect_zh, photosynthesis_zh, cooperation_zh});
}

TEST_CASE("keyword matching handles an answer with 100000 keywords",
          "[scoring]") {
  // Matching keyword by keyword took over a minute here: every keyword
  // rescanned the text and was compared with every keyword found before.
  strings keywords;
  for (int i = 0; i < 100000; ++i)
    keywords.push_back("term" + std::to_string(i));
  // The text names them all in reverse, every tenth first inside a longer
  // word, which does not count, then on its own.
  std::string text;
  for (int i = 99999; i >= 0; --i) {
    if (i % 10 == 0)
      text += "x" + keywords[i] + ' ';
    text += keywords[i] + ' ';
  }
  auto found = match_keywords(text, keywords);
  CHECK(found.size() == 100000);
  CHECK(found == keywords);
  // Without the words on their own, only the longer words remain.
  text.clear();
  for (int i = 99999; i >= 0; --i)
    text += (i % 10 == 0 ? "x" : "") + keywords[i] + ' ';
  found = match_keywords(text, keywords);
  CHECK(found.size() == 90000);
  REQUIRE(found.size() > 9);
  CHECK(found.front() == "term1");
  CHECK(found[8] == "term9");
  CHECK(found[9] == "term11");
  CHECK(found.back() == "term99999");
}

TEST_CASE("keyword matching handles a 1 MB answer with 1000 keywords",
          "[scoring]") {
  strings keywords;
  for (int i = 0; i < 1000; ++i)
    keywords.push_back("Word" + std::to_string(i));
  // The even keywords are spread through 1 MB of filler, the odd ones
  // occur only glued to a neighbour.
  std::string text;
  const std::string filler = "lorem ipsum dolor sit amet, consectetur ";
  for (int i = 0; i < 1000; ++i) {
    while (text.size() < static_cast<size_t>(i + 1) * 1024)
      text += filler;
    text += i % 2 == 0 ? "word" + std::to_string(i) + ' '
                       : "word" + std::to_string(i) + "s ";
  }
  REQUIRE(text.size() > 1000000);
  auto found = match_keywords(text, keywords);
  CHECK(found.size() == 500);
  REQUIRE_FALSE(found.empty());
  CHECK(found.front() == "Word0");
  CHECK(found.back() == "Word998");
}
