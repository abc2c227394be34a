#include <catch2/catch.hpp>

#include <string>

#include "net/url.hpp"

using namespace grader::net;

namespace {

http_url parsed(const std::string& text) {
  auto x = parse_url(text);
  if (auto* problem = std::get_if<std::string>(&x))
    FAIL("parse_url(\"" << text << "\") failed: " << *problem);
  return std::get<http_url>(x);
}

std::string problem_of(const std::string& text) {
  auto x = parse_url(text);
  if (auto* url = std::get_if<http_url>(&x))
    FAIL("parse_url accepted \"" << text << "\" as " << url->text());
  return std::get<std::string>(x);
}

bool has_raw_control_byte(const std::string& x) {
  for (char c : x)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

} // namespace

TEST_CASE("parse_url splits a URL into scheme, host, port, path and query",
          "[net]") {
  auto azure = parsed("https://Example.OpenAI.Azure.com/openai/deployments/"
                      "x?api-version=2024-06-01");
  CHECK(azure.tls);
  CHECK(azure.host == "example.openai.azure.com");
  CHECK(azure.port == 443);
  CHECK(azure.path == "/openai/deployments/x");
  CHECK(azure.query == "api-version=2024-06-01");
  CHECK(azure.target() == "/openai/deployments/x?api-version=2024-06-01");
  CHECK(azure.text()
        == "https://example.openai.azure.com/openai/deployments/"
           "x?api-version=2024-06-01");

  auto local = parsed("HTTP://127.0.0.1:8080/v1");
  CHECK_FALSE(local.tls);
  CHECK(local.host == "127.0.0.1");
  CHECK(local.port == 8080);
  CHECK(local.path == "/v1");
  CHECK(local.query.empty());
  CHECK(local.authority() == "127.0.0.1:8080");
  CHECK(local.origin() == "http://127.0.0.1:8080");
  CHECK(local.text() == "http://127.0.0.1:8080/v1");

  CHECK(parsed("http://host").path == "/");
  CHECK(parsed("http://host").port == 80);
  CHECK(parsed("http://host?a=1").target() == "/?a=1");
  CHECK(parsed("http://host:65535/").port == 65535);
  CHECK(parsed("http://host:1/").port == 1);
  CHECK(parsed("https://host:443/v1").text() == "https://host/v1");
  CHECK(parsed("https://host/v1").origin() == "https://host:443");
}

TEST_CASE("parse_url names what is wrong with a URL it refuses", "[net]") {
  CHECK(problem_of("127.0.0.1:8080/v1") == "no http:// or https:// scheme");
  CHECK(problem_of("ftp://host/") == "the scheme 'ftp' is not http or https");
  CHECK(problem_of("http://host:0/v1")
        == "the port '0' is not a number from 1 to 65535");
  CHECK(problem_of("http://host:65536/v1")
        == "the port '65536' is not a number from 1 to 65535");
  CHECK(problem_of("http://host:99999999/v1")
        == "the port '99999999' is not a number from 1 to 65535");
  CHECK(problem_of("http://host:/v1")
        == "the port '' is not a number from 1 to 65535");
  CHECK(problem_of("http://host:-1/v1")
        == "the port '-1' is not a number from 1 to 65535");
  CHECK(problem_of("http:///v1") == "no host");
  CHECK(problem_of("http://:8080/v1") == "no host");
  CHECK(problem_of("http://host/v1 beta") == "the path contains a space");
  CHECK(problem_of("http://host/v1\r\nX-Injected: yes")
        == "the path contains the control character \\x0D");
  CHECK(problem_of("http://host/v1?a=\tb")
        == "the query contains the control character \\x09");
  CHECK(problem_of("http://host/\xC3\xBC")
        == "the path contains the byte \\xC3, which is not ASCII "
           "(percent-encode it)");
  CHECK(problem_of("http://host/v1#part")
        == "a fragment (#...) is not allowed in an endpoint URL");
  CHECK(problem_of("http://user:secret@host/v1")
        == "user information before the host is not supported");
  CHECK(problem_of("http://[::1]:8080/")
        == "IPv6 address literals are not "
           "supported");
  CHECK(problem_of("http://exa mple.com/")
        == "the host 'exa mple.com' contains a character not allowed in a "
           "host name");
}

TEST_CASE("parse_url escapes the control characters it quotes", "[net]") {
  auto host = problem_of("http://ho\x1b[2Jst/v1");
  CHECK(host
        == "the host 'ho\\x1B[2Jst' contains a character not allowed in a "
           "host name");
  CHECK(problem_of("ht\ntp://host/")
        == "the scheme 'ht\\x0Atp' is not http "
           "or https");
  CHECK(problem_of("http://host:8\r\n0/")
        == "the port '8\\x0D\\x0A0' is not a number from 1 to 65535");
  CHECK(problem_of(std::string("http://ho\0st/", 13))
        == "the host 'ho\\x00st' contains a character not allowed in a host "
           "name");
  for (auto text : {"http://a\x7f/", "http://\xff\xfe/", "http://h:\x01/"})
    CHECK_FALSE(has_raw_control_byte(problem_of(text)));
}

TEST_CASE("displayed_url hides credentials and escapes control characters",
          "[net]") {
  CHECK(displayed_url("http://127.0.0.1:8080/v1")
        == "http://127.0.0.1:8080/v1");
  CHECK(displayed_url("https://key:secret@host/v1?api-key=secret#x")
        == "https://...@host/v1");
  CHECK(displayed_url("http://host/v1\r\nX: y")
        == "http://host/v1\\x0D\\x0AX: y");
  CHECK(displayed_url("http://h\xc3\xbcst/\xff") == "http://h\xc3\xbcst/\\xFF");
  // C1 controls, such as the single-byte CSI U+009B, are escaped too.
  CHECK(displayed_url("http://h/\xc2\x9b"
                      "31m")
        == "http://h/\\xC2\\x9B31m");
  auto shown = displayed_url("http://host/" + std::string(300, 'a'));
  CHECK(shown.size() == 123);
  CHECK(shown.substr(120) == "...");
  // A cut never splits a character.
  std::string korean;
  for (int i = 0; i < 60; ++i)
    korean += "\xea\xb0\x80";
  auto cut = displayed_url("http://hosts/" + korean);
  CHECK(cut.size() == 13 + 35 * 3 + 3);
}
