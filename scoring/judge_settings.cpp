#include "scoring/judge_settings.hpp"

#include <sstream>

#include "scoring/display_text.hpp"

namespace grader::scoring {

namespace {

std::string temperature_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

std::string seed_text(const judge_settings& x) {
  return x.seeded ? std::to_string(x.seed) : "none";
}

} // namespace

void apply_judge_settings(chat_request& request, const judge_settings& judge,
                          uint32_t sample) {
  request.temperature = judge.temperature;
  request.seeded = judge.seeded || judge.samples > 1;
  request.seed = request.seeded ? judge.seed + sample : 0;
}

std::string judge_settings_difference(const judge_settings& earlier,
                                      const judge_settings& now) {
  std::string result;
  auto differ = [&](const char* name, const std::string& was,
                    const std::string& is) {
    if (was == is)
      return;
    if (!result.empty())
      result += ", ";
    result += std::string{name} + ' ' + is + " (was " + was + ')';
  };
  differ("model", escape_for_display(earlier.model, 80),
         escape_for_display(now.model, 80));
  differ("temperature", temperature_text(earlier.temperature),
         temperature_text(now.temperature));
  differ("seed", seed_text(earlier), seed_text(now));
  differ("prompt version", escape_for_display(earlier.prompt_version, 40),
         escape_for_display(now.prompt_version, 40));
  differ("judge samples", std::to_string(earlier.samples),
         std::to_string(now.samples));
  differ("reducer", std::string{to_string(earlier.reducer)},
         std::string{to_string(now.reducer)});
  differ("max spread", std::to_string(earlier.max_spread),
         std::to_string(now.max_spread));
  return result;
}

} // namespace grader::scoring
