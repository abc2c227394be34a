#pragma once

#include <cstdint>
#include <string_view>

namespace grader::scoring {

/// FNV-1a's starting value.
inline constexpr uint64_t fnv1a_basis = 0xcbf29ce484222325;

/// `hash` (the basis, or the hash of what came before) carried on over
/// `text` by 64-bit FNV-1a: a quick, stable hash, not a secure one.
inline uint64_t fnv1a(std::string_view text, uint64_t hash = fnv1a_basis) {
  for (unsigned char byte : text) {
    hash ^= byte;
    hash *= 0x100000001b3;
  }
  return hash;
}

} // namespace grader::scoring
