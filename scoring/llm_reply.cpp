#include "scoring/llm_reply.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace grader::scoring {

namespace {

using json = nlohmann::json;

constexpr std::string_view no_object = "reply has no JSON object";
constexpr std::string_view malformed_object
  = "reply's JSON object is malformed";
constexpr std::string_view no_score = "reply has no numeric score";

constexpr std::string_view white_space = " \t\r\n";
constexpr std::string_view fence = "```";

score_reply failure(std::string_view error) {
  return {std::nullopt, std::string{error}, false};
}

std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(white_space);
  if (first == std::string_view::npos)
    return {};
  auto last = text.find_last_not_of(white_space);
  return text.substr(first, last - first + 1);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size()
         && text.substr(text.size() - suffix.size()) == suffix;
}

// `text` without white space around it and without a Markdown code fence
// (```json ... ```) around that.
std::string_view unwrap(std::string_view text) {
  text = trim(text);
  if (text.size() < 2 * fence.size() || !starts_with(text, fence)
      || !ends_with(text, fence))
    return text;
  text = text.substr(fence.size(), text.size() - 2 * fence.size());
  // The fence's info string, as in ```json.
  auto info_end = std::find_if(text.begin(), text.end(), [](char c) {
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  });
  return trim(text.substr(static_cast<size_t>(info_end - text.begin())));
}

// The reply as one JSON object, when it is nothing else.
std::optional<json> sole_object(std::string_view content) {
  auto text = unwrap(content);
  if (!starts_with(text, "{"))
    return std::nullopt;
  auto result = json::parse(text, nullptr, false);
  if (!result.is_object())
    return std::nullopt;
  return result;
}

// The top-level spans from '{' to its matching '}' in `text`, in order.
// Prose between them is skipped, so a quote or a '}' there means nothing;
// inside a span, braces in JSON strings do not count, so a reasoning like
// "use {x}" is no trap. A '{' that never closes is taken for prose, and
// the spans that close inside it count as top-level. One pass, so a reply
// of a million braces costs no more than a million bytes of prose.
std::vector<std::string_view> object_spans(std::string_view text) {
  std::vector<std::string_view> result;
  // The positions of the braces not yet closed, outermost first, and for
  // each the spans closed right inside it: top-level should it never close.
  std::vector<size_t> open;
  std::vector<std::vector<std::string_view>> closed_inside;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = text[i];
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"' && !open.empty()) {
      in_string = true;
    } else if (c == '{') {
      open.push_back(i);
      closed_inside.emplace_back();
    } else if (c == '}' && !open.empty()) {
      auto span = text.substr(open.back(), i + 1 - open.back());
      open.pop_back();
      closed_inside.pop_back();
      if (open.empty())
        result.push_back(span);
      else
        closed_inside.back().push_back(span);
    }
  }
  // Spans that closed inside unclosed braces, which nest in one another in
  // the order they opened, so the innermost brace's spans come last.
  for (auto& spans : closed_inside)
    result.insert(result.end(), spans.begin(), spans.end());
  std::sort(result.begin(), result.end(),
            [](std::string_view x, std::string_view y) {
              return x.data() < y.data();
            });
  return result;
}

// The score as a whole number from 0 to 100, or nothing when `x` is no
// finite number.
std::optional<int32_t> clamped_score(const json& x) {
  if (x.is_number_unsigned())
    return static_cast<int32_t>(std::min<uint64_t>(x.get<uint64_t>(), 100));
  if (x.is_number_integer())
    return static_cast<int32_t>(std::clamp<int64_t>(x.get<int64_t>(), 0, 100));
  if (x.is_number_float()) {
    auto value = x.get<double>();
    if (!std::isfinite(value))
      return std::nullopt;
    // Clamped before rounding, so that lround never sees a huge value.
    return static_cast<int32_t>(std::lround(std::clamp(value, 0.0, 100.0)));
  }
  return std::nullopt;
}

// The points of a rubric reply's `rubric_scores`, one number per
// criterion, each clamped to its points; nothing when the list does not
// match the rubric.
std::optional<std::vector<int32_t>>
rubric_points_of(const json& object,
                 const std::vector<rubric_criterion>& rubric) {
  auto list = object.find("rubric_scores");
  if (list == object.end() || !list->is_array()
      || list->size() != rubric.size())
    return std::nullopt;
  std::vector<int32_t> awarded;
  for (const auto& item : *list) {
    auto points = clamped_score(item);
    if (!points)
      return std::nullopt;
    awarded.push_back(*points);
  }
  return clamp_to_rubric(rubric, awarded);
}

// The verdict `object` holds, or nothing when it has no numeric score (with
// a rubric: no rubric_scores that match it).
std::optional<judged_score>
verdict_in(const json& object, const std::vector<rubric_criterion>* rubric) {
  judged_score result;
  if (rubric != nullptr && !rubric->empty()) {
    auto points = rubric_points_of(object, *rubric);
    if (!points)
      return std::nullopt;
    result.score = rubric_score(*rubric, *points);
    result.rubric_scores = std::move(*points);
  } else {
    auto score = object.find("score");
    if (score == object.end())
      return std::nullopt;
    auto clamped = clamped_score(*score);
    if (!clamped)
      return std::nullopt;
    result.score = *clamped;
  }
  auto reasoning = object.find("reasoning");
  if (reasoning != object.end() && reasoning->is_string())
    result.reasoning = reasoning->get<std::string>();
  return result;
}

} // namespace

score_reply parse_score_reply(std::string_view content,
                              const std::vector<rubric_criterion>* rubric) {
  auto missing = [rubric] {
    return rubric != nullptr && !rubric->empty()
             ? failure("reply has no rubric_scores with a number for each of "
                       "the rubric's "
                       + std::to_string(rubric->size()) + " criteria")
             : failure(no_score);
  };
  // The reply the prompt asks for: the object alone.
  if (auto object = sole_object(content)) {
    auto verdict = verdict_in(*object, rubric);
    if (!verdict)
      return missing();
    return {std::move(*verdict), {}, false};
  }
  // Otherwise the object is in prose, next to whatever else the model
  // chose to quote (the student's answer may hold an object of its own).
  if (content.find('{') == std::string_view::npos)
    return failure(no_object);
  std::vector<json> objects;
  for (auto span : object_spans(content)) {
    auto object = json::parse(span, nullptr, false);
    if (object.is_object())
      objects.push_back(std::move(object));
  }
  if (objects.empty())
    return failure(malformed_object);
  // The last object with both keys the prompt asks for, else the last one
  // with a score; any disagreement among the scores makes the reply
  // ambiguous.
  std::optional<judged_score> chosen;
  bool chosen_has_reasoning = false;
  std::optional<int32_t> first_score;
  bool disagree = false;
  for (const auto& object : objects) {
    auto verdict = verdict_in(object, rubric);
    if (!verdict)
      continue;
    if (!first_score)
      first_score = verdict->score;
    else if (*first_score != verdict->score)
      disagree = true;
    auto has_reasoning = object.contains("reasoning");
    if (has_reasoning || !chosen_has_reasoning) {
      chosen = std::move(verdict);
      chosen_has_reasoning = has_reasoning;
    }
  }
  if (!chosen)
    return missing();
  return {std::move(*chosen), {}, disagree};
}

} // namespace grader::scoring
