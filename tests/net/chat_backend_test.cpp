#include <catch2/catch.hpp>

#include "net/chat_backend.hpp"

using namespace grader::net;

TEST_CASE("chat failure kinds have the names logs and messages show", "[net]") {
  using kind = chat_failure::kind;
  CHECK(to_string(kind::transient) == "transient");
  CHECK(to_string(kind::auth) == "auth");
  CHECK(to_string(kind::not_found) == "not_found");
  CHECK(to_string(kind::bad_request) == "bad_request");
  CHECK(to_string(kind::config) == "config");
}
