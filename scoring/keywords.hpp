#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace grader::scoring {

/// The keywords that occur in `text`, compared in normalized form (see
/// normalize.hpp), returned as the caller spelled them and in the caller's
/// order. A keyword that starts or ends with a letter or digit of a script
/// written with spaces between words (Latin, Greek, Cyrillic) must stand at a
/// word boundary there, so `cat` does not match `category` (a letter of
/// another script, as in Korean `DNA는`, is a boundary); in scripts
/// without such spaces (Chinese) or where particles attach to words
/// (Korean `광합성은`) a plain substring match is used. The text and each
/// keyword are normalized once and all keywords are searched for in one pass,
/// so the cost grows with the text's length plus the keywords' total length
/// (times at most the number of distinct keyword lengths, for texts full of
/// near misses), not with their product.
std::vector<std::string>
match_keywords(std::string_view text, const std::vector<std::string>& keywords);

} // namespace grader::scoring
