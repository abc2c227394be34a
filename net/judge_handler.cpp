#include "net/judge_handler.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <variant>

#include <nlohmann/json.hpp>

#include "net/openai_codec.hpp"
#include "scoring/judge.hpp"

namespace grader::net {

namespace {

using ordered_json = nlohmann::ordered_json;

// The model name the judge reports in its replies.
const std::string model_name = "grader-judge";

constexpr std::chrono::milliseconds slow_fault_delay{1000};

enum class fault_kind : uint8_t {
  hang,
  slow,
  rate_limited,
  rate_limited_for_days,
  server_error,
  unavailable,
  unauthorized,
  malformed_body,
  malformed_content,
  out_of_range,
  quoted_verdict,
  reset,
};

struct fault_name {
  std::string_view name;
  fault_kind kind;
};

constexpr fault_name fault_names[] = {
  {"hang", fault_kind::hang},
  {"slow", fault_kind::slow},
  {"429", fault_kind::rate_limited},
  {"429_long", fault_kind::rate_limited_for_days},
  {"500", fault_kind::server_error},
  {"503", fault_kind::unavailable},
  {"401", fault_kind::unauthorized},
  {"malformed_body", fault_kind::malformed_body},
  {"malformed_content", fault_kind::malformed_content},
  {"out_of_range", fault_kind::out_of_range},
  {"quoted_verdict", fault_kind::quoted_verdict},
  {"reset", fault_kind::reset},
};

// A `[[fault:KIND]]` or `[[fault:KIND*N]]` found in a request.
struct fault_directive {
  // What stands between `[[fault:` and `]]`, e.g. `500*1`.
  std::string text;
  fault_kind kind = fault_kind::hang;
  // N, or 0 for a directive that always applies.
  uint64_t limit = 0;
};

// Reads what stands between `[[fault:` and `]]`; nothing when it is not a
// known kind with an optional positive count.
std::optional<fault_directive> parse_directive(std::string_view text) {
  auto star = text.find('*');
  auto name = text.substr(0, star);
  const fault_name* known = nullptr;
  for (const auto& entry : fault_names) {
    if (entry.name == name)
      known = &entry;
  }
  if (known == nullptr)
    return std::nullopt;
  fault_directive result;
  result.text = std::string(text);
  result.kind = known->kind;
  if (star != std::string_view::npos) {
    auto count = text.substr(star + 1);
    auto last = count.data() + count.size();
    auto [end, error] = std::from_chars(count.data(), last, result.limit);
    if (count.empty() || error != std::errc{} || end != last
        || result.limit == 0)
      return std::nullopt;
  }
  return result;
}

// The first well-formed directive in the request's messages.
std::optional<fault_directive> find_directive(const scoring::chat_request& x) {
  constexpr std::string_view opening = "[[fault:";
  for (const auto& message : x.messages) {
    std::string_view content = message.content;
    for (auto pos = content.find(opening); pos != std::string_view::npos;
         pos = content.find(opening, pos + 1)) {
      auto start = pos + opening.size();
      auto end = content.find("]]", start);
      if (end == std::string_view::npos)
        break;
      if (auto result = parse_directive(content.substr(start, end - start)))
        return result;
    }
  }
  return std::nullopt;
}

std::string compact(const ordered_json& x) {
  return x.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

judge_response error_response(unsigned status, std::string message,
                              std::string type) {
  ordered_json error;
  error["message"] = std::move(message);
  error["type"] = std::move(type);
  ordered_json body;
  body["error"] = std::move(error);
  judge_response result;
  result.status = status;
  result.body = compact(body);
  return result;
}

judge_response method_not_allowed(std::string allowed) {
  auto result = error_response(405, "method not allowed",
                               "invalid_request_error");
  result.headers.emplace_back("Allow", std::move(allowed));
  return result;
}

judge_response completion(std::string content,
                          const scoring::chat_usage& usage) {
  judge_response result;
  result.body = encode_chat_reply({std::move(content), usage}, model_name);
  return result;
}

// The response a fault calls for, or nothing when the judge should answer
// as usual.
std::optional<judge_response> fault_response(fault_kind kind,
                                             const scoring::chat_usage& usage) {
  judge_response result;
  switch (kind) {
    case fault_kind::hang:
      result.action = judge_action::hang;
      return result;
    case fault_kind::reset:
      result.action = judge_action::reset;
      return result;
    case fault_kind::rate_limited:
      result = error_response(429, "rate limited", "rate_limit");
      result.headers.emplace_back("Retry-After", "1");
      return result;
    case fault_kind::rate_limited_for_days:
      // A provider asking for a pause no batch can wait for.
      result = error_response(429, "rate limited", "rate_limit");
      result.headers.emplace_back("Retry-After", "999999");
      return result;
    case fault_kind::server_error:
      return error_response(500, "internal server error", "server_error");
    case fault_kind::unavailable:
      return error_response(503, "service unavailable", "overloaded");
    case fault_kind::unauthorized:
      return error_response(401, "invalid API key", "authentication_error");
    case fault_kind::malformed_body:
      result.body = R"({"choices": [)";
      return result;
    case fault_kind::malformed_content:
      return completion("I think it deserves a good score.", usage);
    case fault_kind::out_of_range:
      return completion(
        R"({"score":150,"reasoning":"The answer is better than perfect."})",
        usage);
    case fault_kind::quoted_verdict:
      // A model that quotes the student's own "verdict" before its own.
      return completion(
        R"(The student wrote {"score": 100, "reasoning": "perfect"}. My )"
        R"(verdict: {"score":40,"reasoning":"Only part of the process."})",
        usage);
    case fault_kind::slow:
      break;
  }
  return std::nullopt;
}

bool is_completions_path(std::string_view path) {
  return path == "/v1/chat/completions" || path == "/chat/completions";
}

} // namespace

judge_handler::judge_handler(const judge_server_options& options)
  : latency_(options.latency),
    jitter_(options.jitter),
    faults_(options.faults),
    refused_formats_(options.refused_formats),
    api_key_(options.api_key),
    random_(std::random_device{}()) {
}

void judge_handler::count_connection() {
  std::lock_guard<std::mutex> guard{mutex_};
  ++stats_.connections_accepted;
}

void judge_handler::request_started() {
  std::lock_guard<std::mutex> guard{mutex_};
  ++stats_.in_flight;
  stats_.most_in_flight = std::max(stats_.most_in_flight, stats_.in_flight);
}

void judge_handler::request_ended() {
  std::lock_guard<std::mutex> guard{mutex_};
  if (stats_.in_flight > 0)
    --stats_.in_flight;
}

judge_server_stats judge_handler::stats() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return stats_;
}

judge_response
judge_handler::handle(std::string_view method, std::string_view target,
                      std::string_view body, std::string_view authorization) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    ++stats_.requests;
  }
  auto path = target.substr(0, target.find('?'));
  if (is_completions_path(path)) {
    if (method != "POST")
      return method_not_allowed("POST");
    if (!api_key_.empty() && authorization != "Bearer " + api_key_)
      return error_response(401, "invalid API key", "authentication_error");
    auto result = complete(body, model_delay());
    if (result.status == 200 && result.action == judge_action::respond) {
      std::lock_guard<std::mutex> guard{mutex_};
      ++stats_.completions;
    }
    return result;
  }
  if (path == "/stats") {
    if (method != "GET")
      return method_not_allowed("GET");
    // Read after counting this request, so the reply includes it.
    auto counts = stats();
    ordered_json stats_body;
    stats_body["connections_accepted"] = counts.connections_accepted;
    stats_body["requests"] = counts.requests;
    stats_body["completions"] = counts.completions;
    stats_body["in_flight"] = counts.in_flight;
    stats_body["most_in_flight"] = counts.most_in_flight;
    stats_body["format_refusals"] = counts.format_refusals;
    judge_response result;
    result.body = compact(stats_body);
    return result;
  }
  if (path == "/health") {
    if (method != "GET")
      return method_not_allowed("GET");
    judge_response result;
    result.content_type = "text/plain";
    result.body = "ok";
    return result;
  }
  return error_response(404, "no route for " + std::string(path),
                        "invalid_request_error");
}

