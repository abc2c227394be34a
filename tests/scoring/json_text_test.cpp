#include "scoring/json_text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using grader::scoring::json_text;

namespace {

// The same nested value, written by json_text with `indent`.
std::string sample(int indent) {
  std::string text;
  json_text out{text, indent};
  out.begin_object();
  out.member("name", "Ada \"the\" first\n\ttab\\");
  out.member("index", uint64_t{7});
  out.member("score", -3);
  out.member("ok", true);
  out.member("rate", 0.6666666666666666);
  out.member("none", std::vector<std::string>{});
  out.member("words", std::vector<std::string>{"광합성", "光合作用"});
  out.key("error");
  out.begin_object();
  out.member("code", std::string{"\x01"});
  out.end_object();
  out.key("empty");
  out.begin_object();
  out.end_object();
  out.end_object();
  return text;
}

nlohmann::ordered_json sample_document() {
  return {{"name", "Ada \"the\" first\n\ttab\\"},
          {"index", 7},
          {"score", -3},
          {"ok", true},
          {"rate", 0.6666666666666666},
          {"none", nlohmann::ordered_json::array()},
          {"words", {"광합성", "光合作用"}},
          {"error", {{"code", "\x01"}}},
          {"empty", nlohmann::ordered_json::object()}};
}

} // namespace

TEST_CASE("json text is laid out as nlohmann dumps the same value",
          "[codec][no-actors]") {
  CHECK(sample(-1) == sample_document().dump());
  CHECK(sample(2) == sample_document().dump(2));
  CHECK(sample(4) == sample_document().dump(4));
}

TEST_CASE("json text replaces each byte that is not UTF-8 by U+FFFD",
          "[codec][no-actors]") {
  std::string text;
  json_text out{text, -1};
  out.value(std::string_view{"a\xFF\xC3z\xC3\xA9"});
  CHECK(text == "\"a\xEF\xBF\xBD\xEF\xBF\xBDz\xC3\xA9\"");
  CHECK(nlohmann::json::parse(text) == "a\xEF\xBF\xBD\xEF\xBF\xBDz\xC3\xA9");
}

TEST_CASE("json text keeps its layout when its text is taken away between "
          "values",
          "[codec][no-actors]") {
  std::string text;
  std::string taken;
  json_text out{text, 2};
  out.begin_object();
  out.key("list");
  out.begin_array();
  for (int i = 0; i < 3; ++i) {
    out.value(i);
    taken += text;
    text.clear();
  }
  out.end_array();
  out.end_object();
  taken += text;
  CHECK(taken == nlohmann::ordered_json{{"list", {0, 1, 2}}}.dump(2));
}
