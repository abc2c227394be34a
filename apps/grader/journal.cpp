#include "apps/grader/journal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apps/grader/bounded_read.hpp"
#include "messages/error.hpp"
#include "scoring/display_text.hpp"

namespace grader::app {

namespace {

std::string key_of(std::string_view answer_id, uint64_t index) {
  if (!answer_id.empty())
    return "id:" + std::string{answer_id};
  return "index:" + std::to_string(index);
}

std::string key_of(const outcome_line& x) {
  return std::visit([](const auto& y) { return answer_key(y); }, x);
}

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

// -- planning ----------------------------------------------------------------

// One item of a batch at its position: an answer or a rejected item.
struct batch_item {
  uint64_t index = 0;
  const answer* x = nullptr;
  const score_failure* rejected = nullptr;
};

// The items of `batch` in position order. The answers take the positions
// the rejected items leave free, as batch_request prescribes.
std::vector<batch_item> items_in_order(const batch_request& batch) {
  std::vector<batch_item> items;
  std::set<uint64_t> taken;
  for (const auto& rejected : batch.rejected) {
    items.push_back(batch_item{rejected.index, nullptr, &rejected});
    taken.insert(rejected.index);
  }
  uint64_t index = 0;
  for (const auto& x : batch.answers) {
    while (taken.count(index) > 0)
      ++index;
    items.push_back(batch_item{index++, &x, nullptr});
  }
  std::stable_sort(
    items.begin(), items.end(),
    [](const batch_item& a, const batch_item& b) { return a.index < b.index; });
  return items;
}

std::string key_of(const batch_item& item) {
  if (item.x != nullptr)
    return answer_key(*item.x, item.index);
  return answer_key(*item.rejected);
}

outcome_line at_index(outcome_line x, uint64_t index) {
  std::visit([index](auto& y) { y.index = index; }, x);
  return x;
}

// The session of the first done result that names one.
std::string session_of(const std::vector<outcome_line>& done) {
  for (const auto& outcome : done)
    if (const auto* x = std::get_if<score_result>(&outcome))
      if (!x->session_id.empty())
        return x->session_id;
  return {};
}

// Sends each item of `batch`, in position order, to `done` when
// `take_over(key, item)` finds an earlier outcome for it, else to
// `remaining` at the next new position.
template <class TakeOver>
resume_plan split(const batch_request& batch, TakeOver take_over) {
  auto items = items_in_order(batch);
  std::vector<std::string> keys;
  std::map<std::string, size_t> uses;
  for (const auto& item : items)
    ++uses[keys.emplace_back(key_of(item))];
  resume_plan plan;
  plan.remaining.session_id = batch.session_id;
  plan.remaining.options = batch.options;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    // A shared answer_id cannot tell whose outcome the earlier one was.
    const outcome_line* earlier = nullptr;
    if (uses[keys[i]] == 1)
      earlier = take_over(keys[i], item);
    if (earlier != nullptr) {
      plan.done.push_back(at_index(*earlier, item.index));
      continue;
    }
    auto position = plan.original_index.size();
    plan.original_index.push_back(item.index);
    if (item.x != nullptr) {
      plan.remaining.answers.push_back(*item.x);
    } else {
      auto rejected = *item.rejected;
      rejected.index = position;
      plan.remaining.rejected.push_back(std::move(rejected));
    }
  }
  if (plan.remaining.session_id.empty())
    plan.remaining.session_id = session_of(plan.done);
  return plan;
}

const outcome_line* find(const std::map<std::string, outcome_line>& outcomes,
                         const std::string& key) {
  auto i = outcomes.find(key);
  return i != outcomes.end() ? &i->second : nullptr;
}

} // namespace

std::string answer_key(const answer& x, uint64_t index) {
  return key_of(x.answer_id, index);
}

std::string answer_key(const score_result& x) {
  return key_of(x.answer_id, x.index);
}

std::string answer_key(const score_failure& x) {
  return key_of(x.answer_id, x.index);
}

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

bool journal_writer::append(const score_result& x) {
  return append_line(write_result_line(x));
}

bool journal_writer::append(const score_failure& x) {
  return append_line(write_failure_line(x));
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

std::optional<journal_contents> read_journal(const std::string& path,
                                             std::string& error,
                                             uint64_t batch_size) {
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
    auto index = std::visit([](const auto& x) { return x.index; }, *outcome);
    if (index >= batch_size) {
      error = where + "index " + std::to_string(index)
              + " is out of range for a batch of "
              + std::to_string(batch_size) + " answers";
      return std::nullopt;
    }
    ++result.lines;
    auto key = key_of(*outcome);
    result.by_key.insert_or_assign(std::move(key), std::move(*outcome));
  }
  return result;
}

