#include "net/openai_codec.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "scoring/json_text.hpp"

namespace grader::net {

namespace {

using json = nlohmann::json;
// Keeps the keys in the order OpenAI documents them: easier to read in logs.
using ordered_json = nlohmann::ordered_json;

// Invalid UTF-8 from a model or a student becomes U+FFFD, not an exception.
std::string compact(const ordered_json& x) {
  return x.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A missing or null optional field, as clients send either.
bool absent(const json& object, const char* key) {
  auto field = object.find(key);
  return field == object.end() || field->is_null();
}

std::optional<std::string> read_message(const json& x,
                                        scoring::chat_message& message) {
  if (!x.is_object())
    return "is not an object";
  auto role = x.find("role");
  if (role == x.end() || !role->is_string())
    return "has no role string";
  auto content = x.find("content");
  if (content == x.end() || !content->is_string())
    return "has no content string";
  message.role = role->get<std::string>();
  message.content = content->get<std::string>();
  return std::nullopt;
}

uint64_t count_field(const json& usage, const char* key) {
  auto field = usage.find(key);
  if (field == usage.end() || !field->is_number_unsigned())
    return 0;
  return field->get<uint64_t>();
}

// Reads `response_format` into `request`; on failure, what is wrong, after
// the field's name (".type is missing").
std::optional<std::string>
read_response_format(const json& x, scoring::chat_request& request) {
  if (!x.is_object())
    return std::string{" is not an object"};
  auto type = x.find("type");
  if (type == x.end() || !type->is_string())
    return std::string{".type is not a string"};
  auto name = type->get<std::string>();
  if (name == "text")
    return std::nullopt;
  if (name == "json_object") {
    request.format = scoring::response_format::json_object;
    return std::nullopt;
  }
  if (name != "json_schema")
    return ".type '" + name + "' is not text, json_object or json_schema";
  auto spec = x.find("json_schema");
  if (spec == x.end() || !spec->is_object())
    return std::string{".json_schema is not an object"};
  auto schema = spec->find("schema");
  if (schema == spec->end() || !schema->is_object())
    return std::string{".json_schema.schema is not an object"};
  auto schema_name = spec->find("name");
  if (schema_name == spec->end() || !schema_name->is_string())
    return std::string{".json_schema.name is not a string"};
  request.format = scoring::response_format::json_schema;
  request.schema_name = schema_name->get<std::string>();
  request.schema = schema->dump();
  return std::nullopt;
}

} // namespace

std::string encode_chat_request(const scoring::chat_request& x,
                                const std::string& model) {
  // Written straight as text: this runs once per call, on the gateway's
  // path, and a document of the prompt would copy it twice first.
  std::string body;
  body.reserve(256 + [&] {
    size_t bytes = 0;
    for (const auto& message : x.messages)
      bytes += message.content.size() + message.role.size();
    return bytes + bytes / 8;
  }());
  scoring::json_text out{body, -1};
  out.begin_object();
  out.member("model", model);
  out.key("messages");
  out.begin_array();
  for (const auto& message : x.messages) {
    out.begin_object();
    out.member("role", message.role);
    out.member("content", message.content);
    out.end_object();
  }
  out.end_array();
  out.member("temperature", x.temperature);
  if (x.seeded)
    out.member("seed", x.seed);
  out.member("max_tokens", x.max_tokens);
  if (x.format == scoring::response_format::json_object) {
    out.key("response_format");
    out.begin_object();
    out.member("type", "json_object");
    out.end_object();
  } else if (x.format == scoring::response_format::json_schema) {
    // OpenAI's nested form, which vLLM, llama.cpp's server, Ollama's /v1
    // and SGLang read too.
    out.key("response_format");
    out.begin_object();
    out.member("type", "json_schema");
    out.key("json_schema");
    out.begin_object();
    out.member("name", x.schema_name);
    out.member("strict", true);
    out.key("schema");
    out.raw(x.schema);
    out.end_object();
    out.end_object();
  }
  out.end_object();
  return body;
}

std::variant<scoring::chat_request, std::string>
decode_chat_request(std::string_view body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    return std::string("request body is not JSON");
  if (!parsed.is_object())
    return std::string("request body is not a JSON object");
  auto messages = parsed.find("messages");
  if (messages == parsed.end() || !messages->is_array())
    return std::string("request has no messages array");
  scoring::chat_request result;
  for (size_t i = 0; i < messages->size(); ++i) {
    scoring::chat_message message;
    if (auto problem = read_message((*messages)[i], message))
      return "request's messages[" + std::to_string(i) + "] " + *problem;
    result.messages.push_back(std::move(message));
  }
  if (!absent(parsed, "temperature")) {
    const auto& temperature = parsed["temperature"];
    if (!temperature.is_number())
      return std::string("request's temperature is not a number");
    result.temperature = temperature.get<double>();
  }
  if (!absent(parsed, "seed")) {
    const auto& seed = parsed["seed"];
    if (!seed.is_number_unsigned())
      return std::string("request's seed is not a non-negative integer");
    result.seeded = true;
    result.seed = seed.get<uint64_t>();
  }
  if (!absent(parsed, "max_tokens")) {
    const auto& max_tokens = parsed["max_tokens"];
    if (!max_tokens.is_number_unsigned()
        || max_tokens.get<uint64_t>() > std::numeric_limits<uint32_t>::max())
      return std::string("request's max_tokens is not a token count");
    result.max_tokens = max_tokens.get<uint32_t>();
  }
  if (!absent(parsed, "response_format"))
    if (auto problem = read_response_format(parsed["response_format"], result))
      return "request's response_format" + *problem;
  return result;
}

std::string encode_chat_reply(const scoring::chat_reply& x,
                              const std::string& model) {
  // Unique within the process, which is all a caller can rely on anyway.
  static std::atomic<uint64_t> next_id{1};
  auto created = std::chrono::duration_cast<std::chrono::seconds>(
    std::chrono::system_clock::now().time_since_epoch());
  ordered_json message;
  message["role"] = "assistant";
  message["content"] = x.content;
  ordered_json choice;
  choice["index"] = 0;
  choice["message"] = std::move(message);
  choice["finish_reason"] = "stop";
  ordered_json usage;
  usage["prompt_tokens"] = x.usage.prompt_tokens;
  usage["completion_tokens"] = x.usage.completion_tokens;
  usage["total_tokens"] = x.usage.prompt_tokens + x.usage.completion_tokens;
  ordered_json body;
  body["id"] = "chatcmpl-judge-" + std::to_string(next_id++);
  body["object"] = "chat.completion";
  body["created"] = created.count();
  body["model"] = model;
  body["choices"] = ordered_json::array({std::move(choice)});
  body["usage"] = std::move(usage);
  return compact(body);
}

std::variant<scoring::chat_reply, std::string>
decode_chat_reply(std::string_view body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    return std::string("response body is not JSON");
  // An error body or a proxy's page can be any JSON at all: contains()
  // checks every step of the path.
  const json::json_pointer content_path("/choices/0/message/content");
  if (!parsed.contains(content_path) || !parsed[content_path].is_string())
    return std::string("response has no choices[0].message.content");
  scoring::chat_reply result;
  result.content = parsed[content_path].get<std::string>();
  auto usage = parsed.find("usage");
  if (usage != parsed.end() && usage->is_object()) {
    result.usage.prompt_tokens = count_field(*usage, "prompt_tokens");
    result.usage.completion_tokens = count_field(*usage, "completion_tokens");
  }
  return result;
}

} // namespace grader::net
