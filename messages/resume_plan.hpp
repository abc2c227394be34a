#pragma once

// Scoring a batch in more than one run: after a crash (resume from the
// journal) or to score again what failed (retry from an earlier output).
// Pure planning over message types; the file side is messages/journal.hpp.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/answer_outcome.hpp"
#include "messages/batch_request.hpp"
#include "messages/batch_result.hpp"

namespace grader {

struct journal_contents;

/// What identifies an answer across runs: `id:<answer_id>` when the answer
/// has one, else `index:<position in the batch>`.
std::string answer_key(const answer& x);

/// The key of the answer a result or failure is for.
std::string answer_key(const score_result& x);
std::string answer_key(const score_failure& x);
std::string answer_key(const answer_outcome& x);

/// A batch split into what is left to score and what is already done.
struct resume_plan {
  /// The answers still to score and the rejected items to report again, at
  /// their positions in the batch, with its session and options.
  batch_request remaining;
  /// Outcomes taken over, at their positions in the batch.
  std::vector<answer_outcome> done;
};

/// Why `earlier` (the outcomes of a journal or an earlier output, by answer
/// key) cannot be of `batch`, or empty when it can: the first item, in
/// position order, whose question, user or session differs from its
/// earlier outcome (`item 3 (id:a3) is question 'q1' of user 'u1' in the
/// input but question 'q9' of user 'u5' in the journal`), else the first
/// earlier outcome for an answer the batch does not have. `there` names the
/// source in the message.
std::string
first_difference(const batch_request& batch,
                 const std::map<std::string, answer_outcome>& earlier,
                 const std::string& there);

/// Whether a journaled outcome must be scored again on resume: an answer
/// cancelled (Ctrl-C) or given a fallback at the batch deadline was never
/// really scored.
bool needs_scoring_again(const answer_outcome& x);

/// Plans the resumption of `batch` after a run that wrote `journal`: every
/// item (answer or rejected item) whose key the journal holds is done,
/// unless needs_scoring_again says otherwise; the rest remains. Keys that
/// more than one item of the batch share identify none of them: those
/// items are scored again. When the batch has no session id, `remaining`
/// takes the one of the journaled results, so that the resumed run
/// continues the same session.
resume_plan plan_resume(const batch_request& batch,
                        const journal_contents& journal);

/// Plans scoring again the answers of `batch` that failed in `earlier`: the
/// answers `earlier` has results for are done, every other answer remains
/// (its failures, and any answer `earlier` does not mention). Rejected items
/// of the batch would only fail again: they remain as rejected items.
resume_plan plan_retry_failed(const batch_request& batch,
                              const batch_result& earlier);

/// The result of the whole batch: the outcomes of `fresh` (the result of
/// `plan.remaining`) and of `plan.done` (see make_batch_result). Keeps the
/// metrics and session id of `fresh` (the session id of a done result when
/// `fresh` has none). Every position appears once when `fresh` accounts for
/// every item of `plan.remaining` once.
batch_result merge(const resume_plan& plan, batch_result fresh);

} // namespace grader
