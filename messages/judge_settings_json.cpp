#include "messages/judge_settings_json.hpp"

namespace grader {

void write_judge_settings(scoring::json_text& out, const judge_settings& x) {
  out.begin_object();
  out.member("model", x.model);
  out.member("temperature", x.temperature);
  if (x.seeded)
    out.member("seed", x.seed);
  out.member("prompt_version", x.prompt_version);
  out.member("samples", x.samples);
  out.member("reducer", to_string(x.reducer));
  out.member("max_spread", x.max_spread);
  out.end_object();
}

judge_settings read_judge_settings(const detail::fields& in) {
  judge_settings x;
  x.model = in.text("model");
  x.temperature = in.number_in("temperature", 0, 2);
  x.seeded = in.has("seed");
  if (x.seeded)
    x.seed = in.count("seed");
  x.prompt_version = in.text("prompt_version");
  if (x.prompt_version.empty())
    throw detail::field_error(in.path_of("prompt_version") + " is empty");
  x.samples = static_cast<uint32_t>(in.int32_in("samples", 1, 100));
  x.reducer = in.enumerator("reducer", scoring::parse_score_reducer);
  x.max_spread = in.int32_in("max_spread", 0, 100);
  return x;
}

} // namespace grader
