#pragma once

#include "scoring/chat.hpp"

namespace grader {

using scoring::chat_message;
using scoring::chat_reply;
using scoring::chat_request;
using scoring::chat_usage;
using scoring::response_format;

} // namespace grader

namespace grader::scoring {

// The chat types belong to scoring/; their inspect overloads live in that
// namespace for CAF to find them by argument-dependent lookup.

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_message& x) {
  return f(x.role, x.content);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_request& x) {
  return f(x.messages, x.temperature, x.seeded, x.seed, x.max_tokens, x.format,
           x.schema_name, x.schema);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_usage& x) {
  return f(x.prompt_tokens, x.completion_tokens);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chat_reply& x) {
  return f(x.content, x.usage);
}

} // namespace grader::scoring
