#pragma once

#include <random>
#include <string>

namespace grader::scoring {

/// A random (version 4) UUID drawn from `random`, for session and attempt
/// ids that must not repeat across batches, processes or nodes.
std::string make_uuid(std::mt19937_64& random);

} // namespace grader::scoring
