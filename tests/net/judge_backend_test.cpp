#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <variant>

#include "net/judge_backend.hpp"
#include "scoring/judge.hpp"

using namespace grader;
using namespace grader::net;

TEST_CASE("built-in judge backend replies at once with the judge's reply",
          "[net]") {
  auto backend = make_builtin_judge_backend();
  CHECK(backend->description() == "built-in judge");
  scoring::chat_request request;
  request.messages.push_back({"user", "Score this."});
  std::optional<chat_outcome> outcome;
  backend->complete(request, std::chrono::milliseconds{0},
                    [&outcome](chat_outcome x) { outcome = std::move(x); });
  // Called back before complete() returns, on this thread.
  REQUIRE(outcome.has_value());
  REQUIRE(std::holds_alternative<scoring::chat_reply>(*outcome));
  CHECK(std::get<scoring::chat_reply>(*outcome)
        == scoring::judge_reply(request));
}