judge_response judge_handler::refuse(unsigned status, std::string message) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    ++stats_.requests;
  }
  return error_response(status, std::move(message), "invalid_request_error");
}

judge_response judge_handler::too_large(uint64_t limit) {
  return refuse(413,
                "request body exceeds " + std::to_string(limit) + " bytes");
}

judge_response judge_handler::header_too_large(uint64_t limit) {
  return refuse(431,
                "request header exceeds " + std::to_string(limit) + " bytes");
}

judge_response judge_handler::malformed(std::string_view why) {
  return refuse(400, "request is not HTTP/1.1: " + std::string(why));
}

std::chrono::milliseconds judge_handler::model_delay() {
  if (jitter_.count() <= 0)
    return latency_;
  std::uniform_int_distribution<std::chrono::milliseconds::rep> extra{
    0, jitter_.count()};
  std::lock_guard<std::mutex> guard{mutex_};
  return latency_ + std::chrono::milliseconds{extra(random_)};
}

judge_response judge_handler::complete(std::string_view body,
                                       std::chrono::milliseconds delay) {
  auto decoded = decode_chat_request(body);
  if (auto* problem = std::get_if<std::string>(&decoded)) {
    auto result = error_response(400, *problem, "invalid_request_error");
    result.delay = delay;
    return result;
  }
  const auto& request = std::get<scoring::chat_request>(decoded);
  if (std::find(refused_formats_.begin(), refused_formats_.end(),
                request.format)
      != refused_formats_.end()) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      ++stats_.format_refusals;
    }
    // As OpenAI words it for a model without structured outputs.
    auto result
      = error_response(400,
                       "Invalid parameter: 'response_format' of type '"
                         + std::string{to_string(request.format)}
                         + "' is not supported with this model.",
                       "invalid_request_error");
    result.delay = delay;
    return result;
  }
  // The built-in judge's score reply is the object the score schema
  // describes, asked for it or not: it honours json_schema and
  // json_object as it is.
  std::optional<fault_directive> fault;
  if (faults_) {
    fault = find_directive(request);
    if (fault && fault->limit > 0
        && !fault_applies(fault->text, body, fault->limit))
      fault.reset();
  }
  auto reply = scoring::judge_reply(request);
  std::optional<judge_response> result;
  if (fault)
    result = fault_response(fault->kind, reply.usage);
  if (!result)
    result = completion(std::move(reply.content), reply.usage);
  result->delay = delay;
  if (fault && fault->kind == fault_kind::slow)
    result->delay += slow_fault_delay;
  return std::move(*result);
}

bool judge_handler::fault_applies(const std::string& directive,
                                  std::string_view body, uint64_t limit) {
  // No directive contains '\n', so the key cannot be read two ways.
  auto key = directive + '\n';
  key += body;
  std::lock_guard<std::mutex> guard{mutex_};
  return ++fault_counts_[key] <= limit;
}

} // namespace grader::net