// -- planning ----------------------------------------------------------------

std::string first_difference(const batch_request& batch,
                             const std::map<std::string, outcome_line>& earlier,
                             const std::string& there) {
  using scoring::escape_for_display;
  auto quoted = [](const std::string& x) {
    return "'" + escape_for_display(x, 80) + "'";
  };
  std::set<std::string> keys;
  for (const auto& item : items_in_order(batch)) {
    auto key = key_of(item);
    keys.insert(key);
    const auto* outcome = find(earlier, key);
    if (outcome == nullptr)
      continue;
    const auto& question = item.x ? item.x->question_id
                                  : item.rejected->question_id;
    const auto& user = item.x ? item.x->user_id : item.rejected->user_id;
    auto [their_question, their_user, their_session] = std::visit(
      [](const auto& y) {
        std::string session;
        if constexpr (std::is_same_v<std::decay_t<decltype(y)>, score_result>)
          session = y.session_id;
        return std::make_tuple(y.question_id, y.user_id, session);
      },
      *outcome);
    auto name = "item " + std::to_string(item.index) + " ("
                + escape_for_display(key, 80) + ")";
    if (question != their_question || user != their_user)
      return name + " is question " + quoted(question) + " of user "
             + quoted(user) + " in the input but question "
             + quoted(their_question) + " of user " + quoted(their_user)
             + " in " + there;
    if (!batch.session_id.empty() && !their_session.empty()
        && batch.session_id != their_session)
      return name + " is of session " + quoted(batch.session_id)
             + " in the input but of session " + quoted(their_session)
             + " in " + there;
  }
  for (const auto& [key, outcome] : earlier)
    if (keys.count(key) == 0)
      return there + " holds " + escape_for_display(key, 80)
             + ", which the input does not have";
  return {};
}

bool needs_scoring_again(const outcome_line& x) {
  if (const auto* failure = std::get_if<score_failure>(&x))
    return failure->code == ec::cancelled;
  return std::get<score_result>(x).fallback_reason
         == fallback_reasons::deadline;
}

resume_plan plan_resume(const batch_request& batch,
                        const journal_contents& journal) {
  return split(batch, [&](const std::string& key,
                          const batch_item&) -> const outcome_line* {
    const auto* earlier = find(journal.by_key, key);
    if (earlier != nullptr && needs_scoring_again(*earlier))
      return nullptr;
    return earlier;
  });
}

resume_plan plan_retry_failed(const batch_request& batch,
                              const batch_result& earlier) {
  std::map<std::string, outcome_line> results;
  for (const auto& x : earlier.results)
    results.insert_or_assign(answer_key(x), x);
  return split(
    batch,
    [&](const std::string& key, const batch_item& item) -> const outcome_line* {
      if (item.rejected != nullptr)
        return nullptr;
      return find(results, key);
    });
}

score_result to_original(const resume_plan& plan, score_result x) {
  x.index = plan.original_index.at(x.index);
  return x;
}

score_failure to_original(const resume_plan& plan, score_failure x) {
  x.index = plan.original_index.at(x.index);
  return x;
}

batch_result merge(const resume_plan& plan, batch_result fresh) {
  batch_result result;
  result.session_id = fresh.session_id.empty() ? session_of(plan.done)
                                               : std::move(fresh.session_id);
  result.metrics = std::move(fresh.metrics);
  for (auto& x : fresh.results)
    result.results.push_back(to_original(plan, std::move(x)));
  for (auto& x : fresh.failures)
    result.failures.push_back(to_original(plan, std::move(x)));
  for (const auto& outcome : plan.done) {
    if (const auto* x = std::get_if<score_result>(&outcome))
      result.results.push_back(*x);
    else
      result.failures.push_back(std::get<score_failure>(outcome));
  }
  auto by_index
    = [](const auto& a, const auto& b) { return a.index < b.index; };
  std::stable_sort(result.results.begin(), result.results.end(), by_index);
  std::stable_sort(result.failures.begin(), result.failures.end(), by_index);
  std::vector<grade> grades;
  grades.reserve(result.results.size());
  for (const auto& x : result.results)
    grades.push_back(x.verdict);
  result.stats = scoring::summarize(grades, result.failures.size());
  return result;
}

} // namespace grader::app
