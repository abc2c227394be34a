#include "messages/detail/output_fields.hpp"

#include <limits>

#include "messages/ec.hpp"
#include "messages/error.hpp"
#include "scoring/display_text.hpp"

namespace grader::detail {

namespace {

bool is_digits(std::string_view text, size_t from, size_t count) {
  if (from + count > text.size())
    return false;
  for (auto i = from; i < from + count; ++i)
    if (text[i] < '0' || text[i] > '9')
      return false;
  return true;
}

int two_digits(std::string_view text, size_t from) {
  return (text[from] - '0') * 10 + (text[from + 1] - '0');
}

} // namespace

std::optional<scoring::graded_by> parse_graded_by(std::string_view name) {
  using scoring::graded_by;
  for (auto x : {graded_by::rules, graded_by::llm, graded_by::fallback})
    if (name == scoring::to_string(x))
      return x;
  return std::nullopt;
}

bool fits_int32(const json& x) {
  if (x.is_number_unsigned())
    return x.get<uint64_t>() <= std::numeric_limits<int32_t>::max();
  auto value = x.get<int64_t>();
  return value >= std::numeric_limits<int32_t>::min()
         && value <= std::numeric_limits<int32_t>::max();
}

bool is_utc_time(std::string_view text) {
  if (text.size() < 20 || !is_digits(text, 0, 4) || text[4] != '-'
      || !is_digits(text, 5, 2) || text[7] != '-' || !is_digits(text, 8, 2)
      || text[10] != 'T' || !is_digits(text, 11, 2) || text[13] != ':'
      || !is_digits(text, 14, 2) || text[16] != ':' || !is_digits(text, 17, 2))
    return false;
  auto month = two_digits(text, 5);
  auto day = two_digits(text, 8);
  if (month < 1 || month > 12 || day < 1 || day > 31
      || two_digits(text, 11) > 23 || two_digits(text, 14) > 59
      || two_digits(text, 17) > 60)
    return false;
  size_t i = 19;
  if (text[i] == '.') {
    auto digits = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
      ++i;
    if (i == digits || i - digits > 9)
      return false;
  }
  return i + 1 == text.size() && text[i] == 'Z';
}

std::string shown(std::string_view text) {
  return scoring::escape_for_display(text, 64);
}

json read_line_json(std::string_view line) {
  auto read = detail::read_json_value(line);
  if (read.error)
    throw field_error("not valid JSON at column "
                      + std::to_string(read.error->offset + 1) + ": "
                      + read.error->reason);
  if (auto stray = detail::first_non_blank(line, read.end);
      stray != std::string_view::npos)
    throw field_error("not valid JSON at column " + std::to_string(stray + 1)
                      + ": unexpected text after the value: "
                      + detail::excerpt_at(line, stray));
  if (!read.problems.empty())
    throw field_error(read.problems.front().text("line"));
  return std::move(read.value);
}

caf::error unreadable(std::string text) {
  return caf::make_error(ec::unreadable_input, std::move(text));
}

} // namespace grader::detail
