#pragma once

#include <memory>

#include "net/chat_backend.hpp"

namespace grader::net {

/// The built-in judge answering in this process, without a network: the
/// default when no LLM URL is configured. Replies arrive at once.
std::unique_ptr<chat_backend> make_builtin_judge_backend();

} // namespace grader::net
