#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "net/openai_codec.hpp"

using namespace grader;
using namespace grader::net;

using json = nlohmann::json;

namespace {

scoring::chat_request sample_request() {
  scoring::chat_request x;
  x.messages = {{"system", "Be fair."}, {"user", "Score \"this\"\n{}"}};
  x.temperature = 0.5;
  x.max_tokens = 200;
  return x;
}

template <class T>
T decoded(const std::variant<T, std::string>& x) {
  if (auto error = std::get_if<std::string>(&x))
    FAIL("decoding failed: " << *error);
  return std::get<T>(x);
}

template <class T>
std::string error(const std::variant<T, std::string>& x) {
  REQUIRE(std::holds_alternative<std::string>(x));
  return std::get<std::string>(x);
}

} // namespace

TEST_CASE("a chat request encodes as OpenAI documents it", "[net]") {
  auto body = json::parse(encode_chat_request(sample_request(), "gpt-x"));
  CHECK(body
        == json{{"model", "gpt-x"},
                {"messages",
                 {{{"role", "system"}, {"content", "Be fair."}},
                  {{"role", "user"}, {"content", "Score \"this\"\n{}"}}}},
                {"temperature", 0.5},
                {"max_tokens", 200}});
}

TEST_CASE("a chat request survives encoding and decoding", "[net]") {
  auto x = sample_request();
  CHECK(decoded(decode_chat_request(encode_chat_request(x, "m"))) == x);
  x.seeded = true;
  x.seed = 9007199254740993;
  CHECK(decoded(decode_chat_request(encode_chat_request(x, "m"))) == x);
}

TEST_CASE("a seeded chat request carries its seed, an unseeded one none",
          "[net]") {
  auto x = sample_request();
  CHECK_FALSE(json::parse(encode_chat_request(x, "m")).contains("seed"));
  x.seeded = true;
  x.seed = 0;
  CHECK(json::parse(encode_chat_request(x, "m"))["seed"] == 0);
  x.seed = 42;
  CHECK(json::parse(encode_chat_request(x, "m"))["seed"] == 42);
}

TEST_CASE("a chat request asks for its reply's shape with OpenAI's nested "
          "response_format",
          "[net]") {
  auto x = sample_request();
  CHECK_FALSE(
    json::parse(encode_chat_request(x, "m")).contains("response_format"));
  x.format = scoring::response_format::json_object;
  CHECK(json::parse(encode_chat_request(x, "m"))["response_format"]
        == json{{"type", "json_object"}});
  x.format = scoring::response_format::json_schema;
  x.schema_name = "grade";
  // In the order the decoder writes a schema back: keys sorted.
  x.schema = R"({"additionalProperties":false,)"
             R"("properties":{"score":{"type":"integer"}},)"
             R"("required":["score"],"type":"object"})";
  auto body = json::parse(encode_chat_request(x, "m"));
  CHECK(body["response_format"]
        == json{{"type", "json_schema"},
                {"json_schema",
                 {{"name", "grade"},
                  {"strict", true},
                  {"schema", json::parse(x.schema)}}}});
  CHECK(decoded(decode_chat_request(encode_chat_request(x, "m"))) == x);
  SECTION("text is the same as none") {
    auto text = R"({"messages": [], "response_format": {"type": "text"}})";
    CHECK(decoded(decode_chat_request(text)).format
          == scoring::response_format::text);
  }
}

TEST_CASE("a broken response_format is named", "[net]") {
  auto with = [](const std::string& format) {
    return error(decode_chat_request(R"({"messages": [], "response_format": )"
                                     + format + "}"));
  };
  CHECK(with("\"json\"") == "request's response_format is not an object");
  CHECK(with("{}") == "request's response_format.type is not a string");
  CHECK(with(R"({"type": "yaml"})")
        == "request's response_format.type 'yaml' is not text, json_object "
           "or json_schema");
  CHECK(with(R"({"type": "json_schema"})")
        == "request's response_format.json_schema is not an object");
  CHECK(with(R"({"type": "json_schema", "json_schema": {"name": "g"}})")
        == "request's response_format.json_schema.schema is not an object");
  CHECK(with(R"({"type": "json_schema", "json_schema": {"schema": {}}})")
        == "request's response_format.json_schema.name is not a string");
}

