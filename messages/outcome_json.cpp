#include "messages/outcome_json.hpp"

#include <utility>

#include "messages/detail/output_fields.hpp"
#include "scoring/display_text.hpp"

namespace grader::detail {

using ordered_json = nlohmann::ordered_json;

ordered_json to_json(const score_result& x) {
  ordered_json out;
  out["attempt_id"] = x.attempt_id;
  out["session_id"] = x.session_id;
  out["index"] = x.index;
  if (!x.answer_id.empty())
    out["answer_id"] = x.answer_id;
  out["question_id"] = x.question_id;
  out["user_id"] = x.user_id;
  out["is_correct"] = x.verdict.is_correct;
  out["score"] = x.verdict.score;
  out["explanation"] = x.explanation;
  out["keyword_matches"] = x.verdict.keyword_matches;
  out["feedback"] = x.verdict.feedback;
  out["graded_at"] = x.graded_at;
  out["graded_by"] = std::string{to_string(x.verdict.by)};
  if (!x.fallback_reason.empty())
    out["fallback_reason"] = x.fallback_reason;
  if (!x.llm_error.empty())
    out["llm_error"] = x.llm_error;
  out["needs_review"] = x.verdict.needs_review;
  return out;
}

score_result read_result(const fields& in) {
  score_result x;
  x.attempt_id = in.text("attempt_id");
  x.session_id = in.text("session_id");
  x.index = in.count("index");
  x.answer_id = in.optional_text("answer_id");
  x.question_id = in.text("question_id");
  x.user_id = in.text("user_id");
  x.verdict.is_correct = in.flag("is_correct");
  x.verdict.score = in.int32_in("score", 0, 100);
  x.explanation = in.text("explanation");
  x.verdict.keyword_matches = in.texts("keyword_matches");
  x.verdict.feedback = in.text("feedback");
  x.graded_at = in.time("graded_at");
  x.verdict.by = in.enumerator("graded_by", parse_graded_by);
  x.fallback_reason = in.optional_text("fallback_reason");
  if (!x.fallback_reason.empty() && !is_fallback_reason(x.fallback_reason))
    throw field_error("fallback_reason '"
                      + scoring::escape_for_display(x.fallback_reason)
                      + "' is unknown");
  x.llm_error = in.optional_text("llm_error");
  x.verdict.needs_review = in.flag("needs_review");
  return x;
}

ordered_json to_json(const score_failure& x) {
  ordered_json out;
  out["index"] = x.index;
  if (!x.answer_id.empty())
    out["answer_id"] = x.answer_id;
  out["question_id"] = x.question_id;
  out["user_id"] = x.user_id;
  out["error"] = {{"code", to_string(x.code)}, {"message", x.message}};
  return out;
}

score_failure read_failure(const fields& in) {
  score_failure x;
  x.index = in.count("index");
  x.answer_id = in.optional_text("answer_id");
  x.question_id = in.text("question_id");
  x.user_id = in.text("user_id");
  auto error = in.object("error");
  x.code = error.enumerator("code", parse_ec);
  if (x.code == ec::none)
    throw field_error(error.path_of("code") + " 'none' names no failure");
  x.message = error.text("message");
  return x;
}

std::string write_line(const char* type, const ordered_json& body) {
  ordered_json out;
  out["type"] = type;
  for (const auto& field : body.items())
    out[field.key()] = field.value();
  // Compact dumping escapes control characters, so the text stays one line.
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

answer_outcome read_outcome(const fields& line) {
  auto type = line.text("type");
  if (type == "result")
    return read_result(line);
  if (type == "failure")
    return read_failure(line);
  throw field_error("type must be \"result\" or \"failure\", got \""
                    + shown(type) + "\"");
}

} // namespace grader::detail

namespace grader {

std::string write_outcome_line(const answer_outcome& x) {
  if (const auto* result = std::get_if<score_result>(&x))
    return detail::write_line("result", detail::to_json(*result));
  return detail::write_line("failure",
                            detail::to_json(std::get<score_failure>(x)));
}

caf::expected<answer_outcome> read_outcome_line(std::string_view line) {
  try {
    auto parsed = detail::read_line_json(line);
    return detail::read_outcome(detail::fields{parsed, ""});
  } catch (const detail::field_error& e) {
    return detail::unreadable(e.what());
  }
}

bool is_one_json_value(std::string_view line) {
  auto read = detail::read_json_value(line);
  return !read.error
         && detail::first_non_blank(line, read.end) == std::string_view::npos;
}

} // namespace grader
