#include "messages/json_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "scoring/display_text.hpp"
#include "scoring/normalize.hpp"

namespace grader::detail {

namespace {

using json = nlohmann::json;

constexpr auto npos = std::string::npos;

bool is_white_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_number_char(char c) {
  return is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e'
         || c == 'E';
}

// Whether all of `token` is a number in the grammar of RFC 8259.
bool is_json_number(std::string_view token) {
  size_t i = 0;
  auto digits = [&] {
    auto start = i;
    while (i < token.size() && is_digit(token[i]))
      ++i;
    return i > start;
  };
  if (i < token.size() && token[i] == '-')
    ++i;
  if (i < token.size() && token[i] == '0')
    ++i;
  else if (!digits())
    return false;
  if (i < token.size() && token[i] == '.') {
    ++i;
    if (!digits())
      return false;
  }
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-'))
      ++i;
    if (!digits())
      return false;
  }
  return i == token.size();
}

// Whether `token`, a JSON number, is too large for a double, which makes
// nlohmann's parser give up on the whole text. Only an exponent or more
// than 308 digits can get there.
bool is_huge_number(std::string_view token) {
  if (token.find_first_of("eE") == npos && token.size() <= 308)
    return false;
  return is_json_number(token) && !json::accept(token);
}

// Steps over one unit of a string's content at `pos` (an escape, an ASCII
// byte, a UTF-8 character, or a byte that is none of these, which clears
// `valid`); returns where the next unit starts. The scan and the repair of
// a string both step this way, so they agree on every byte.
size_t next_in_string(std::string_view text, size_t pos, bool& valid) {
  auto byte = static_cast<unsigned char>(text[pos]);
  if (byte == '\\')
    return pos + 2;
  if (byte < 0x80)
    return pos + 1;
  int32_t code_point = 0;
  auto length = scoring::decode_utf8(text, pos, code_point);
  if (length == 0) {
    valid = false;
    return pos + 1;
  }
  return pos + length;
}

// Walks the first value of `text` token by token, the way nlohmann's lexer
// splits a valid text: `v.string(offset, token, valid_utf8)` for each
// string (keys included) and `v.number(offset, token)` for each number, in
// text order. Stops at a NUL byte outside strings (`v.nul(offset)`) and at
// nesting deeper than max_json_depth (`v.too_deep(offset)`). Returns the
// offset just past the first value: after its closing bracket or its last
// byte, or text.size() when it does not end. In a text that is not valid
// JSON the tokens may differ from the parser's, but then the parser stops
// with a syntax error at the first difference.
template <class Visitor>
size_t scan_first_value(std::string_view text, Visitor& v) {
  size_t depth = 0;
  size_t pos = 0;
  auto n = text.size();
  while (pos < n) {
    auto c = text[pos];
    if (is_white_space(c)) {
      ++pos;
      continue;
    }
    auto start = pos;
    if (c == '"') {
      auto valid = true;
      ++pos;
      while (pos < n && text[pos] != '"')
        pos = next_in_string(text, pos, valid);
      if (pos >= n)
        return n;
      ++pos;
      v.string(start, text.substr(start, pos - start), valid);
    } else if (c == '-' || is_digit(c)) {
      while (pos < n && is_number_char(text[pos]))
        ++pos;
      v.number(start, text.substr(start, pos - start));
    } else if (c == '{' || c == '[') {
      ++pos;
      if (++depth > max_json_depth) {
        v.too_deep(start);
        return pos;
      }
      continue;
    } else if (c == '}' || c == ']') {
      ++pos;
      // A closing bracket at depth 0 ends the text for the parser to
      // report.
      if (depth <= 1)
        return pos;
      --depth;
      continue;
    } else if (c == '\0') {
      v.nul(start);
      return start;
    } else if (is_letter(c)) {
      while (pos < n && is_letter(text[pos]))
        ++pos;
    } else {
      ++pos;
    }
    if (depth == 0)
      return pos;
  }
  return n;
}

// A token the parser must not see as it is, by its place among the tokens
// of its kind.
struct bad_token {
  size_t ordinal = 0;
  size_t offset = 0;
  size_t length = 0;
};

// What the scan of a text found.
struct scan_findings {
  // Strings (keys included) that are not valid UTF-8.
  std::vector<bad_token> bad_strings;
  // Numbers too large for a double.
  std::vector<bad_token> huge_numbers;
  size_t strings = 0;
  size_t numbers = 0;
  std::optional<size_t> nul_at;
  std::optional<size_t> too_deep_at;

