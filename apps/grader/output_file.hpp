#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace grader::app {

/// A file a result goes to, prepared before the work that produces it so
/// that an unwritable path fails at once, not after a batch was paid for.
///
/// A regular file (or a path with nothing there yet) is written whole or not
/// at all: the text goes to a temporary file created exclusively beside the
/// target, is synced, and is renamed over it, keeping the old file's
/// permissions. A symbolic link is followed, so the file it points to is
/// replaced and the link stays. Anything else (`/dev/null`, `/dev/full`, a
/// FIFO, a terminal) is written in place, as a shell redirection would: such
/// a node is never replaced by a regular file.
class output_file {
public:
  /// Checks that `path` can be written and, for a regular target, creates
  /// the temporary file. On failure returns null and sets `error` (`cannot
  /// write 'out/r.json': No such file or directory`).
  static std::unique_ptr<output_file> prepare(const std::string& path,
                                              std::string& error);

  /// Removes the temporary file if commit() did not happen.
  ~output_file();

  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  /// Writes the next piece of the text: to the temporary file, or to a
  /// target written in place. Returns why it failed, empty on success; after
  /// a failure nothing more is written and commit() fails too.
  std::string write(std::string_view piece);

  /// Ends the text written so far: syncs the temporary file and renames it
  /// over the target. Returns why it failed, empty on success.
  std::string commit();

  /// Writes `text` as the whole of the target (write, then commit).
  std::string commit(std::string_view text);

  /// The temporary file, empty for a target written in place. A process
  /// that must exit at once removes it (see signal_watch).
  const std::string& temp_path() const {
    return temp_path_;
  }

private:
  output_file(std::string path, std::string target, std::string temp_path,
              int temp_fd);

  std::string path_;   // as the user named it, for messages
  std::string target_; // after following symbolic links
  std::string temp_path_;
  int temp_fd_;
  // The target written in place, opened by the first write.
  int in_place_fd_ = -1;
  std::string failure_;
};

/// Writes `text` to `path` at once through an output_file. Returns why it
/// failed, empty on success.
std::string write_file_atomically(const std::string& path,
                                  std::string_view text);

/// Writes all of `text` to the file descriptor `fd`, retrying short writes
/// and interruptions. Returns false with errno set when it cannot.
bool write_all(int fd, std::string_view text);

} // namespace grader::app
