#include <catch2/catch.hpp>

#include "scoring/judge_settings.hpp"
#include "scoring/prompts.hpp"

using namespace grader::scoring;

namespace {

judge_settings usual() {
  judge_settings x;
  x.model = "gpt-4o-mini";
  x.prompt_version = "132a66e6a08d";
  return x;
}

} // namespace

TEST_CASE("judge settings that agree differ in nothing", "[scoring]") {
  CHECK(judge_settings_difference(usual(), usual()).empty());
  CHECK(usual() == usual());
  // The seed of an unseeded run is not one.
  auto unseeded = usual();
  unseeded.seed = 7;
  CHECK(unseeded == usual());
  CHECK(judge_settings_difference(usual(), unseeded).empty());
}

TEST_CASE("judge settings name each difference with what it was", "[scoring]") {
  auto now = usual();
  now.model = "llama-3.1-8b";
  now.temperature = 0.7;
  now.seeded = true;
  now.seed = 42;
  CHECK_FALSE(now == usual());
  CHECK(judge_settings_difference(usual(), now)
        == "model llama-3.1-8b (was gpt-4o-mini), temperature 0.7 (was 0), "
           "seed 42 (was none)");
  auto other_prompts = usual();
  other_prompts.prompt_version = "0123456789ab";
  CHECK(judge_settings_difference(usual(), other_prompts)
        == "prompt version 0123456789ab (was 132a66e6a08d)");
  auto seeded = now;
  seeded.seed = 43;
  CHECK(judge_settings_difference(now, seeded) == "seed 43 (was 42)");
}

TEST_CASE("judge settings show a model name only escaped", "[scoring]") {
  auto now = usual();
  now.model = "evil\n\x1b[2Jmodel";
  CHECK(judge_settings_difference(usual(), now)
        == "model evil\\n\\x1b[2Jmodel (was gpt-4o-mini)");
}

TEST_CASE("the prompt version is 12 hex digits and the same every time",
          "[scoring]") {
  auto version = prompt_version();
  CHECK(version.size() == 12);
  CHECK(version.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(prompt_version() == version);
}

TEST_CASE("judge settings give every sample its own seed", "[scoring]") {
  chat_request request;
  auto judge = usual();
  judge.temperature = 0.7;
  apply_judge_settings(request, judge);
  CHECK(request.temperature == 0.7);
  CHECK_FALSE(request.seeded);
  judge.samples = 3;
  for (uint32_t sample = 0; sample < 3; ++sample) {
    apply_judge_settings(request, judge, sample);
    CHECK(request.seeded);
    CHECK(request.seed == sample);
  }
  judge.seeded = true;
  judge.seed = 100;
  apply_judge_settings(request, judge, 2);
  CHECK(request.seed == 102);
  judge.samples = 1;
  apply_judge_settings(request, judge);
  CHECK(request.seeded);
  CHECK(request.seed == 100);
}
