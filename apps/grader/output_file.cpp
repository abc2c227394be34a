#include "apps/grader/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

namespace grader::app {

namespace {

std::string cannot_write(const std::string& path) {
  return "cannot write '" + path + "': " + std::strerror(errno);
}

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// `path` with symbolic links in its last component followed, so that the
// file a link points to is replaced and the link itself stays. Links in the
// directories above need no care: the kernel follows them anyway.
std::string follow_links(std::string path) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat info;
    if (::lstat(path.c_str(), &info) != 0 || !S_ISLNK(info.st_mode))
      return path;
    char target[PATH_MAX];
    auto length = ::readlink(path.c_str(), target, sizeof target - 1);
    if (length < 0)
      return path;
    std::string next(target, static_cast<size_t>(length));
    path = next.front() == '/' ? next : directory_of(path) + '/' + next;
  }
  return path; // a loop: open() reports ELOOP
}

// Creates a new file beside `target` that nobody else can have opened:
// O_EXCL refuses a name that exists, a planted symbolic link included.
int create_temp_file(const std::string& target, std::string& temp_path) {
  std::random_device seed;
  std::mt19937_64 random{seed()};
  auto slash = target.rfind('/');
  auto name = slash == std::string::npos ? target : target.substr(slash + 1);
  auto prefix = slash == std::string::npos ? std::string{}
                                           : target.substr(0, slash + 1);
  for (int attempt = 0; attempt < 16; ++attempt) {
    char suffix[40];
    std::snprintf(suffix, sizeof suffix, ".%ld.%016llx.tmp",
                  static_cast<long>(::getpid()),
                  static_cast<unsigned long long>(random()));
    temp_path = prefix + "." + name + suffix;
    auto fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                     0666);
    if (fd >= 0 || errno != EEXIST)
      return fd;
  }
  return -1;
}

} // namespace

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    auto written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      if (written == 0)
        errno = EIO;
      return false;
    }
    text.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

output_file::output_file(std::string path, std::string target,
                         std::string temp_path, int temp_fd)
  : path_(std::move(path)),
    target_(std::move(target)),
    temp_path_(std::move(temp_path)),
    temp_fd_(temp_fd) {
  // nop
}

output_file::~output_file() {
  if (in_place_fd_ >= 0)
    ::close(in_place_fd_);
  if (temp_fd_ >= 0)
    ::close(temp_fd_);
  if (!temp_path_.empty())
    ::unlink(temp_path_.c_str());
}

std::unique_ptr<output_file> output_file::prepare(const std::string& path,
                                                  std::string& error) {
  auto target = follow_links(path);
  struct stat info;
  auto exists = ::stat(target.c_str(), &info) == 0;
  if (exists && S_ISDIR(info.st_mode)) {
    error = "cannot write '" + path + "': it is a directory";
    return nullptr;
  }
  if (exists && !S_ISREG(info.st_mode)) {
    // A device, FIFO or socket is written in place at commit; opening a
    // FIFO now would wait for its reader before any work is done.
    if (::access(target.c_str(), W_OK) != 0) {
      error = cannot_write(path);
      return nullptr;
    }
    return std::unique_ptr<output_file>{new output_file{path, target, {}, -1}};
  }
  std::string temp_path;
  auto fd = create_temp_file(target, temp_path);
  if (fd < 0) {
    error = cannot_write(path);
    return nullptr;
  }
  // The new file replaces the old one: it keeps the old one's permissions.
  if (exists)
    ::fchmod(fd, info.st_mode & 07777);
  return std::unique_ptr<output_file>{
    new output_file{path, target, temp_path, fd}};
}

std::string output_file::write(std::string_view piece) {
  if (!failure_.empty())
    return failure_;
  if (temp_path_.empty()) {
    if (in_place_fd_ < 0)
      in_place_fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (in_place_fd_ < 0 || !write_all(in_place_fd_, piece))
      failure_ = cannot_write(path_);
    return failure_;
  }
  if (temp_fd_ < 0 || !write_all(temp_fd_, piece))
    failure_ = cannot_write(path_);
  return failure_;
}

std::string output_file::commit() {
  if (!failure_.empty())
    return failure_;
  if (temp_path_.empty()) {
    // Nothing written still opens the target, as `: > target` would.
    if (in_place_fd_ < 0)
      in_place_fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (in_place_fd_ < 0)
      return failure_ = cannot_write(path_);
    auto fd = in_place_fd_;
    in_place_fd_ = -1;
    if (::close(fd) != 0)
      return failure_ = cannot_write(path_);
    return {};
  }
  auto failed = [this] {
    failure_ = cannot_write(path_);
    if (temp_fd_ >= 0)
      ::close(temp_fd_);
    temp_fd_ = -1;
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
    return failure_;
  };
  // Synced before the rename, so that a crash leaves the old file or the
  // whole new one, never an empty file under the old name.
  if (temp_fd_ < 0 || ::fsync(temp_fd_) != 0)
    return failed();
  auto fd = temp_fd_;
  temp_fd_ = -1;
  if (::close(fd) != 0)
    return failed();
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0)
    return failed();
  temp_path_.clear();
  return {};
}

std::string output_file::commit(std::string_view text) {
  auto error = write(text);
  return error.empty() ? commit() : error;
}

std::string write_file_atomically(const std::string& path,
                                  std::string_view text) {
  std::string error;
  auto file = output_file::prepare(path, error);
  return file ? file->commit(text) : error;
}

} // namespace grader::app
