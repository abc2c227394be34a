#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "net/judge_server_options.hpp"
#include "net/judge_server_stats.hpp"

namespace grader::net {

/// What a judge connection does once a reply's delay is over.
enum class judge_action : uint8_t {
  /// Send the response.
  respond,
  /// Send nothing and keep the connection open until the client gives up.
  hang,
  /// Close the connection abruptly, without a response.
  reset,
};

/// The judge's answer to one HTTP request, before any transport.
struct judge_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  /// Headers beyond Content-Type, e.g. `Retry-After`.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// How long to wait before acting: latency, jitter and the `slow` fault.
  std::chrono::milliseconds delay{0};
  judge_action action = judge_action::respond;
};

/// The request handling of judge_server without the transport: routes,
/// the built-in judge, fault directives and the counters. Safe to call
/// from several threads at once.
class judge_handler {
public:
  /// Reads `latency`, `jitter` and `faults`; ignores the transport options.
  explicit judge_handler(const judge_server_options& options);

  /// Counts a connection the server accepted.
  void count_connection();

  /// Counts a request read, until request_ended: the server's in-flight
  /// figures.
  void request_started();
  void request_ended();

  /// Answers one request. `target` may carry a query string, which is
  /// ignored; `authorization` is the request's Authorization header. Latency
  /// and jitter delay only chat-completions replies, so that `/stats` stays
  /// quick under a simulated slow model.
  judge_response handle(std::string_view method, std::string_view target,
                        std::string_view body,
                        std::string_view authorization = {});

  /// Counts a request whose body exceeded `limit` bytes and answers it
  /// with a 413.
  judge_response too_large(uint64_t limit);

  /// Counts a request whose header exceeded `limit` bytes and answers it
  /// with a 431.
  judge_response header_too_large(uint64_t limit);

  /// Counts a request that could not be read as HTTP/1.1 and answers it
  /// with a 400 saying `why` (the parser's reason, e.g. "bad method").
  judge_response malformed(std::string_view why);

  judge_server_stats stats() const;

private:
  // Counts a request that never reached a route and answers it with
  // `status` and `message`.
  judge_response refuse(unsigned status, std::string message);

  // A random delay from latency_ to latency_ + jitter_.
  std::chrono::milliseconds model_delay();

  // The chat-completions route; `delay` is already chosen.
  judge_response complete(std::string_view body,
                          std::chrono::milliseconds delay);

  // Whether a `[[fault:KIND*N]]` directive still has misbehaviour left for
  // this body: true for its first N sightings.
  bool fault_applies(const std::string& directive, std::string_view body,
                     uint64_t limit);

  const std::chrono::milliseconds latency_;
  const std::chrono::milliseconds jitter_;
  const bool faults_;
  const std::vector<scoring::response_format> refused_formats_;
  const std::string api_key_;
  mutable std::mutex mutex_;
  judge_server_stats stats_;
  std::minstd_rand random_;
  // Sightings per directive and request body, for `*N` directives.
  std::unordered_map<std::string, uint64_t> fault_counts_;
};

} // namespace grader::net
