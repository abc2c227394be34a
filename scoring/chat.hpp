#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scoring/structured_output.hpp"

namespace grader::scoring {

/// One message of a chat-completions conversation.
struct chat_message {
  /// "system", "user" or "assistant".
  std::string role;
  std::string content;

  friend bool operator==(const chat_message& x, const chat_message& y) {
    return x.role == y.role && x.content == y.content;
  }
};

/// A request to an OpenAI-compatible chat-completions endpoint, without the
/// transport details (URL, key).
struct chat_request {
  std::vector<chat_message> messages;
  double temperature = 0;
  /// Whether the request carries `seed`, which asks the endpoint to sample
  /// deterministically (best effort).
  bool seeded = false;
  uint64_t seed = 0;
  uint32_t max_tokens = 400;
  /// The shape the reply is asked for (`response_format`); with
  /// json_schema, `schema` is the JSON Schema of the reply object, as JSON
  /// text, and `schema_name` its name.
  response_format format = response_format::text;
  std::string schema_name;
  std::string schema;

  friend bool operator==(const chat_request& x, const chat_request& y) {
    return x.messages == y.messages && x.temperature == y.temperature
           && x.seeded == y.seeded && x.seed == y.seed
           && x.max_tokens == y.max_tokens && x.format == y.format
           && x.schema_name == y.schema_name && x.schema == y.schema;
  }
};

/// Token counts an endpoint reports for one call.
struct chat_usage {
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;

  friend bool operator==(const chat_usage& x, const chat_usage& y) {
    return x.prompt_tokens == y.prompt_tokens
           && x.completion_tokens == y.completion_tokens;
  }
};

/// What the model answered: `choices[0].message.content` and `usage`.
struct chat_reply {
  std::string content;
  chat_usage usage;

  friend bool operator==(const chat_reply& x, const chat_reply& y) {
    return x.content == y.content && x.usage == y.usage;
  }
};

} // namespace grader::scoring
