#include "scoring/llm_reply.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace grader::scoring {

namespace {

using json = nlohmann::json;

constexpr std::string_view no_object = "reply has no JSON object";
constexpr std::string_view malformed_object
  = "reply's JSON object is malformed";
constexpr std::string_view no_score = "reply has no numeric score";

score_reply failure(std::string_view error) {
  return {std::nullopt, std::string(error)};
}

// The length of the object that opens `text` (which starts with '{'), up to
// and including its closing brace, or npos when it never closes. Braces
// inside strings do not count, so a reasoning like "use {x}" is no trap.
size_t object_length(std::string_view text) {
  size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The first JSON object in `text`, which starts with '{'; discarded when it
// does not parse.
json first_object(std::string_view text) {
  // Most replies are the object alone (perhaps with trailing white space),
  // which parses as it stands; text after the object needs its end found.
  auto result = json::parse(text, nullptr, false);
  if (!result.is_discarded())
    return result;
  auto length = object_length(text);
  if (length == std::string_view::npos)
    return result;
  return json::parse(text.substr(0, length), nullptr, false);
}

// The score as a whole number from 0 to 100, or nothing when `x` is no
// finite number.
std::optional<int32_t> clamped_score(const json& x) {
  if (x.is_number_unsigned())
    return static_cast<int32_t>(std::min<uint64_t>(x.get<uint64_t>(), 100));
  if (x.is_number_integer())
    return static_cast<int32_t>(std::clamp<int64_t>(x.get<int64_t>(), 0, 100));
  if (x.is_number_float()) {
    auto value = x.get<double>();
    if (!std::isfinite(value))
      return std::nullopt;
    // Clamped before rounding, so that lround never sees a huge value.
    return static_cast<int32_t>(std::lround(std::clamp(value, 0.0, 100.0)));
  }
  return std::nullopt;
}

} // namespace

score_reply parse_score_reply(std::string_view content) {
  auto start = content.find('{');
  if (start == std::string_view::npos)
    return failure(no_object);
  auto object = first_object(content.substr(start));
  if (!object.is_object())
    return failure(malformed_object);
  auto score = object.find("score");
  if (score == object.end())
    return failure(no_score);
  auto value = clamped_score(*score);
  if (!value)
    return failure(no_score);
  judged_score verdict;
  verdict.score = *value;
  auto reasoning = object.find("reasoning");
  if (reasoning != object.end() && reasoning->is_string())
    verdict.reasoning = reasoning->get<std::string>();
  return {std::move(verdict), {}};
}

} // namespace grader::scoring
