#pragma once

// judge_settings in JSON, as the batch metrics (`metrics.judge`) and the
// journal's first line hold them: `{"model": "gpt-4o-mini", "temperature":
// 0, "seed": 42, "prompt_version": "7bcbf1ca21e4"}`, `seed` left out when
// the calls carried none.

#include "messages/detail/output_fields.hpp"
#include "messages/judge_settings.hpp"
#include "scoring/json_text.hpp"

namespace grader {

void write_judge_settings(scoring::json_text& out, const judge_settings& x);

/// Reads back what write_judge_settings wrote; throws detail::field_error.
judge_settings read_judge_settings(const detail::fields& in);

} // namespace grader
