#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace grader::scoring {

/// Writes JSON text straight into a string, value by value, in the layout
/// nlohmann's `dump` gives (compact, or pretty with an indent), so that an
/// output of 100,000 results is written without building a document of them
/// first. Text that is not valid UTF-8 has each bad byte replaced by U+FFFD,
/// as `error_handler_t::replace` does: student text never breaks an output.
class json_text {
public:
  /// Appends to `out`. `indent` < 0 writes one line; otherwise nested values
  /// are indented by `indent` spaces per level. Its place in the document
  /// is kept apart from `out`, which may be emptied between values (an
  /// output written in pieces).
  json_text(std::string& out, int indent);

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();

  /// The key of the next member of the object being written.
  void key(std::string_view name);

  void value(std::string_view text);
  void value(const char* text) {
    value(std::string_view{text});
  }
  void value(bool flag);
  void value(int64_t number);
  void value(uint64_t number);
  void value(int number) {
    value(static_cast<int64_t>(number));
  }
  void value(uint32_t number) {
    value(static_cast<uint64_t>(number));
  }
  /// A floating-point number, written as nlohmann writes it.
  void value(double number);
  /// An array of strings.
  void value(const std::vector<std::string>& texts);
  /// An array of integers.
  void value(const std::vector<int32_t>& numbers);

  /// Appends already formatted JSON (a value).
  void raw(std::string_view json);

  /// Shorthand for key(name) followed by value(x).
  template <class T>
  void member(std::string_view name, const T& x) {
    key(name);
    value(x);
  }

private:
  // Before a value: the separator from the previous one, and the line break
  // and indentation of pretty output. A value after a key needs neither.
  void separate();
  void open(char bracket);
  void close(char bracket);
  void newline(size_t depth);
  void string(std::string_view text);

  std::string& out_;
  int indent_;
  // One entry per open object or array: whether it holds a value yet.
  std::vector<bool> filled_;
  bool after_key_ = false;
};

} // namespace grader::scoring