TEST_CASE("a chat request's temperature and max_tokens are optional", "[net]") {
  auto x = decoded(decode_chat_request(
    R"({"messages": [{"role": "user", "content": "hi"}]})"));
  CHECK(x.messages == std::vector<scoring::chat_message>{{"user", "hi"}});
  CHECK(x.temperature == scoring::chat_request{}.temperature);
  CHECK(x.max_tokens == scoring::chat_request{}.max_tokens);
  auto y = decoded(decode_chat_request(
    R"({"messages": [], "temperature": null, "max_tokens": null})"));
  CHECK(y.max_tokens == scoring::chat_request{}.max_tokens);
}

TEST_CASE("a broken chat request is named", "[net]") {
  CHECK(error(decode_chat_request("hello")) == "request body is not JSON");
  CHECK(error(decode_chat_request("[1]"))
        == "request body is not a JSON object");
  CHECK(error(decode_chat_request("{}")) == "request has no messages array");
  CHECK(error(decode_chat_request(R"({"messages": "hi"})"))
        == "request has no messages array");
  CHECK(error(decode_chat_request(R"({"messages": [{"role": "user"}]})"))
        == "request's messages[0] has no content string");
  CHECK(error(decode_chat_request(
          R"({"messages": [{"role": "user", "content": "a"}, 5]})"))
        == "request's messages[1] is not an object");
  CHECK(error(decode_chat_request(R"({"messages": [], "temperature": "0"})"))
        == "request's temperature is not a number");
  CHECK(error(decode_chat_request(R"({"messages": [], "seed": 1.5})"))
        == "request's seed is not a non-negative integer");
  CHECK(error(decode_chat_request(R"({"messages": [], "seed": -3})"))
        == "request's seed is not a non-negative integer");
  CHECK(error(decode_chat_request(R"({"messages": [], "max_tokens": -1})"))
        == "request's max_tokens is not a token count");
}

TEST_CASE("a chat reply encodes with one choice and usage", "[net]") {
  scoring::chat_reply x{"{\"score\": 80}", {120, 7}};
  auto body = json::parse(encode_chat_reply(x, "grader-judge"));
  CHECK_THAT(body["id"].get<std::string>(),
             Catch::StartsWith("chatcmpl-judge-"));
  CHECK(body["object"] == "chat.completion");
  CHECK(body["created"].is_number_integer());
  CHECK(body["model"] == "grader-judge");
  CHECK(
    body["choices"]
    == json::array(
      {{{"index", 0},
        {"message", {{"role", "assistant"}, {"content", "{\"score\": 80}"}}},
        {"finish_reason", "stop"}}}));
  CHECK(body["usage"]
        == json{{"prompt_tokens", 120},
                {"completion_tokens", 7},
                {"total_tokens", 127}});
}

TEST_CASE("a chat reply survives encoding and decoding", "[net]") {
  scoring::chat_reply x{"Zwei Sätze.\nNoch einer.", {10, 3}};
  CHECK(decoded(decode_chat_reply(encode_chat_reply(x, "m"))) == x);
}

TEST_CASE("a chat reply's usage is optional", "[net]") {
  auto x = decoded(decode_chat_reply(
    R"({"choices": [{"message": {"content": "ok"}}], "usage": "none"})"));
  CHECK(x == scoring::chat_reply{"ok", {}});
}

TEST_CASE("a chat reply without content is named", "[net]") {
  const std::string missing = "response has no choices[0].message.content";
  CHECK(error(decode_chat_reply(R"({"choices": [)"))
        == "response body is not JSON");
  CHECK(error(decode_chat_reply("<html>Bad gateway</html>"))
        == "response body is not JSON");
  CHECK(error(decode_chat_reply(
          R"({"error": {"message": "rate limited", "type": "rate_limit"}})"))
        == missing);
  CHECK(error(decode_chat_reply(R"({"choices": []})")) == missing);
  CHECK(error(decode_chat_reply(R"({"choices": {"0": 1}})")) == missing);
  CHECK(error(decode_chat_reply(R"({"choices": [{"message": "hi"}]})"))
        == missing);
  CHECK(
    error(decode_chat_reply(R"({"choices": [{"message": {"content": null}}]})"))
    == missing);
  CHECK(error(decode_chat_reply("42")) == missing);
}
