#pragma once

// The journal behind `grader score --journal`, `--resume` and
// `--retry-failed`: every finished answer is appended to a JSON Lines file
// as it completes, and a later run scores only what is not done yet.

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "messages/answer.hpp"
#include "messages/batch_request.hpp"
#include "messages/batch_result.hpp"
#include "messages/json_codec.hpp"
#include "messages/score_failure.hpp"
#include "messages/score_result.hpp"

namespace grader::app {

/// What identifies an answer across runs: `id:<answer_id>` when the answer
/// has one, else `index:<position in the batch>`.
std::string answer_key(const answer& x, uint64_t index);

/// The key of the answer a result is for.
std::string answer_key(const score_result& x);

/// The key of the answer a failure is for.
std::string answer_key(const score_failure& x);

/// Appends outcomes to a journal, one line each, handing every line to the
/// operating system in a single write as it comes: a crash of grader loses
/// nothing written, and at worst leaves one torn last line.
class journal_writer {
public:
  /// Opens `path` for appending, creating it when missing. A torn last line
  /// left by a crash (one read_journal leaves out) is cut off first, so that
  /// it cannot end up amid new lines. On failure returns null and sets
  /// `error` (`cannot open journal 'j.jsonl': Permission denied`).
  static std::unique_ptr<journal_writer> open(const std::string& path,
                                              std::string& error);

  ~journal_writer();

  journal_writer(const journal_writer&) = delete;
  journal_writer& operator=(const journal_writer&) = delete;

  /// Appends one result line; false when writing failed (see error()).
  bool append(const score_result& x);

  /// Appends one failure line; false when writing failed (see error()).
  bool append(const score_failure& x);

  /// Why an append failed (`cannot write journal 'j.jsonl': No space left
  /// on device`); empty while every append succeeded. After a failure every
  /// append fails: a partly written line must stay the last one.
  const std::string& error() const { return error_; }

private:
  journal_writer(std::string path, int fd);

  bool append_line(std::string line);

  std::string path_;
  int fd_;
  std::string error_;
};

/// What a journal holds.
struct journal_contents {
  /// The latest outcome per answer key.
  std::map<std::string, outcome_line> by_key;
  /// Lines read as outcomes, later repeats of a key included.
  size_t lines = 0;
  /// Whether an unreadable last line, torn by a crash, was left out.
  bool torn_tail = false;
};

/// Reads the journal at `path`, a regular file. A missing file is an empty
/// journal (the run to resume never wrote one); a last line that is torn
/// (no newline, or not JSON) is left out and sets `torn_tail`. Any other
/// line that is not an outcome as grader writes it makes it fail with
/// `error` naming the line (`journal 'j.jsonl' line 7: score must be
/// 0..100, got 12345`), and so does an outcome at an index outside a batch
/// of `batch_size` answers: that journal is of another batch.
std::optional<journal_contents> read_journal(
  const std::string& path, std::string& error,
  uint64_t batch_size = std::numeric_limits<uint64_t>::max());

/// A batch split into what is left to score and what is already done.
struct resume_plan {
  /// The answers still to score and the rejected items to report again,
  /// renumbered 0..n-1 in their original order, with the session and the
  /// options of the original batch.
  batch_request remaining;
  /// `original_index[i]` is the position in the original batch of position
  /// `i` of `remaining`.
  std::vector<uint64_t> original_index;
  /// Outcomes taken over, at their positions in the original batch.
  std::vector<outcome_line> done;
};

/// Why `earlier` (the outcomes of a journal or an earlier output, by answer
/// key) cannot be of `batch`, or empty when it can: the first item, in
/// position order, whose question, user or session differs from its
/// earlier outcome (`item 3 (id:a3) is question 'q1' of user 'u1' in the
/// input but question 'q9' of user 'u5' in the journal`), else the first
/// earlier outcome for an answer the batch does not have. `there` names the
/// source in the message.
std::string first_difference(const batch_request& batch,
                             const std::map<std::string, outcome_line>& earlier,
                             const std::string& there);

/// Whether a journaled outcome must be scored again on resume: an answer
/// cancelled (Ctrl-C) or given a fallback at the batch deadline was never
/// really scored.
bool needs_scoring_again(const outcome_line& x);

/// Plans the resumption of `batch` after a run that wrote `journal`: every
/// item (answer or rejected item) whose key the journal holds is done,
/// unless needs_scoring_again says otherwise; the rest remains. Keys that more than one item of the batch share identify
/// none of them: those items are scored again. When the batch has no
/// session id, `remaining` takes the one of the journaled results, so that
/// the resumed run continues the same session.
resume_plan plan_resume(const batch_request& batch,
                        const journal_contents& journal);

/// Plans scoring again the answers of `batch` that failed in `earlier`: the
/// answers `earlier` has results for are done, every other answer remains
/// (its failures, and any answer `earlier` does not mention). Rejected items
/// of the batch would only fail again: they remain as rejected items.
resume_plan plan_retry_failed(const batch_request& batch,
                              const batch_result& earlier);

/// `x`, a result of `plan.remaining`, at its position in the original
/// batch: what a journal written during a resumed run must record, so that
/// a second resume finds it under its key. A position `plan.remaining` does
/// not have is a bug and throws std::out_of_range.
score_result to_original(const resume_plan& plan, score_result x);

/// `x`, a failure of `plan.remaining`, at its position in the original
/// batch (see above).
score_failure to_original(const resume_plan& plan, score_failure x);

/// The result of the whole original batch: `fresh` (the result of
/// `plan.remaining`) moved back to original positions, plus the outcomes of
/// `plan.done`, each list in index order, with statistics over all of them.
/// Keeps the metrics and session id of `fresh` (the session id of a done
/// result when `fresh` has none). Every original position appears once when
/// `fresh` accounts for every position of `plan.remaining` once.
batch_result merge(const resume_plan& plan, batch_result fresh);

} // namespace grader::app
