#include "scoring/json_text.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "scoring/normalize.hpp"

namespace grader::scoring {

json_text::json_text(std::string& out, int indent)
  : out_(out), indent_(indent) {
  // nop
}

void json_text::newline(size_t depth) {
  if (indent_ < 0)
    return;
  out_ += '\n';
  out_.append(depth * static_cast<size_t>(indent_), ' ');
}

void json_text::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (filled_.empty())
    return;
  if (filled_.back())
    out_ += ',';
  filled_.back() = true;
  newline(filled_.size());
}

void json_text::open(char bracket) {
  separate();
  out_ += bracket;
  filled_.push_back(false);
}

void json_text::close(char bracket) {
  auto had_values = filled_.back();
  filled_.pop_back();
  // An empty object or array stays `{}` or `[]` on one line.
  if (had_values)
    newline(filled_.size());
  out_ += bracket;
}

void json_text::begin_object() {
  open('{');
}

void json_text::end_object() {
  close('}');
}

void json_text::begin_array() {
  open('[');
}

void json_text::end_array() {
  close(']');
}

void json_text::key(std::string_view name) {
  separate();
  string(name);
  out_ += indent_ < 0 ? ":" : ": ";
  after_key_ = true;
}

void json_text::value(std::string_view text) {
  separate();
  string(text);
}

void json_text::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
}

void json_text::value(int64_t number) {
  separate();
  out_ += std::to_string(number);
}

void json_text::value(uint64_t number) {
  separate();
  out_ += std::to_string(number);
}

void json_text::value(double number) {
  // Few per output: nlohmann's shortest round-trip form is worth its cost.
  raw(nlohmann::json(number).dump());
}

void json_text::value(const std::vector<std::string>& texts) {
  begin_array();
  for (const auto& text : texts)
    value(text);
  end_array();
}

void json_text::value(const std::vector<int32_t>& numbers) {
  begin_array();
  for (auto number : numbers)
    value(static_cast<int64_t>(number));
  end_array();
}

void json_text::raw(std::string_view json) {
  separate();
  out_ += json;
}

void json_text::string(std::string_view text) {
  out_ += '"';
  size_t pos = 0;
  while (pos < text.size()) {
    // Runs of plain ASCII, most of any text, go in at once.
    auto run = pos;
    while (run < text.size()) {
      auto b = static_cast<unsigned char>(text[run]);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\')
        break;
      ++run;
    }
    out_.append(text.data() + pos, run - pos);
    pos = run;
    if (pos == text.size())
      break;
    auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) {
      int32_t code_point = 0;
      auto length = decode_utf8(text, pos, code_point);
      if (length == 0) {
        out_ += "\xEF\xBF\xBD";
        ++pos;
      } else {
        out_.append(text.substr(pos, length));
        pos += length;
      }
      continue;
    }
    ++pos;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
          out_ += escaped;
        } else {
          out_ += static_cast<char>(c);
        }
    }
  }
  out_ += '"';
}

} // namespace grader::scoring
