#pragma once

// The journal of a batch: every settled answer is appended to a JSON Lines
// file as it settles (see actors/journal_listener.hpp), so that after a
// crash a later run scores only what is not done yet (messages/
// resume_plan.hpp). `grader score --journal` and `--resume` use it, and so
// can any host.

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "messages/answer_outcome.hpp"
#include "messages/judge_settings.hpp"

namespace grader {

/// Appends outcomes to a journal, one line each, handing every line to the
/// operating system in a single write as it comes: a crash loses nothing
/// written, and at worst leaves one torn last line.
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

  /// Writes the journal's first line, `{"judge": {...}}` (see
  /// messages/judge_settings_json.hpp), when the journal holds nothing yet:
  /// a resumed run then finds what its answers were judged with. False
  /// when writing failed (see error()).
  bool start(const judge_settings& judge);

  /// Appends one outcome line; false when writing failed (see error()).
  bool append(const answer_outcome& x);

  /// Why an append failed (`cannot write journal 'j.jsonl': No space left
  /// on device`); empty while every append succeeded. After a failure every
  /// append fails: a partly written line must stay the last one.
  const std::string& error() const {
    return error_;
  }

private:
  journal_writer(std::string path, int fd);

  bool append_line(std::string line);

  std::string path_;
  int fd_;
  std::string error_;
};

/// What a journal holds.
struct journal_contents {
  /// The latest outcome per answer key (see answer_key).
  std::map<std::string, answer_outcome> by_key;
  /// Lines read as outcomes, later repeats of a key included.
  size_t lines = 0;
  /// Whether an unreadable last line, torn by a crash, was left out.
  bool torn_tail = false;
  /// What the answers were judged with, from the journal's first line;
  /// nothing for a journal written before grader recorded it, or empty.
  std::optional<judge_settings> judge;
};

/// Reads the journal at `path`, a regular file. A missing file is an empty
/// journal (the run to resume never wrote one); a last line that is torn
/// (no newline, or not JSON) is left out and sets `torn_tail`. Any other
/// line that is not an outcome as grader writes it makes it fail with
/// `error` naming the line (`journal 'j.jsonl' line 7: score must be
/// 0..100, got 12345`), and so does an outcome at an index outside a batch
/// of `batch_size` items: that journal is of another batch.
std::optional<journal_contents>
read_journal(const std::string& path, std::string& error,
             uint64_t batch_size = std::numeric_limits<uint64_t>::max());

} // namespace grader