  void string(size_t offset, std::string_view token, bool valid) {
    if (!valid)
      bad_strings.push_back(bad_token{strings, offset, token.size()});
    ++strings;
  }

  void number(size_t offset, std::string_view token) {
    if (is_huge_number(token))
      huge_numbers.push_back(bad_token{numbers, offset, token.size()});
    ++numbers;
  }

  void nul(size_t offset) {
    nul_at = offset;
  }

  void too_deep(size_t offset) {
    too_deep_at = offset;
  }

  bool needs_repair() const {
    return !bad_strings.empty() || !huge_numbers.empty();
  }
};

// `text` as the parser may read it: the bytes of invalid UTF-8 in the bad
// strings become '?', the huge numbers become 0 padded with spaces. Every
// offset stays where it was, so the parser's positions hold for `text`.
std::string repaired(std::string_view text, const scan_findings& found) {
  std::string out{text};
  for (const auto& bad : found.bad_strings) {
    auto end = bad.offset + bad.length - 1; // the closing quote
    for (auto pos = bad.offset + 1; pos < end;) {
      auto valid = true;
      auto next = next_in_string(text, pos, valid);
      if (!valid)
        out[pos] = '?';
      pos = next;
    }
  }
  for (const auto& bad : found.huge_numbers) {
    out[bad.offset] = '0';
    std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(bad.offset + 1),
                bad.length - 1, ' ');
  }
  return out;
}

// The offsets of the strings with the given ordinals (ascending).
struct string_locator {
  const std::vector<size_t>& ordinals;
  std::vector<size_t> offsets;
  size_t strings = 0;

  void string(size_t offset, std::string_view, bool) {
    if (offsets.size() < ordinals.size() && ordinals[offsets.size()] == strings)
      offsets.push_back(offset);
    ++strings;
  }

  void number(size_t, std::string_view) {
  }
  void nul(size_t) {
  }
  void too_deep(size_t) {
  }
};

// nlohmann's message, "[json.exception.parse_error.101] parse error at line
// 1, column 5: syntax error ...", without its code and position, escaped:
// it quotes the text it read.
std::string reason_of(const nlohmann::detail::exception& e) {
  std::string what = e.what();
  if (auto bracket = what.find("] "); bracket != npos)
    what.erase(0, bracket + 2);
  if (what.rfind("parse error", 0) == 0)
    if (auto colon = what.find(": "); colon != npos)
      what.erase(0, colon + 2);
  return scoring::escape_for_display(what, 200);
}

// Builds the value from nlohmann's SAX events (its own DOM parser keeps the
// last of two equal keys and cannot tell us which values were repaired).
// Items of a batch are handed over as each ends; the rest is kept.
class dom_builder {
public:
  dom_builder(std::string_view text, const scan_findings& found,
              std::string_view items_key, const json_item_handler& on_item)
    : text_(text), found_(found), items_key_(items_key), on_item_(on_item) {
    // nop
  }

  // -- nlohmann's SAX interface ----------------------------------------------

  bool null() {
    return add_scalar(json{});
  }

  bool boolean(bool x) {
    return add_scalar(json(x));
  }

  bool number_integer(json::number_integer_t x) {
    return add_number(json(x));
  }

  bool number_unsigned(json::number_unsigned_t x) {
    return add_number(json(x));
  }

  bool number_float(json::number_float_t x, const std::string&) {
    return add_number(json(x));
  }

  bool string(std::string& x) {
    if (const auto* bad = next_bad_string()) {
      problem("is not valid UTF-8", bad->offset);
      return add_scalar(json{});
    }
    return add_scalar(json(std::move(x)));
  }

