#pragma once

#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>

#include "messages/ec.hpp"

// Lets `caf::make_error(grader::ec::..., "text")` build errors of category
// "grader" that `actor_system::render` prints by name.
CAF_ERROR_CODE_ENUM(grader::ec, "grader")

namespace grader {

/// The human-readable text of `err` without an actor system at hand: the
/// context string of a grader error, else CAF's rendering.
std::string error_text(const caf::error& err);

} // namespace grader
