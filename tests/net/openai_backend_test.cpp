#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/openai_backend.hpp"
#include "net/openai_codec.hpp"
#include "tests/fixtures/loopback_server.hpp"

using namespace grader;
using namespace grader::net;
using namespace std::chrono_literals;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// Reads one request per connection, keeps its request line and headers,
/// and answers with `status` and `body`, then closes the connection.
class recording_server {
public:
  recording_server(unsigned status, std::string body)
    : status_(status),
      body_(std::move(body)),
      server_([this](tcp::socket& socket) { answer(socket); }) {
  }

  std::string base_url() const {
    return server_.base_url();
  }

  /// Each request's line (`POST /v1/chat/completions`) and header lines.
  std::vector<std::vector<std::string>> requests() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return requests_;
  }

private:
  void answer(tcp::socket& socket) {
    boost::system::error_code ec;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, ec);
    if (ec)
      return;
    std::vector<std::string> lines{std::string(request.method_string()) + " "
                                   + std::string(request.target())};
    for (const auto& field : request)
      lines.push_back(std::string(field.name_string()) + ": "
                      + std::string(field.value()));
    {
      std::lock_guard<std::mutex> guard{mutex_};
      requests_.push_back(std::move(lines));
    }
    http::response<http::string_body> response{
      static_cast<http::status>(status_), 11};
    response.set(http::field::content_type, "application/json");
    response.keep_alive(false);
    response.body() = body_;
    response.prepare_payload();
    http::write(socket, response, ec);
  }

  unsigned status_;
  std::string body_;
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> requests_;
  grader::test::loopback_server server_;
};

std::string completion_body() {
  return encode_chat_reply({R"({"score":90,"reasoning":"fine"})", {10, 5}},
                           "recorded");
}

chat_outcome complete(chat_backend& backend) {
  scoring::chat_request request;
  request.messages.push_back({"user", "Score this."});
  std::promise<chat_outcome> done;
  auto outcome = done.get_future();
  backend.complete(request, 5s,
                   [&done](chat_outcome x) { done.set_value(std::move(x)); });
  REQUIRE(outcome.wait_for(10s) == std::future_status::ready);
  return outcome.get();
}

std::unique_ptr<chat_backend> backend_for(const std::string& base_url,
                                          const std::string& model = "m",
                                          const std::string& key = "") {
  return make_openai_backend({base_url, model, key}, http_client_options{});
}

bool has_raw_control_byte(const std::string& x) {
  for (char c : x)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return true;
  return false;
}

} // namespace

TEST_CASE("openai backend joins chat/completions to the path before the "
          "query",
          "[net]") {
  recording_server server{200, completion_body()};
  SECTION("an Azure OpenAI base URL with api-version") {
    auto backend = backend_for(
      server.base_url() + "/openai/deployments/x?api-version=2024-06-01");
    auto outcome = complete(*backend);
    REQUIRE(std::holds_alternative<scoring::chat_reply>(outcome));
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0][0]
          == "POST /openai/deployments/x/chat/completions"
             "?api-version=2024-06-01");
  }
  SECTION("a base URL with and without a trailing slash") {
    complete(*backend_for(server.base_url() + "/v1/"));
    complete(*backend_for(server.base_url() + "/v1"));
    complete(*backend_for(server.base_url()));
    auto requests = server.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0][0] == "POST /v1/chat/completions");
    CHECK(requests[1][0] == "POST /v1/chat/completions");
    CHECK(requests[2][0] == "POST /chat/completions");
  }
}

TEST_CASE("openai backend refuses an API key with CR or LF and sends "
          "nothing",
          "[net]") {
  recording_server server{200, completion_body()};
  auto backend = backend_for(server.base_url() + "/v1", "m",
                             "sk-secret\r\nX-Injected-Key: yes");
  auto outcome = complete(*backend);
  REQUIRE(std::holds_alternative<chat_failure>(outcome));
  auto& failure = std::get<chat_failure>(outcome);
  CHECK(failure.what == chat_failure::kind::config);
  CHECK_THAT(failure.message, Catch::Contains("invalid_request"));
  CHECK_THAT(failure.message, Catch::Contains("Authorization"));
  CHECK_THAT(failure.message, !Catch::Contains("sk-secret"));
  CHECK(server.requests().empty());
}

TEST_CASE("openai backend shows no control character or query in what it "
          "prints",
          "[net]") {
  recording_server server{400, "\x1b[2J\x1b[31mbad request\r"};
  auto base = server.base_url() + "/v1?api-key=secret";
  auto backend = backend_for(base, "gpt\x1b[31m\n");
  CHECK(backend->description()
        == "gpt\\x1B[31m\\x0A at " + server.base_url() + "/v1");
  auto outcome = complete(*backend);
  REQUIRE(std::holds_alternative<chat_failure>(outcome));
  auto& failure = std::get<chat_failure>(outcome);
  CHECK(failure.status == 400);
  CHECK(failure.message
        == "HTTP 400 from " + server.base_url()
             + "/v1/chat/completions: \\x1B[2J\\x1B[31mbad request\\x0D");
  CHECK_FALSE(has_raw_control_byte(failure.message));
  CHECK_THAT(failure.message, !Catch::Contains("secret"));
}