  bool binary(json::binary_t&) {
    return add_scalar(json{}); // JSON text has no binary values
  }

  bool start_object(std::size_t) {
    return open(json::object());
  }

  bool start_array(std::size_t) {
    return open(json::array());
  }

  bool key(std::string& x) {
    auto ordinal = found_strings_;
    const auto* bad = next_bad_string();
    auto& top = frames_.back();
    top.key = std::move(x);
    top.shown_key.clear();
    if (bad != nullptr) {
      // The repaired key would show '?' for the bytes that are wrong.
      top.shown_key = scoring::escape_for_display(
        text_.substr(bad->offset + 1, bad->length - 2), 64);
      problem("is a key that is not valid UTF-8", bad->offset);
    } else if (top.container->contains(top.key)) {
      problem("is given twice", npos, ordinal);
    }
    return true;
  }

  bool end_object() {
    return close();
  }

  bool end_array() {
    return close();
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) {
    // `position` counts the bytes read, the one that failed included.
    error_ = json_syntax_error{position > 0 ? position - 1 : 0, reason_of(e)};
    return false;
  }

  // -- results ---------------------------------------------------------------

  const std::optional<json_syntax_error>& error() const {
    return error_;
  }

  json take_value() {
    return std::move(root_);
  }

  // The problems outside items, every one with its offset.
  std::vector<json_value_problem> take_problems() {
    if (!unlocated_.empty()) {
      std::vector<size_t> ordinals;
      for (const auto& x : unlocated_)
        ordinals.push_back(x.second);
      string_locator locator{ordinals, {}, 0};
      scan_first_value(text_, locator);
      for (size_t i = 0; i < unlocated_.size() && i < locator.offsets.size();
           ++i)
        problems_[unlocated_[i].first].offset = locator.offsets[i];
    }
    return std::move(problems_);
  }

private:
  // An open object or array.
  struct frame {
    json* container = nullptr;
    // Object: the key of the value being read.
    std::string key;
    // The key as messages show it, when `key` had to be repaired.
    std::string shown_key;
    // Array: the index of the value being read.
    size_t index = 0;
    // Whether this array holds the items, which are handed over.
    bool items = false;
  };

  const bad_token* next_bad_string() {
    auto ordinal = found_strings_++;
    if (next_bad_string_ < found_.bad_strings.size()
        && found_.bad_strings[next_bad_string_].ordinal == ordinal)
      return &found_.bad_strings[next_bad_string_++];
    return nullptr;
  }

  bool add_number(json value) {
    auto ordinal = found_numbers_++;
    if (next_huge_number_ < found_.huge_numbers.size()
        && found_.huge_numbers[next_huge_number_].ordinal == ordinal) {
      const auto& bad = found_.huge_numbers[next_huge_number_++];
      problem("is out of range: "
                + scoring::escape_for_display(
                  text_.substr(bad.offset, bad.length), 40),
              bad.offset);
      return add_scalar(json{});
    }
    return add_scalar(std::move(value));
  }

  // Puts `value` where the value being read goes; returns where it is now.
  json* place(json value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    auto& top = frames_.back();
    if (top.items) {
      item_ = std::move(value);
      return &item_;
    }
    if (top.container->is_array()) {
      top.container->push_back(std::move(value));
      return &top.container->back();
    }
    auto& slot = (*top.container)[top.key];
    slot = std::move(value);
    return &slot;
  }

  // Called when a value is complete: moves its array on to the next index
  // and hands over a finished item.
  void finish_value() {
    if (frames_.empty())
      return;
    auto& top = frames_.back();
    ++top.index;
    if (top.items) {
      on_item_(std::move(item_), std::move(item_problems_));
      item_ = json{};
      item_problems_.clear();
    }
  }

  bool add_scalar(json value) {
    place(std::move(value));
    finish_value();
    return true;
  }

  bool holds_items(const json& container) const {
    if (items_key_.empty() || !container.is_array() || inside_item())
      return false;
    if (frames_.empty())
      return true;
    return frames_.size() == 1 && frames_[0].container->is_object()
           && frames_[0].key == items_key_;
  }

