#include "net/url.hpp"

#include <algorithm>
#include <cctype>

#include "net/detail/printable.hpp"

namespace grader::net {

namespace {

std::string lower(std::string_view x) {
  std::string result{x};
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return result;
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'
         || c == '_';
}

// What is wrong with a byte of a path or query, or "" when it may stand
// in a request line as is.
std::string target_byte_problem(char c) {
  auto u = static_cast<unsigned char>(c);
  char hex[5];
  static constexpr char digits[] = "0123456789ABCDEF";
  hex[0] = '\\';
  hex[1] = 'x';
  hex[2] = digits[u >> 4];
  hex[3] = digits[u & 0xf];
  hex[4] = '\0';
  if (u == ' ')
    return "a space";
  if (u < 0x20 || u == 0x7f)
    return std::string("the control character ") + hex;
  if (u >= 0x80)
    return std::string("the byte ") + hex
           + ", which is not ASCII (percent-encode it)";
  return {};
}

// The first problem of a path or query, or "".
std::string target_problem(std::string_view part, const char* name) {
  for (char c : part) {
    auto problem = target_byte_problem(c);
    if (!problem.empty())
      return std::string("the ") + name + " contains " + problem;
  }
  return {};
}

} // namespace

std::string http_url::scheme() const {
  return tls ? "https" : "http";
}

std::string http_url::authority() const {
  return host + ":" + std::to_string(port);
}

std::string http_url::origin() const {
  return scheme() + "://" + authority();
}

std::string http_url::target() const {
  return query.empty() ? path : path + "?" + query;
}

std::string http_url::text() const {
  auto default_port = tls ? 443 : 80;
  auto result = scheme() + "://" + host;
  if (port != default_port)
    result += ":" + std::to_string(port);
  return result + target();
}

std::variant<http_url, std::string> parse_url(std::string_view text) {
  using detail::printable;
  http_url result;
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos)
    return std::string("no http:// or https:// scheme");
  auto scheme = lower(text.substr(0, scheme_end));
  if (scheme == "https")
    result.tls = true;
  else if (scheme != "http")
    return "the scheme '" + printable(scheme) + "' is not http or https";
  auto rest = text.substr(scheme_end + 3);
  // A fragment stays with the client by definition: one in an endpoint's
  // address is a mistake, and silently dropping it would hide that.
  if (rest.find('#') != std::string_view::npos)
    return std::string("a fragment (#...) is not allowed in an endpoint URL");
  auto authority_end = rest.find_first_of("/?");
  auto authority = rest.substr(0, authority_end);
  if (authority_end != std::string_view::npos) {
    auto target = rest.substr(authority_end);
    auto question = target.find('?');
    auto path = target.substr(0, question);
    result.path = path.empty() ? "/" : std::string(path);
    if (question != std::string_view::npos)
      result.query = std::string(target.substr(question + 1));
  } else {
    result.path = "/";
  }
  if (auto problem = target_problem(result.path, "path"); !problem.empty())
    return problem;
  if (auto problem = target_problem(result.query, "query"); !problem.empty())
    return problem;
  if (authority.find('@') != std::string_view::npos)
    return std::string("user information before the host is not supported");
  if (!authority.empty() && authority.front() == '[')
    return std::string("IPv6 address literals are not supported");
  auto colon = authority.find(':');
  auto host = authority.substr(0, colon);
  if (host.empty())
    return std::string("no host");
  if (!std::all_of(host.begin(), host.end(), is_host_char))
    return "the host '" + printable(host)
           + "' contains a character not allowed in a host name";
  result.host = lower(host);
  result.port = result.tls ? 443 : 80;
  if (colon != std::string_view::npos) {
    auto digits = authority.substr(colon + 1);
    unsigned long port = 0;
    bool valid = !digits.empty() && digits.size() <= 5;
    for (char c : digits) {
      valid = valid && std::isdigit(static_cast<unsigned char>(c));
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!valid || port == 0 || port > 65535)
      return "the port '" + printable(digits)
             + "' is not a number from 1 to 65535";
    result.port = static_cast<uint16_t>(port);
  }
  return result;
}

std::string displayed_url(std::string_view text) {
  auto shown = std::string(text.substr(0, text.find_first_of("?#")));
  auto host_start = shown.find("://");
  host_start = host_start == std::string::npos ? 0 : host_start + 3;
  auto at = shown.substr(0, shown.find('/', host_start)).rfind('@');
  if (at != std::string::npos && at >= host_start)
    shown.replace(host_start, at + 1 - host_start, "...@");
  constexpr size_t max_shown = 120;
  bool cut = shown.size() > max_shown;
  if (cut) {
    // Back off to the start of a UTF-8 sequence, so no character is split.
    auto end = max_shown;
    while (end > 0 && (static_cast<unsigned char>(shown[end]) & 0xc0) == 0x80)
      --end;
    shown.resize(end);
  }
  return detail::printable(shown) + (cut ? "..." : "");
}

} // namespace grader::net
