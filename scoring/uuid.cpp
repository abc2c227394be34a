#include "scoring/uuid.hpp"

#include <cstdint>
#include <cstdio>

namespace grader::scoring {

std::string make_uuid(std::mt19937_64& random) {
  uint64_t hi = random();
  uint64_t lo = random();
  // Version 4 in the high bits of the third group, variant 10 in the fourth.
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  auto hex = [](uint64_t x) { return static_cast<unsigned long long>(x); };
  char text[37];
  std::snprintf(text, sizeof(text), "%08llx-%04llx-%04llx-%04llx-%012llx",
                hex(hi >> 32), hex((hi >> 16) & 0xFFFF), hex(hi & 0xFFFF),
                hex(lo >> 48), hex(lo & 0xFFFFFFFFFFFFull));
  return text;
}

} // namespace grader::scoring
