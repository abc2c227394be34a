#include "scoring/reply_cache.hpp"

#include <catch2/catch.hpp>

using namespace grader::scoring;

namespace {

chat_reply reply(std::string content) {
  chat_reply x;
  x.content = std::move(content);
  x.usage.prompt_tokens = 3;
  return x;
}

} // namespace

TEST_CASE("reply cache returns the reply stored under a key", "[scoring]") {
  reply_cache cache{2};
  CHECK(cache.find("a") == nullptr);
  cache.put("a", reply("one"));
  auto* hit = cache.find("a");
  REQUIRE(hit != nullptr);
  CHECK(*hit == reply("one"));
  cache.put("a", reply("two"));
  CHECK(cache.size() == 1);
  CHECK(cache.find("a")->content == "two");
}

TEST_CASE("reply cache forgets the least recently used reply when full",
          "[scoring]") {
  reply_cache cache{2};
  cache.put("a", reply("one"));
  cache.put("b", reply("two"));
  SECTION("without use, the oldest goes") {
    cache.put("c", reply("three"));
    CHECK(cache.find("a") == nullptr);
    CHECK(cache.find("b") != nullptr);
    CHECK(cache.find("c") != nullptr);
  }
  SECTION("a reply just found stays") {
    CHECK(cache.find("a") != nullptr);
    cache.put("c", reply("three"));
    CHECK(cache.find("a") != nullptr);
    CHECK(cache.find("b") == nullptr);
  }
  CHECK(cache.size() == 2);
}

TEST_CASE("reply cache of capacity 0 keeps nothing", "[scoring]") {
  reply_cache cache{0};
  cache.put("a", reply("one"));
  CHECK(cache.size() == 0);
  CHECK(cache.find("a") == nullptr);
}
