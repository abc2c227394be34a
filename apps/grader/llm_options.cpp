#include "apps/grader/llm_options.hpp"

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "apps/grader/commands.hpp"
#include "net/chat_backend.hpp"
#include "net/detail/printable.hpp"
#include "net/openai_backend.hpp"
#include "net/url.hpp"
#include "scoring/prompts.hpp"

namespace grader::app {

namespace {

// The help groups of the options, which judging_options_given reads too.
constexpr const char* llm_group = "LLM";
constexpr const char* limits_group = "Limits";

std::string from_environment(const char* name) {
  auto* value = std::getenv(name);
  return value != nullptr ? value : "";
}

} // namespace

std::vector<std::string> judging_options_given(const CLI::App& cmd) {
  static const std::set<std::string> kept_by_client{
    "--concurrency", "--rpm", "--tpm", "--price-prompt", "--price-completion"};
  std::vector<std::string> result;
  for (const auto* option : cmd.get_options()) {
    auto group = option->get_group();
    auto name = option->get_name();
    if ((group == llm_group || group == limits_group) && option->count() > 0
        && kept_by_client.count(name) == 0)
      result.push_back(name);
  }
  return result;
}

bool check_llm_options(const llm_options& opts) {
  if (net::detail::has_control_character(opts.model)) {
    complain("the model name '" + net::detail::printable(opts.model)
             + "' contains a control character");
    return false;
  }
  if (!opts.llm_url.empty()) {
    auto shown = net::displayed_url(opts.llm_url);
    if (opts.llm_url.find("://") == std::string::npos) {
      complain("the LLM URL '" + shown
               + "' needs a scheme: http:// or https://");
      return false;
    }
    auto url = net::parse_url(opts.llm_url);
    if (auto* problem = std::get_if<std::string>(&url)) {
      complain("the LLM URL '" + shown + "' is invalid: " + *problem);
      return false;
    }
    // A CR or LF would end the Authorization header and start another.
    if (net::detail::has_control_character(
          from_environment(opts.api_key_env.c_str()))) {
      complain("the API key in " + net::detail::printable(opts.api_key_env)
               + " contains a control character");
      return false;
    }
  }
  for (auto [flag, value] :
       {std::pair{"--price-prompt", opts.prices.prompt_per_million},
        std::pair{"--price-completion", opts.prices.completion_per_million},
        std::pair{"--max-cost", opts.max_cost}})
    if (!std::isfinite(value)) {
      complain(std::string{flag} + " must be a finite number");
      return false;
    }
  if (opts.max_cost > 0 && !opts.prices.priced()) {
    complain("--max-cost needs the prices to estimate the cost with: "
             "--price-prompt and --price-completion");
    return false;
  }
  if (opts.insecure)
    std::cerr << "grader: warning: --insecure: the LLM endpoint's TLS "
                 "certificate is NOT checked\n";
  return true;
}

std::shared_ptr<net::chat_backend> make_backend(const llm_options& opts) {
  if (opts.llm_url.empty())
    return nullptr;
  net::openai_settings endpoint;
  endpoint.base_url = opts.llm_url;
  endpoint.model = opts.model;
  endpoint.api_key = from_environment(opts.api_key_env.c_str());
  net::http_client_options http;
  http.max_connections_per_host = opts.concurrency;
  http.ca_file = opts.ca_file;
  http.verify_peer = !opts.insecure;
  return net::make_openai_backend(std::move(endpoint), std::move(http));
}

scoring::judge_settings judge_settings_of(const llm_options& opts) {
  scoring::judge_settings result;
  result.model = opts.llm_url.empty() ? "built-in judge" : opts.model;
  result.temperature = opts.temperature;
  result.seeded = opts.seeded;
  result.seed = opts.seed;
  result.prompt_version = scoring::prompt_version();
  result.samples = opts.judge_samples;
  // The option's check admits only names parse_score_reducer knows.
  result.reducer = scoring::parse_score_reducer(opts.reducer)
                     .value_or(scoring::score_reducer::median);
  result.max_spread = opts.max_spread;
  return result;
}

void apply_llm_options(const llm_options& opts, config& settings) {
  settings.max_in_flight = opts.concurrency;
  settings.requests_per_minute = opts.rpm;
  settings.tokens_per_minute = opts.tpm;
  settings.retries = opts.retries;
  settings.llm_timeout = std::chrono::milliseconds{opts.llm_timeout_ms};
  settings.token_budget = opts.token_budget;
  // The option's check admits only names structured_output::parse knows.
  settings.structured = scoring::structured_output::parse(opts.structured)
                          .value_or(scoring::structured_output{});
  settings.prices = opts.prices;
  settings.max_cost = opts.max_cost;
  settings.answer_limits = opts.answer_limits;
  settings.judge = judge_settings_of(opts);
}

void add_llm_options(CLI::App& cmd, llm_options& opts) {
  auto* llm = llm_group;
  cmd
    .add_option("--llm-url", opts.llm_url,
                "OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 "
                "(env GRADER_LLM_URL, then OPENAI_BASE_URL); without one "
                "the built-in judge answers in-process")
    ->group(llm);
  cmd
    .add_option("--model", opts.model,
                "Model name (env GRADER_MODEL; default gpt-4o-mini)")
    ->group(llm);
  cmd
    .add_option("--temperature", opts.temperature,
                "Sampling temperature sent on every call; 0 (the default) "
                "gives the most repeatable grades")
    ->capture_default_str()
    ->check(CLI::Range(0.0, 2.0))
    ->group(llm);
  cmd
    .add_option_function<uint64_t>(
      "--seed",
      [&opts](const uint64_t& seed) {
        opts.seeded = true;
        opts.seed = seed;
      },
      "Seed sent on every call, for endpoints that sample repeatably with "
      "one (default: none)")
    ->check(
      CLI::Range(uint64_t{0}, uint64_t{std::numeric_limits<int64_t>::max()}))
    ->group(llm);
  cmd
    .add_option("--judge-samples", opts.judge_samples,
                "Score calls per short answer, each with its own seed; the "
                "score is what --reducer makes of them")
    ->capture_default_str()
    ->check(CLI::Range(1u, 100u))
    ->group(llm);
  cmd.add_option("--reducer", opts.reducer, "How samples become the score")
    ->capture_default_str()
    ->check(CLI::IsMember({"median", "mean"}))
    ->group(llm);
  cmd
    .add_option("--max-spread", opts.max_spread,
                "Points the samples may lie apart before the answer needs "
                "review")
    ->capture_default_str()
    ->check(CLI::Range(0, 100))
    ->group(llm);
  cmd
    .add_option("--structured", opts.structured,
                "response_format of score calls: auto (json_schema, stepping "
                "down to json_object, then to the prompt alone, when the "
                "endpoint refuses it), json_schema, json_object, off")
    ->capture_default_str()
    ->check(CLI::IsMember({"auto", "json_schema", "json_object", "off"}))
    ->group(llm);
  cmd
    .add_option("--api-key-env", opts.api_key_env,
                "Environment variable holding the API key")
    ->capture_default_str()
    ->group(llm);
  cmd
    .add_option("--concurrency", opts.concurrency,
                "Most LLM calls in flight at once")
    ->capture_default_str()
    ->check(CLI::Range(1u, 4096u))
    ->group(llm);
  cmd.add_option("--rpm", opts.rpm, "LLM requests per minute (0: no limit)")
    ->capture_default_str()
    ->group(llm);
  cmd.add_option("--tpm", opts.tpm, "LLM tokens per minute (0: no limit)")
    ->capture_default_str()
    ->group(llm);
  cmd
    .add_option("--retries", opts.retries,
                "Extra attempts for a call that failed transiently")
    ->capture_default_str()
    ->check(CLI::Range(0u, 20u))
    ->group(llm);
  cmd
    .add_option("--llm-timeout-ms", opts.llm_timeout_ms,
                "Time one LLM call may take")
    ->capture_default_str()
    ->check(CLI::PositiveNumber)
    ->group(llm);
  cmd
    .add_option("--ca-file", opts.ca_file,
                "PEM file of extra trusted certificates for HTTPS")
    ->check(CLI::ExistingFile)
    ->group(llm);
  cmd
    .add_option("--token-budget", opts.token_budget,
                "No new LLM call once this many tokens are spent; the "
                "remaining answers fall back to rules (0: no budget)")
    ->capture_default_str()
    ->group(llm);
  cmd
    .add_option("--price-prompt", opts.prices.prompt_per_million,
                "Price of a million prompt tokens, for the estimated cost "
                "in the summary and the metrics")
    ->check(CLI::NonNegativeNumber)
    ->group(llm);
  cmd
    .add_option("--price-completion", opts.prices.completion_per_million,
                "Price of a million completion tokens")
    ->check(CLI::NonNegativeNumber)
    ->group(llm);
  cmd
    .add_option("--max-cost", opts.max_cost,
                "No new LLM call once the estimated cost reaches this (at "
                "the prices above); the remaining answers fall back to "
                "rules (0: no limit)")
    ->check(CLI::NonNegativeNumber)
    ->group(llm);
  auto* limits = limits_group;
  cmd
    .add_option("--max-answer-bytes", opts.answer_limits.max_answer_bytes,
                "Longest user_answer scored; a longer one is an invalid "
                "answer")
    ->capture_default_str()
    ->check(CLI::PositiveNumber)
    ->group(limits);
  cmd
    .add_option("--max-keywords", opts.answer_limits.max_keywords,
                "Most correct_keywords of one answer")
    ->capture_default_str()
    ->check(CLI::PositiveNumber)
    ->group(limits);
  cmd
    .add_option("--max-keyword-bytes", opts.answer_limits.max_keyword_bytes,
                "Longest keyword")
    ->capture_default_str()
    ->check(CLI::PositiveNumber)
    ->group(limits);
  cmd
    .add_option("--max-correct-answer-bytes",
                opts.answer_limits.max_correct_answer_bytes,
                "Longest correct_answer")
    ->capture_default_str()
    ->check(CLI::PositiveNumber)
    ->group(limits);
  cmd
    .add_flag("--insecure", opts.insecure,
              "Do not check the endpoint's TLS certificate (unsafe)")
    ->group(llm);
}

} // namespace grader::app
