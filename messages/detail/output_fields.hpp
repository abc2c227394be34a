#pragma once

// Reading grader's own output back strictly (an earlier output to retry, a
// journal): grader wrote every field, so a missing field or a value of the
// wrong type means the text is not grader's output, and so does a value
// grader never writes (a score above 100, an unknown error code). Shared by
// messages/outcome_json.cpp and messages/batch_result_json.cpp.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "messages/json_reader.hpp"
#include "scoring/grade.hpp"

namespace grader::detail {

using json = nlohmann::json;

/// What is wrong with a field of an earlier output. The field readers throw
/// it and the public readers turn it into an ec::unreadable_input error:
/// the first wrong field ends the reading.
struct field_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A `graded_by` name read back; nothing when unknown.
std::optional<scoring::graded_by> parse_graded_by(std::string_view name);

/// Whether `text` is a time as scoring::format_utc writes it:
/// `2026-11-27T18:41:50.123Z`, the fraction optional.
bool is_utc_time(std::string_view text);

/// Whether an integer JSON value fits an int32_t.
bool fits_int32(const json& x);

/// Input quoted in a message.
std::string shown(std::string_view text);

/// The one JSON value of a line of JSON Lines output or of a journal. A
/// line that is not one JSON value, or holds a value that cannot be read (a
/// key given twice, a huge number, invalid UTF-8), throws field_error.
json read_line_json(std::string_view line);

/// An ec::unreadable_input error with `text`.
caf::error unreadable(std::string text);

/// An object of grader's output whose fields are read strictly: grader wrote
/// every one of them, so a missing field or a value of the wrong type means
/// the text is not grader's output, and so does a value grader never writes
/// (a score above 100, an unknown error code). Errors name the field by its
/// path (`results[2].score`).
class fields {
public:
  fields(const json& object, std::string path)
    : object_(object), path_(std::move(path)) {
    if (!object_.is_object())
      throw field_error((path_.empty() ? "expected" : path_ + " must be")
                        + " a JSON object, got " + json_type_name(object_));
  }

  bool has(const char* name) const {
    return object_.contains(name);
  }

  std::string text(const char* name) const {
    return find(name, is_string, "a string").get<std::string>();
  }

  // Empty when absent: the writer leaves out empty optional fields.
  std::string optional_text(const char* name) const {
    return object_.contains(name) ? text(name) : std::string{};
  }

  uint64_t count(const char* name) const {
    return find(name, is_count, "a non-negative integer").get<uint64_t>();
  }

  int32_t int32(const char* name) const {
    const auto& x = find(name, is_integer, "an integer");
    if (!fits_int32(x))
      throw field_error(path_of(name) + " is out of range: " + x.dump());
    return x.get<int32_t>();
  }

  // An integer from `low` to `high`.
  int32_t int32_in(const char* name, int32_t low, int32_t high) const {
    auto value = int32(name);
    if (value < low || value > high)
      throw field_error(path_of(name) + " must be " + std::to_string(low) + ".."
                        + std::to_string(high) + ", got "
                        + std::to_string(value));
    return value;
  }

  // A number from `low` to `high`.
  double number_in(const char* name, int low, int high) const {
    const auto& x = find(name, is_number, "a number");
    auto value = x.get<double>();
    if (!(value >= low && value <= high))
      throw field_error(path_of(name) + " must be " + std::to_string(low) + ".."
                        + std::to_string(high) + ", got " + x.dump());
    return value;
  }

  // A number of zero or more (JSON has no infinity).
  double non_negative(const char* name) const {
    const auto& x = find(name, is_number, "a number");
    auto value = x.get<double>();
    if (!(value >= 0))
      throw field_error(path_of(name) + " must be 0 or more, got " + x.dump());
    return value;
  }

  bool flag(const char* name) const {
    return find(name, is_boolean, "a boolean").get<bool>();
  }

  std::vector<std::string> texts(const char* name) const {
    const auto& list = find(name, is_array, "an array of strings");
    std::vector<std::string> result;
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        throw field_error(path_of(name) + "[" + std::to_string(i)
                          + "] must be a string, got "
                          + json_type_name(list[i]));
      result.push_back(list[i].get<std::string>());
    }
    return result;
  }

  // An array of integers, each from `low` to `high`.
  std::vector<int32_t> int32s_in(const char* name, int32_t low,
                                 int32_t high) const {
    const auto& list = find(name, is_array, "an array of integers");
    std::vector<int32_t> result;
    for (size_t i = 0; i < list.size(); ++i) {
      auto item = path_of(name) + "[" + std::to_string(i) + "]";
      if (!list[i].is_number_integer() || !fits_int32(list[i]))
        throw field_error(item + " must be an integer, got " + list[i].dump());
      auto value = list[i].get<int32_t>();
      if (value < low || value > high)
        throw field_error(item + " must be " + std::to_string(low) + ".."
                          + std::to_string(high) + ", got "
                          + std::to_string(value));
      result.push_back(value);
    }
    return result;
  }

  // A time as grader writes it (`graded_at`).
  std::string time(const char* name) const {
    auto value = text(name);
    if (!is_utc_time(value))
      throw field_error(path_of(name)
                        + " must be a UTC time like "
                          "2026-11-27T18:41:50.123Z, got '"
                        + shown(value) + "'");
    return value;
  }

  // A name among those `parse` knows (`graded_by`, `error.code`).
  template <class Enum>
  Enum enumerator(const char* name,
                  std::optional<Enum> (*parse)(std::string_view)) const {
    auto value = text(name);
    if (auto x = parse(value))
      return *x;
    throw field_error(path_of(name) + " '" + shown(value) + "' is unknown");
  }

  fields object(const char* name) const {
    return fields{find(name, is_object, "an object"), path_of(name)};
  }

  // The objects of the array `name`, each with its path (`results[3]`).
  std::vector<fields> objects(const char* name) const {
    const auto& list = find(name, is_array, "an array");
    std::vector<fields> result;
    for (size_t i = 0; i < list.size(); ++i)
      result.emplace_back(list[i],
                          path_of(name) + "[" + std::to_string(i) + "]");
    return result;
  }

  std::string path_of(const char* name) const {
    return path_.empty() ? name : path_ + "." + name;
  }

private:
  using predicate = bool (*)(const json&);

  static bool is_string(const json& x) {
    return x.is_string();
  }
  static bool is_count(const json& x) {
    return x.is_number_unsigned();
  }
  static bool is_integer(const json& x) {
    return x.is_number_integer();
  }
  static bool is_number(const json& x) {
    return x.is_number();
  }
  static bool is_boolean(const json& x) {
    return x.is_boolean();
  }
  static bool is_array(const json& x) {
    return x.is_array();
  }
  static bool is_object(const json& x) {
    return x.is_object();
  }

  const json& find(const char* name, predicate has_type,
                   const char* expected) const {
    auto i = object_.find(name);
    if (i == object_.end())
      throw field_error(path_of(name) + " required");
    if (!has_type(*i))
      throw field_error(path_of(name) + " must be " + expected + ", got "
                        + json_type_name(*i));
    return *i;
  }

  const json& object_;
  std::string path_;
};

} // namespace grader::detail
