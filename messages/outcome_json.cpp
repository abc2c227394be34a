#include "messages/outcome_json.hpp"

#include <type_traits>
#include <utility>
#include <variant>

#include "messages/detail/output_fields.hpp"
#include "scoring/display_text.hpp"
#include "scoring/json_text.hpp"

namespace grader::detail {

void write_fields(json_text& out, const score_result& x) {
  out.member("attempt_id", x.attempt_id);
  out.member("session_id", x.session_id);
  out.member("index", x.index);
  if (!x.answer_id.empty())
    out.member("answer_id", x.answer_id);
  out.member("question_id", x.question_id);
  out.member("user_id", x.user_id);
  out.member("is_correct", x.verdict.is_correct);
  out.member("score", x.verdict.score);
  out.member("explanation", x.explanation);
  out.member("keyword_matches", x.verdict.keyword_matches);
  out.member("feedback", x.verdict.feedback);
  out.member("graded_at", x.graded_at);
  out.member("graded_by", to_string(x.verdict.by));
  if (!x.fallback_reason.empty())
    out.member("fallback_reason", x.fallback_reason);
  if (!x.llm_error.empty())
    out.member("llm_error", x.llm_error);
  out.member("needs_review", x.verdict.needs_review);
  if (!x.verdict.review_reasons.empty())
    out.member("review_reasons", x.verdict.review_reasons);
  if (!x.verdict.judge_scores.empty())
    out.member("judge_scores", x.verdict.judge_scores);
  if (!x.verdict.rubric_scores.empty())
    out.member("rubric_scores", x.verdict.rubric_scores);
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
  if (in.has("review_reasons")) {
    x.verdict.review_reasons = in.texts("review_reasons");
    for (const auto& reason : x.verdict.review_reasons)
      if (!scoring::is_review_reason(reason))
        throw field_error("review_reasons: '"
                          + scoring::escape_for_display(reason)
                          + "' is unknown");
  }
  if (in.has("judge_scores"))
    x.verdict.judge_scores = in.int32s_in("judge_scores", 0, 100);
  if (in.has("rubric_scores"))
    x.verdict.rubric_scores = in.int32s_in("rubric_scores", 0, 100);
  return x;
}

void write_fields(json_text& out, const score_failure& x) {
  out.member("index", x.index);
  if (!x.answer_id.empty())
    out.member("answer_id", x.answer_id);
  out.member("question_id", x.question_id);
  out.member("user_id", x.user_id);
  out.key("error");
  out.begin_object();
  out.member("code", to_string(x.code));
  out.member("message", x.message);
  out.end_object();
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

void append_outcome_line(std::string& out, const answer_outcome& x) {
  json_text line{out, -1};
  line.begin_object();
  std::visit(
    [&](const auto& outcome) {
      using type = std::decay_t<decltype(outcome)>;
      line.member("type",
                  std::is_same_v<type, score_result> ? "result" : "failure");
      write_fields(line, outcome);
    },
    x);
  line.end_object();
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
  std::string line;
  detail::append_outcome_line(line, x);
  return line;
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
