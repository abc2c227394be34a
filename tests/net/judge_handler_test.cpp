#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/fixtures/test_answers.hpp"

#include "net/judge_handler.hpp"
#include "net/openai_codec.hpp"
#include "scoring/judge.hpp"
#include "scoring/llm_reply.hpp"
#include "scoring/prompts.hpp"

using namespace grader;
using namespace grader::net;
using namespace std::chrono_literals;

using json = nlohmann::json;

namespace {

constexpr std::string_view completions = "/v1/chat/completions";

// A score request whose student answer carries `extra`, e.g. a directive.
std::string score_body(const std::string& extra = {}) {
  auto x = test::short_answer("Plants need light and water. " + extra,
                              {"light", "water", "glucose"});
  return encode_chat_request(scoring::short_answer_prompt(x), "judge");
}

judge_server_options with_faults() {
  judge_server_options options;
  options.faults = true;
  return options;
}

// The score in a completion body.
int32_t score_of(const judge_response& x) {
  auto reply = decode_chat_reply(x.body);
  REQUIRE(std::holds_alternative<scoring::chat_reply>(reply));
  auto parsed
    = scoring::parse_score_reply(std::get<scoring::chat_reply>(reply).content);
  REQUIRE(parsed.verdict);
  return parsed.verdict->score;
}

std::string header(const judge_response& x, const std::string& name) {
  for (const auto& [key, value] : x.headers) {
    if (key == name)
      return value;
  }
  return {};
}

} // namespace

TEST_CASE("judge handler answers a score request as the built-in judge",
          "[net]") {
  judge_handler handler{judge_server_options{}};
  auto body = score_body();
  auto response = handler.handle("POST", completions, body);
  CHECK(response.status == 200);
  CHECK(response.action == judge_action::respond);
  CHECK(response.delay == 0ms);
  auto request = std::get<scoring::chat_request>(decode_chat_request(body));
  auto expected = scoring::judge_reply(request);
  CHECK(std::get<scoring::chat_reply>(decode_chat_reply(response.body))
        == expected);
  CHECK(handler.handle("POST", "/chat/completions?x=1", body).status == 200);
}

TEST_CASE("judge handler routes by method and path", "[net]") {
  judge_handler handler{judge_server_options{}};
  auto not_allowed = handler.handle("GET", completions, "");
  CHECK(not_allowed.status == 405);
  CHECK(header(not_allowed, "Allow") == "POST");
  CHECK(handler.handle("POST", "/stats", "").status == 405);
  CHECK(handler.handle("GET", "/v2/models", "").status == 404);
  auto health = handler.handle("GET", "/health", "");
  CHECK(health.status == 200);
  CHECK(health.content_type == "text/plain");
  CHECK(health.body == "ok");
}

TEST_CASE("judge handler names what is wrong with a bad request", "[net]") {
  judge_handler handler{judge_server_options{}};
  auto response = handler.handle("POST", completions, R"({"model": "x"})");
  CHECK(response.status == 400);
  CHECK(json::parse(response.body)
        == json{{"error",
                 {{"message", "request has no messages array"},
                  {"type", "invalid_request_error"}}}});
  CHECK(handler.too_large(1024).status == 413);
}

TEST_CASE("judge handler answers unreadable requests with 400 and 431",
          "[net]") {
  judge_handler handler{judge_server_options{}};
  auto malformed = handler.malformed("bad method");
  CHECK(malformed.status == 400);
  CHECK(malformed.action == judge_action::respond);
  CHECK(json::parse(malformed.body)
        == json{{"error",
                 {{"message", "request is not HTTP/1.1: bad method"},
                  {"type", "invalid_request_error"}}}});
  auto header = handler.header_too_large(8192);
  CHECK(header.status == 431);
  CHECK(json::parse(header.body)["error"]["message"]
        == "request header exceeds 8192 bytes");
  CHECK(handler.stats().requests == 2);
}

TEST_CASE("judge handler counts requests and completions", "[net]") {
  judge_handler handler{judge_server_options{}};
  handler.count_connection();
  handler.handle("POST", completions, score_body());
  handler.handle("POST", completions, "not json");
  auto stats = json::parse(handler.handle("GET", "/stats", "").body);
  CHECK(stats
        == json{{"connections_accepted", 1},
                {"requests", 3},
                {"completions", 1},
                {"in_flight", 0},
                {"most_in_flight", 0},
                {"format_refusals", 0}});
  CHECK(handler.stats().requests == 3);
}

TEST_CASE("judge handler delays only completions by latency and jitter",
          "[net]") {
  judge_server_options options;
  options.latency = 200ms;
  options.jitter = 50ms;
  judge_handler handler{options};
  for (int i = 0; i < 20; ++i) {
    auto delay = handler.handle("POST", completions, score_body()).delay;
    CHECK(delay >= 200ms);
    CHECK(delay <= 250ms);
  }
  CHECK(handler.handle("GET", "/stats", "").delay == 0ms);
}

