#pragma once

// The options that say how answers are judged: the LLM endpoint, its
// limits, and the limits on an answer. `grader score` and `grader node`
// take the same ones.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <CLI/App.hpp>

#include "actors/config.hpp"
#include "scoring/answer_limits.hpp"
#include "scoring/judge_settings.hpp"
#include "scoring/token_prices.hpp"

namespace grader::net {
class chat_backend;
} // namespace grader::net

namespace grader::app {

struct llm_options {
  // Without a URL, the built-in judge answers in-process.
  std::string llm_url;
  std::string model = "gpt-4o-mini";
  std::string api_key_env = "OPENAI_API_KEY";
  uint32_t concurrency = 64;
  uint32_t rpm = 0;
  uint32_t tpm = 0;
  uint32_t retries = 3;
  uint32_t llm_timeout_ms = 20'000;
  std::string ca_file;
  bool insecure = false;
  uint64_t token_budget = 0;
  scoring::token_prices prices;
  double max_cost = 0;
  double temperature = 0;
  bool seeded = false;
  uint64_t seed = 0;
  uint32_t judge_samples = 1;
  std::string reducer = "median";
  int32_t max_spread = 20;
  std::string structured = "auto";
  scoring::answer_limits answer_limits;
};

/// Adds the options to `cmd`, in the groups "LLM" and "Limits".
void add_llm_options(CLI::App& cmd, llm_options& opts);

/// The options of add_llm_options given on `cmd` (on the command line, by
/// the environment or by --config) that only a process calling the LLM
/// itself uses: all but the API key's limits (--concurrency, --rpm, --tpm)
/// and the prices, which a client of other nodes keeps. In the order
/// they were added.
std::vector<std::string> judging_options_given(const CLI::App& cmd);

/// Checks the options; returns false after a line on stderr. Messages quote
/// the URL and the model only escaped, and never the API key.
bool check_llm_options(const llm_options& opts);

/// The backend the options name: nullptr for the built-in judge.
std::shared_ptr<net::chat_backend> make_backend(const llm_options& opts);

/// What the options judge with: the model (or "built-in judge"), the
/// temperature, the seed and the prompt version.
scoring::judge_settings judge_settings_of(const llm_options& opts);

/// Puts the options' limits into a scoring service's settings.
void apply_llm_options(const llm_options& opts, config& settings);

} // namespace grader::app