  bool open(json container) {
    if (frames_.size() >= max_json_depth) {
      error_ = json_syntax_error{
        found_.too_deep_at.value_or(0),
        "nesting deeper than " + std::to_string(max_json_depth) + " levels"};
      return false;
    }
    auto items = holds_items(container);
    auto* slot = place(std::move(container));
    frames_.push_back(frame{slot, {}, {}, 0, items});
    if (items)
      items_level_ = frames_.size() - 1;
    return true;
  }

  bool close() {
    if (frames_.back().items)
      items_level_ = npos;
    frames_.pop_back();
    finish_value();
    return true;
  }

  bool inside_item() const {
    return items_level_ != npos && frames_.size() > items_level_;
  }

  // Records a problem of the value being read. Inside an item its path
  // starts at the item; a repeated key outside items is located later, by
  // the ordinal of its string.
  void problem(std::string what, size_t offset,
               std::optional<size_t> string_ordinal = std::nullopt) {
    json_value_problem x;
    x.what = std::move(what);
    auto first = inside_item() ? items_level_ + 1 : 0;
    for (auto i = first; i < frames_.size(); ++i) {
      const auto& f = frames_[i];
      if (f.container->is_object()) {
        if (i == first)
          x.field = f.key;
        else
          x.path += '.';
        x.path += f.shown_key.empty() ? scoring::escape_for_display(f.key, 64)
                                      : f.shown_key;
      } else {
        x.path += "[" + std::to_string(f.index) + "]";
      }
    }
    if (inside_item()) {
      item_problems_.push_back(std::move(x));
      return;
    }
    x.offset = offset;
    if (offset == npos && string_ordinal)
      unlocated_.emplace_back(problems_.size(), *string_ordinal);
    problems_.push_back(std::move(x));
  }

  std::string_view text_;
  const scan_findings& found_;
  std::string_view items_key_;
  const json_item_handler& on_item_;
  json root_;
  std::vector<frame> frames_;
  // The position in frames_ of the array of items while it is open.
  size_t items_level_ = npos;
  json item_;
  std::vector<json_value_problem> item_problems_;
  std::vector<json_value_problem> problems_;
  // (index in problems_, string ordinal) of problems still without offset.
  std::vector<std::pair<size_t, size_t>> unlocated_;
  size_t found_strings_ = 0;
  size_t found_numbers_ = 0;
  size_t next_bad_string_ = 0;
  size_t next_huge_number_ = 0;
  std::optional<json_syntax_error> error_;
};

} // namespace

std::string json_value_problem::text(std::string_view root_name) const {
  return (path.empty() ? std::string{root_name} : path) + " " + what;
}

json_read read_json_value(std::string_view text, std::string_view items_key,
                          const json_item_handler& on_item) {
  json_read result;
  scan_findings found;
  result.end = scan_first_value(text, found);
  std::string_view range = text.substr(0, result.end);
  std::string repair;
  if (found.needs_repair()) {
    repair = repaired(range, found);
    range = repair;
  }
  dom_builder builder{text, found, on_item ? items_key : std::string_view{},
                      on_item};
  json::sax_parse(range.begin(), range.end(), &builder);
  if (auto error = builder.error()) {
    // The scan ended the text at the NUL byte: the parser ran out there.
    if (found.nul_at && error->offset >= *found.nul_at)
      error = json_syntax_error{*found.nul_at, "unexpected NUL byte (\\x00)"};
    result.error = std::move(error);
    return result;
  }
  result.value = builder.take_value();
  result.problems = builder.take_problems();
  return result;
}

std::string json_type_name(const json& x) {
  return x.is_number_integer() ? "integer" : x.type_name();
}

std::string position_in(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column "
         + std::to_string(offset - line_start + 1);
}

size_t first_non_blank(std::string_view text, size_t from) {
  for (auto i = from; i < text.size(); ++i)
    if (!is_white_space(text[i]))
      return i;
  return npos;
}

std::string excerpt_at(std::string_view text, size_t offset) {
  return "\"" + scoring::escape_for_display(text.substr(offset), 40) + "\"";
}

} // namespace grader::detail