TEST_CASE("judge handler obeys each fault directive", "[net]") {
  judge_handler handler{with_faults()};
  auto respond = [&](const std::string& directive) {
    return handler.handle("POST", completions, score_body(directive));
  };

  SECTION("hang and reset") {
    CHECK(respond("[[fault:hang]]").action == judge_action::hang);
    CHECK(respond("[[fault:reset]]").action == judge_action::reset);
  }

  SECTION("slow") {
    auto response = respond("[[fault:slow]]");
    CHECK(response.delay == 1000ms);
    CHECK(response.status == 200);
  }

  SECTION("error statuses") {
    auto limited = respond("[[fault:429]]");
    CHECK(limited.status == 429);
    CHECK(header(limited, "Retry-After") == "1");
    auto for_days = respond("[[fault:429_long]]");
    CHECK(for_days.status == 429);
    CHECK(header(for_days, "Retry-After") == "999999");
    CHECK(json::parse(limited.body)
          == json{
            {"error", {{"message", "rate limited"}, {"type", "rate_limit"}}}});
    CHECK(respond("[[fault:500]]").status == 500);
    CHECK(respond("[[fault:503]]").status == 503);
    CHECK(respond("[[fault:401]]").status == 401);
    CHECK(json::parse(respond("[[fault:500]]").body)["error"].is_object());
  }

  SECTION("malformed replies") {
    auto body = respond("[[fault:malformed_body]]");
    CHECK(body.status == 200);
    CHECK(body.body == R"({"choices": [)");
    auto content = respond("[[fault:malformed_content]]");
    auto reply = std::get<scoring::chat_reply>(decode_chat_reply(content.body));
    CHECK(reply.content == "I think it deserves a good score.");
    CHECK(respond("[[fault:out_of_range]]").body.find("\"score\\\":150")
          != std::string::npos);
    CHECK(score_of(respond("[[fault:out_of_range]]")) == 100);
  }

  SECTION("an unknown or malformed directive is text") {
    CHECK(respond("[[fault:explode]]").status == 200);
    CHECK(respond("[[fault:500*]]").status == 200);
    CHECK(respond("[[fault:500*0]]").status == 200);
    CHECK(respond("[[fault:500*x]]").status == 200);
    CHECK(respond("[[fault:500").status == 200);
    CHECK(respond("[[fault:explode]] [[fault:503]]").status == 503);
  }
}

TEST_CASE("judge handler misbehaves only N times per request body", "[net]") {
  judge_handler handler{with_faults()};
  auto body = score_body("[[fault:500*2]]");
  CHECK(handler.handle("POST", completions, body).status == 500);
  CHECK(handler.handle("POST", completions, body).status == 500);
  CHECK(handler.handle("POST", completions, body).status == 200);
  CHECK(handler.handle("POST", completions, body).status == 200);
  auto other = score_body("again [[fault:500*2]]");
  CHECK(handler.handle("POST", completions, other).status == 500);
  CHECK(handler.stats().completions == 2);
}

TEST_CASE("judge handler treats directives as text without faults", "[net]") {
  judge_handler handler{judge_server_options{}};
  auto body = score_body("[[fault:hang]]");
  auto response = handler.handle("POST", completions, body);
  CHECK(response.action == judge_action::respond);
  CHECK(response.status == 200);
  CHECK(score_of(response) < 80);
}

TEST_CASE("judge handler honours response_format and refuses those it is "
          "told to",
          "[net]") {
  auto x = test::short_answer("Plants need light and water.",
                              {"light", "water", "glucose"});
  auto request = scoring::short_answer_prompt(x);
  REQUIRE(request.format == scoring::response_format::json_schema);
  auto schema = json::parse(request.schema);
  CHECK(schema["required"] == json::array({"score", "reasoning"}));
  CHECK(schema["additionalProperties"] == false);
  judge_server_options options;
  options.refused_formats = {scoring::response_format::json_schema};
  judge_handler handler{options};
  auto refused = handler.handle("POST", completions,
                                encode_chat_request(request, "judge"));
  CHECK(refused.status == 400);
  CHECK(json::parse(refused.body)["error"]["message"]
        == "Invalid parameter: 'response_format' of type 'json_schema' is "
           "not supported with this model.");
  request.format = scoring::response_format::json_object;
  auto taken = handler.handle("POST", completions,
                              encode_chat_request(request, "judge"));
  REQUIRE(taken.status == 200);
  // The reply is the object the schema describes, and nothing else.
  auto content = json::parse(
    std::get<scoring::chat_reply>(decode_chat_reply(taken.body)).content);
  CHECK(content.size() == 2);
  CHECK(content["score"].is_number_integer());
  CHECK(content["reasoning"].is_string());
  CHECK(handler.stats().format_refusals == 1);
  CHECK(handler.stats().completions == 1);
}
