#pragma once

// The one place where input bytes become JSON values. nlohmann's parser on
// its own ends a text at a NUL byte, keeps the last of two equal keys and
// stops the whole text at one number too large for a double or one invalid
// UTF-8 byte. This reader finds all of those. A problem with one value
// (a repeated key, a huge number, a string that is not UTF-8) is reported
// with that value's path and reading goes on, so that a batch can fail one
// answer instead of all. Text that is not JSON ends the reading, with the
// byte offset where it went wrong.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace grader::detail {

/// What is wrong with one value of a JSON text that was read nevertheless.
/// The value itself reads as null.
struct json_value_problem {
  /// Where the value is, from the root or from the item it belongs to:
  /// `difficulty`, `correct_keywords[2]`, `metrics.llm`; empty for the root
  /// (or the item) itself.
  std::string path;
  /// The first part of `path` when it is a key: the field of an item or
  /// root object that holds the bad value.
  std::string field;
  /// What is wrong, to follow the path: `is given twice`, `is out of range:
  /// 1e400`, `is not valid UTF-8`.
  std::string what;
  /// Byte offset of the value in the text; only for problems outside items
  /// (std::string::npos inside an item).
  size_t offset = std::string::npos;

  /// The problem as one phrase: `difficulty is out of range: 1e400`, or with
  /// an empty path `<root_name> is out of range: 1e400`.
  std::string text(std::string_view root_name) const;
};

/// Why a text holds no readable JSON value, and where.
struct json_syntax_error {
  /// Byte offset (0-based) of the byte at which reading failed.
  size_t offset = 0;
  /// What is wrong, without the position: `syntax error while parsing
  /// object - unexpected '}'; expected string literal`.
  std::string reason;
};

/// The first JSON value of a text.
struct json_read {
  /// The value; null after an error. Items handed to the item handler are
  /// not kept: their array is empty here.
  nlohmann::json value;
  /// The problems of values outside the items, in text order.
  std::vector<json_value_problem> problems;
  /// Set when the text does not start with a readable value.
  std::optional<json_syntax_error> error;
  /// The offset just past the value. Whatever follows is the caller's to
  /// judge (a stray second document, the next line of JSON Lines).
  size_t end = 0;
};

/// Receives one item and the problems of its values (paths relative to
/// the item).
using json_item_handler = std::function<void(
  nlohmann::json item, std::vector<json_value_problem> problems)>;

/// Nesting deeper than this is an error: no input of grader needs it, and
/// every level costs memory.
constexpr size_t max_json_depth = 64;

/// Reads the first JSON value of `text` (white space may come first). With
/// a non-empty `items_key`, the items of a batch go to `on_item` one by one
/// as soon as each is read, and are not kept: the elements of a root array,
/// or of the array under `items_key` in a root object. The text must not
/// change while it is read.
json_read read_json_value(std::string_view text,
                          std::string_view items_key = {},
                          const json_item_handler& on_item = {});

/// The JSON type of `x` as messages name it: `integer` for whole numbers,
/// else nlohmann's name (`string`, `number`, `array`, ...).
std::string json_type_name(const nlohmann::json& x);

/// Where byte `offset` of `text` is, 1-based as editors count:
/// `line 3, column 7` (columns count bytes).
std::string position_in(std::string_view text, size_t offset);

/// The offset of the first byte at or after `from` that is not JSON white
/// space; std::string::npos when there is none.
size_t first_non_blank(std::string_view text, size_t from = 0);

/// Up to 40 bytes of `text` from `offset`, escaped for a message:
/// `"{\"stray\": 1}..."`.
std::string excerpt_at(std::string_view text, size_t offset);

} // namespace grader::detail
