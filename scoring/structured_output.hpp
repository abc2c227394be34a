#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace grader::scoring {

/// How a chat request asks for its reply's shape (OpenAI's
/// `response_format`), from the weakest to the strongest.
enum class response_format : uint8_t {
  /// No `response_format`: the prompt alone asks for JSON.
  text,
  /// `{"type": "json_object"}`: any JSON object.
  json_object,
  /// `{"type": "json_schema", ...}`: an object of the request's schema.
  json_schema,
};

/// The wire name of a format: `"off"` (text), `"json_object"`,
/// `"json_schema"`.
std::string_view to_string(response_format x);

/// Reads a wire name; nothing when it names no format.
std::optional<response_format> parse_response_format(std::string_view name);

/// Which formats the score calls of one endpoint are sent with
/// (--structured). `auto` starts at the strongest and steps down, once per
/// format, when the endpoint refuses one; a fixed format is sent as asked
/// (at most that strong) and a refusal is a refusal.
class structured_output {
public:
  /// `auto`.
  structured_output() = default;

  /// A fixed format: never stronger than `most`, never stepping down.
  explicit structured_output(response_format most)
    : level_(most), stepping_(false) {
  }

  /// Reads --structured: `auto`, `json_schema`, `json_object` or `off`.
  static std::optional<structured_output> parse(std::string_view name);

  /// The format a request that asks for `wanted` goes out with now.
  response_format sendable(response_format wanted) const {
    return wanted < level_ ? wanted : level_;
  }

  /// The endpoint refused a request sent with `refused`: under `auto`,
  /// steps down below it unless an earlier refusal already did. Returns
  /// whether the request may go again at a weaker format.
  bool refused(response_format refused);

  /// The strongest format sent from now on.
  response_format level() const {
    return level_;
  }

  /// Whether the format steps down on a refusal (`auto`).
  bool stepping() const {
    return stepping_;
  }

private:
  response_format level_ = response_format::json_schema;
  bool stepping_ = true;
};

} // namespace grader::scoring
