#include "messages/journal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages/bounded_read.hpp"
#include "messages/detail/output_fields.hpp"
#include "messages/error.hpp"
#include "messages/judge_settings_json.hpp"
#include "messages/outcome_json.hpp"
#include "messages/resume_plan.hpp"
#include "scoring/display_text.hpp"

namespace grader {

namespace {

// How messages name the journal at `path`.
std::string journal_name(const std::string& path) {
  return "journal '" + scoring::escape_for_display(path) + "'";
}

std::string failure_text(const char* what, const std::string& path) {
  return std::string{what} + " " + journal_name(path) + ": "
         + std::strerror(errno);
}

// -- writing -----------------------------------------------------------------

// Reads `size` bytes at `offset`; false, with errno set, when it cannot.
bool read_at(int fd, char* data, size_t size, off_t offset) {
  while (size > 0) {
    auto got = ::pread(fd, data, size, offset);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      if (got == 0)
        errno = EIO; // The file shrank while we read it.
      return false;
    }
    data += got;
    size -= static_cast<size_t>(got);
    offset += got;
  }
  return true;
}

// Where the last line of a file of `size` bytes starts: after the newline
// before it, or at 0. The last byte is the last line's own newline, if any.
std::optional<off_t> start_of_last_line(int fd, off_t size) {
  char block[4096];
  for (auto end = size - 1; end > 0;) {
    auto begin = std::max<off_t>(end - off_t{sizeof block}, 0);
    auto length = static_cast<size_t>(end - begin);
    if (!read_at(fd, block, length, begin))
      return std::nullopt;
    for (auto i = length; i > 0; --i)
      if (block[i - 1] == '\n')
        return begin + static_cast<off_t>(i);
    end = begin;
  }
  return 0;
}

// What read_journal leaves out as torn: a last line without its newline or
// one that is not JSON. A whole JSON line with a wrong value is no crash's
// doing; it stays, for read_journal to report.
bool is_torn(std::string_view last_line) {
  if (last_line.empty() || last_line.back() != '\n')
    return true;
  last_line.remove_suffix(1);
  return !is_one_json_value(last_line);
}

// Appending after a torn line would turn it into an unreadable line in the
// middle of the journal, which spoils it, so the torn line goes (it could
// not be read anyway).
bool cut_torn_tail(int fd) {
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return false;
  if (!S_ISREG(info.st_mode) || info.st_size == 0)
    return true;
  auto start = start_of_last_line(fd, info.st_size);
  if (!start)
    return false;
  std::string last_line(static_cast<size_t>(info.st_size - *start), '\0');
  if (!read_at(fd, last_line.data(), last_line.size(), *start))
    return false;
  return !is_torn(last_line) || ::ftruncate(fd, *start) == 0;
}

// -- reading -----------------------------------------------------------------

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Whether `line` is the journal's first line as journal_writer::start
// writes it, rather than an outcome.
bool is_header(std::string_view line) {
  static constexpr std::string_view start = R"({"judge":)";
  auto first = line.find_first_not_of(" \t");
  return first != std::string_view::npos
         && line.substr(first, start.size()) == start;
}

// A journal holds a line per answer of a batch at most the input limit's
// size, plus the results: a few times that, never without bound.
constexpr uint64_t max_journal_bytes = uint64_t{4} << 30;

// The whole file at `path`; nothing, with errno set, when it cannot be read.
// Only a regular file is read (errno EINVAL otherwise): a journal named
// /dev/zero or a FIFO would never end.
std::optional<std::string> slurp(const std::string& path) {
  auto fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return std::nullopt;
  struct stat info;
  auto status = ::fstat(fd, &info);
  if (status != 0 || !S_ISREG(info.st_mode)) {
    auto saved = status != 0 ? errno : EINVAL;
    ::close(fd);
    errno = saved;
    return std::nullopt;
  }
  std::string text;
  auto read = read_bounded(fd, max_journal_bytes, text);
  auto saved = read == read_status::too_large ? EFBIG : errno;
  ::close(fd);
  errno = saved;
  if (read != read_status::complete)
    return std::nullopt;
  return text;
}

} // namespace

