#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "scoring/chat.hpp"

namespace grader::net {

/// The JSON body of `POST {base_url}/chat/completions`: `model`, `messages`,
/// `temperature`, `seed` (when the request is seeded), `max_tokens`, and
/// `response_format` unless the request's format is text.
std::string encode_chat_request(const scoring::chat_request& x,
                                const std::string& model);

/// Reads a chat-completions request body (the server side, for the judge).
/// On failure, the variant holds a message naming what is wrong.
std::variant<scoring::chat_request, std::string>
decode_chat_request(std::string_view body);

/// The JSON body of a chat-completions response with one choice.
std::string encode_chat_reply(const scoring::chat_reply& x,
                              const std::string& model);

/// Reads `choices[0].message.content` and `usage` from a response body. On
/// failure, the variant holds a message naming what is missing.
std::variant<scoring::chat_reply, std::string>
decode_chat_reply(std::string_view body);

} // namespace grader::net
