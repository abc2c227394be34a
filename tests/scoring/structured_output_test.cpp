#include <catch2/catch.hpp>

#include "scoring/structured_output.hpp"

using namespace grader::scoring;

TEST_CASE("structured output under auto steps down once per refused format",
          "[scoring]") {
  structured_output x;
  CHECK(x.stepping());
  CHECK(x.sendable(response_format::json_schema)
        == response_format::json_schema);
  // A request that asks for less gets no more.
  CHECK(x.sendable(response_format::text) == response_format::text);
  CHECK(x.refused(response_format::json_schema));
  CHECK(x.level() == response_format::json_object);
  CHECK(x.sendable(response_format::json_schema)
        == response_format::json_object);
  // A call sent before the step comes back refused too: it goes again, and
  // the format stays where the first refusal put it.
  CHECK(x.refused(response_format::json_schema));
  CHECK(x.level() == response_format::json_object);
  CHECK(x.refused(response_format::json_object));
  CHECK(x.level() == response_format::text);
  // Nothing is left to drop.
  CHECK_FALSE(x.refused(response_format::text));
}

TEST_CASE("a fixed structured output never steps down", "[scoring]") {
  auto x = structured_output::parse("json_object");
  REQUIRE(x);
  CHECK_FALSE(x->stepping());
  CHECK(x->sendable(response_format::json_schema)
        == response_format::json_object);
  CHECK_FALSE(x->refused(response_format::json_object));
  CHECK(x->level() == response_format::json_object);
  CHECK(structured_output::parse("off")->sendable(response_format::json_schema)
        == response_format::text);
  CHECK(structured_output::parse("auto")->stepping());
  CHECK_FALSE(structured_output::parse("yes"));
}

TEST_CASE("response formats have wire names", "[scoring]") {
  CHECK(to_string(response_format::text) == "off");
  CHECK(to_string(response_format::json_schema) == "json_schema");
  CHECK(parse_response_format("json_object") == response_format::json_object);
  CHECK_FALSE(parse_response_format("text"));
}
