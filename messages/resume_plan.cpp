#include "messages/resume_plan.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <type_traits>
#include <utility>

#include "messages/journal.hpp"
#include "scoring/batch_stats.hpp"
#include "scoring/display_text.hpp"

namespace grader {

namespace {

std::string key_of(std::string_view answer_id, uint64_t index) {
  if (!answer_id.empty())
    return "id:" + std::string{answer_id};
  return "index:" + std::to_string(index);
}

// One item of a batch: an answer or a rejected item.
struct batch_item {
  const answer* x = nullptr;
  const score_failure* rejected = nullptr;

  uint64_t index() const {
    return x ? x->index : rejected->index;
  }

  std::string key() const {
    return x ? answer_key(*x) : answer_key(*rejected);
  }

  const std::string& question_id() const {
    return x ? x->question_id : rejected->question_id;
  }

  const std::string& user_id() const {
    return x ? x->user_id : rejected->user_id;
  }
};

// The items of `batch` in position order.
std::vector<batch_item> items_of(const batch_request& batch) {
  std::vector<batch_item> items;
  items.reserve(batch.answers.size() + batch.rejected.size());
  for (const auto& x : batch.answers)
    items.push_back(batch_item{&x, nullptr});
  for (const auto& rejected : batch.rejected)
    items.push_back(batch_item{nullptr, &rejected});
  std::stable_sort(items.begin(), items.end(),
                   [](const batch_item& a, const batch_item& b) {
                     return a.index() < b.index();
                   });
  return items;
}

// The session of the first done result that names one.
std::string session_of(const std::vector<answer_outcome>& done) {
  for (const auto& outcome : done)
    if (const auto* x = std::get_if<score_result>(&outcome))
      if (!x->session_id.empty())
        return x->session_id;
  return {};
}

// Sends each item of `batch` to `done` when `take_over(key, item)` finds an
// earlier outcome for it, else to `remaining`; both keep the item's
// position.
template <class TakeOver>
resume_plan split(const batch_request& batch, TakeOver take_over) {
  auto items = items_of(batch);
  std::vector<std::string> keys;
  std::map<std::string, size_t> uses;
  for (const auto& item : items)
    ++uses[keys.emplace_back(item.key())];
  resume_plan plan;
  plan.remaining.session_id = batch.session_id;
  plan.remaining.options = batch.options;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    // A shared answer_id cannot tell whose outcome the earlier one was.
    const answer_outcome* earlier = nullptr;
    if (uses[keys[i]] == 1)
      earlier = take_over(keys[i], item);
    if (earlier != nullptr) {
      auto outcome = *earlier;
      std::visit([&](auto& y) { y.index = item.index(); }, outcome);
      plan.done.push_back(std::move(outcome));
    } else if (item.x != nullptr) {
      plan.remaining.answers.push_back(*item.x);
    } else {
      plan.remaining.rejected.push_back(*item.rejected);
    }
  }
  if (plan.remaining.session_id.empty())
    plan.remaining.session_id = session_of(plan.done);
  return plan;
}

const answer_outcome*
find(const std::map<std::string, answer_outcome>& outcomes,
     const std::string& key) {
  auto i = outcomes.find(key);
  return i != outcomes.end() ? &i->second : nullptr;
}

} // namespace

std::string answer_key(const answer& x) {
  return key_of(x.answer_id, x.index);
}

std::string answer_key(const score_result& x) {
  return key_of(x.answer_id, x.index);
}

std::string answer_key(const score_failure& x) {
  return key_of(x.answer_id, x.index);
}

std::string answer_key(const answer_outcome& x) {
  return std::visit([](const auto& y) { return answer_key(y); }, x);
}

std::string
first_difference(const batch_request& batch,
                 const std::map<std::string, answer_outcome>& earlier,
                 const std::string& there) {
  using scoring::escape_for_display;
  auto quoted = [](const std::string& x) {
    return "'" + escape_for_display(x, 80) + "'";
  };
  std::set<std::string> keys;
  for (const auto& item : items_of(batch)) {
    auto key = item.key();
    keys.insert(key);
    const auto* outcome = find(earlier, key);
    if (outcome == nullptr)
      continue;
    const auto& question = item.question_id();
    const auto& user = item.user_id();
    auto [their_question, their_user, their_session] = std::visit(
      [](const auto& y) {
        std::string session;
        if constexpr (std::is_same_v<std::decay_t<decltype(y)>, score_result>)
          session = y.session_id;
        return std::make_tuple(y.question_id, y.user_id, session);
      },
      *outcome);
    auto name = "item " + std::to_string(item.index()) + " ("
                + escape_for_display(key, 80) + ")";
    if (question != their_question || user != their_user)
      return name + " is question " + quoted(question) + " of user "
             + quoted(user) + " in the input but question "
             + quoted(their_question) + " of user " + quoted(their_user)
             + " in " + there;
    if (!batch.session_id.empty() && !their_session.empty()
        && batch.session_id != their_session)
      return name + " is of session " + quoted(batch.session_id)
             + " in the input but of session " + quoted(their_session) + " in "
             + there;
  }
  for (const auto& [key, outcome] : earlier)
    if (keys.count(key) == 0)
      return there + " holds " + escape_for_display(key, 80)
             + ", which the input does not have";
  return {};
}

bool needs_scoring_again(const answer_outcome& x) {
  if (const auto* failure = std::get_if<score_failure>(&x))
    return failure->code == ec::cancelled;
  return std::get<score_result>(x).fallback_reason
         == fallback_reasons::deadline;
}

resume_plan plan_resume(const batch_request& batch,
                        const journal_contents& journal) {
  return split(batch,
               [&](const std::string& key,
                   const batch_item&) -> const answer_outcome* {
                 const auto* earlier = find(journal.by_key, key);
                 if (earlier != nullptr && needs_scoring_again(*earlier))
                   return nullptr;
                 return earlier;
               });
}

resume_plan plan_retry_failed(const batch_request& batch,
                              const batch_result& earlier) {
  std::map<std::string, answer_outcome> results;
  for (const auto& x : earlier.results)
    results.insert_or_assign(answer_key(x), x);
  return split(batch,
               [&](const std::string& key,
                   const batch_item& item) -> const answer_outcome* {
                 if (item.rejected != nullptr)
                   return nullptr;
                 return find(results, key);
               });
}

batch_result merge(const resume_plan& plan, batch_result fresh) {
  // Nothing to add to a result in order: only its statistics are made
  // sure of, without moving 100,000 results into a new one.
  auto by_index = [](const auto& x, const auto& y) {
    return x.index < y.index;
  };
  if (plan.done.empty()
      && std::is_sorted(fresh.results.begin(), fresh.results.end(), by_index)
      && std::is_sorted(fresh.failures.begin(), fresh.failures.end(),
                        by_index)) {
    scoring::stats_tally tally;
    for (const auto& x : fresh.results)
      tally.add(x.verdict);
    fresh.stats = tally.finish(fresh.failures.size());
    return fresh;
  }
  auto session_id = fresh.session_id.empty() ? session_of(plan.done)
                                             : std::move(fresh.session_id);
  std::vector<answer_outcome> outcomes = plan.done;
  outcomes.reserve(outcomes.size() + fresh.results.size()
                   + fresh.failures.size());
  for (auto& x : fresh.results)
    outcomes.emplace_back(std::move(x));
  for (auto& x : fresh.failures)
    outcomes.emplace_back(std::move(x));
  return make_batch_result(std::move(session_id), std::move(outcomes),
                           std::move(fresh.metrics));
}

} // namespace grader