// -- journal_writer ----------------------------------------------------------

journal_writer::journal_writer(std::string path, int fd)
  : path_(std::move(path)), fd_(fd) {
  // nop
}

journal_writer::~journal_writer() {
  ::close(fd_);
}

std::unique_ptr<journal_writer> journal_writer::open(const std::string& path,
                                                     std::string& error) {
  auto fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = failure_text("cannot open", path);
    return nullptr;
  }
  if (!cut_torn_tail(fd)) {
    error = failure_text("cannot repair", path);
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<journal_writer>{new journal_writer{path, fd}};
}

bool journal_writer::start(const judge_settings& judge) {
  struct stat info;
  if (::fstat(fd_, &info) != 0) {
    error_ = failure_text("cannot read", path_);
    return false;
  }
  if (info.st_size > 0)
    return true;
  std::string line;
  scoring::json_text out{line, -1};
  out.begin_object();
  out.key("judge");
  write_judge_settings(out, judge);
  out.end_object();
  return append_line(std::move(line));
}

bool journal_writer::append(const answer_outcome& x) {
  return append_line(write_outcome_line(x));
}

bool journal_writer::append_line(std::string line) {
  if (!error_.empty())
    return false;
  line += '\n';
  // One write(2) normally takes the whole line; should the kernel take less,
  // the rest follows at once, still before any other line.
  std::string_view rest = line;
  while (!rest.empty()) {
    auto written = ::write(fd_, rest.data(), rest.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written < 0) {
      error_ = failure_text("cannot write", path_);
      return false;
    }
    rest.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// -- reading -----------------------------------------------------------------

std::optional<journal_contents>
read_journal(const std::string& path, std::string& error, uint64_t batch_size) {
  auto text = slurp(path);
  if (!text) {
    if (errno == ENOENT)
      return journal_contents{};
    if (errno == EINVAL)
      error = journal_name(path) + ": not a regular file";
    else
      error = failure_text("cannot read", path);
    return std::nullopt;
  }
  journal_contents result;
  std::string_view rest = *text;
  for (size_t number = 1; !rest.empty(); ++number) {
    auto end = rest.find('\n');
    auto complete = end != std::string_view::npos;
    auto line = rest.substr(0, end);
    rest.remove_prefix(complete ? end + 1 : rest.size());
    if (is_blank(line))
      continue;
    // Every line is written with its newline in one go: a line without one
    // is the torn remains of a crash.
    if (!complete) {
      result.torn_tail = true;
      break;
    }
    auto where = journal_name(path) + " line " + std::to_string(number) + ": ";
    if (number == 1 && is_header(line)) {
      try {
        auto header = nlohmann::json::parse(line);
        result.judge
          = read_judge_settings(detail::fields{header, ""}.object("judge"));
        continue;
      } catch (const std::exception& e) {
        error = where + e.what();
        return std::nullopt;
      }
    }
    auto outcome = read_outcome_line(line);
    if (!outcome) {
      // A crash can also leave a last line of garbage: a file system may
      // grow the file before the data reaches the disk.
      if (is_blank(rest) && !is_one_json_value(line)) {
        result.torn_tail = true;
        break;
      }
      error = where + error_text(outcome.error());
      return std::nullopt;
    }
    auto index = index_of(*outcome);
    if (index >= batch_size) {
      error = where + "index " + std::to_string(index)
              + " is out of range for a batch of " + std::to_string(batch_size)
              + " answers";
      return std::nullopt;
    }
    ++result.lines;
    auto key = answer_key(*outcome);
    result.by_key.insert_or_assign(std::move(key), std::move(*outcome));
  }
  return result;
}

} // namespace grader
