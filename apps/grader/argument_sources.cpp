#include "apps/grader/argument_sources.hpp"
#include "messages/bounded_read.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/Config.hpp>

#include "scoring/display_text.hpp"

namespace grader::app {

namespace {

// The value of `--config FILE` or `--config=FILE`; empty when absent.
std::string config_path(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size())
      return args[i + 1];
    if (args[i].rfind("--config=", 0) == 0)
      return args[i].substr(9);
  }
  return {};
}

// A config file holds a few dozen settings; anything near this size is not
// one.
constexpr size_t max_config_bytes = 1024 * 1024;

// Whether `info` is of the null device: `--config /dev/null` is the usual
// way to say "no config file", and it reads as empty.
bool is_null_device(const struct stat& info) {
  struct stat null_device;
  return S_ISCHR(info.st_mode) && ::stat("/dev/null", &null_device) == 0
         && info.st_rdev == null_device.st_rdev;
}

// The text of the config file at `path`. Only a regular file (or the null
// device) is read: a directory would read as nothing and a device or FIFO
// might never end.
std::optional<std::string> config_text(const std::string& path,
                                       std::string& error) {
  auto name = "config file '" + scoring::escape_for_display(path) + "'";
  auto fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = "cannot read " + name;
    return std::nullopt;
  }
  struct fd_closer {
    int fd;
    ~fd_closer() {
      ::close(fd);
    }
  } closer{fd};
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    error = "cannot read " + name + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (is_null_device(info))
    return std::string{};
  if (!S_ISREG(info.st_mode)) {
    error = name + ": not a regular file";
    return std::nullopt;
  }
  std::string text;
  switch (read_bounded(fd, max_config_bytes, text)) {
    case read_status::complete:
      return text;
    case read_status::too_large:
      error = name + ": larger than " + std::to_string(max_config_bytes)
              + " bytes";
      return std::nullopt;
    case read_status::failed:
      break;
  }
  error = "cannot read " + name + ": " + std::strerror(errno);
  return std::nullopt;
}

bool read_config_file(const std::string& path,
                      const std::vector<std::string>& known_options,
                      std::vector<std::string>& out, std::string& error) {
  auto text = config_text(path, error);
  if (!text)
    return false;
  auto file = "config file '" + scoring::escape_for_display(path) + "'";
  std::vector<CLI::ConfigItem> items;
  try {
    std::istringstream in{*text};
    items = CLI::ConfigTOML{}.from_config(in);
  } catch (const std::exception& e) {
    error = file + ": " + scoring::escape_for_display(e.what(), 200);
    return false;
  }
  for (const auto& item : items) {
    auto name = item.name;
    std::replace(name.begin(), name.end(), '_', '-');
    // Section headers come back as items named "++" and "--".
    if (name == "++" || name == "--")
      continue;
    if (std::find(known_options.begin(), known_options.end(), name)
          == known_options.end()
        || name == "config") {
      error = file + ": unknown setting '"
              + scoring::escape_for_display(item.name, 64) + "'";
      return false;
    }
    if (item.inputs.size() == 1
        && (item.inputs[0] == "true" || item.inputs[0] == "false")) {
      // A flag: present when true, absent when false.
      if (item.inputs[0] == "true")
        out.push_back("--" + name);
      continue;
    }
    for (const auto& value : item.inputs) {
      out.push_back("--" + name);
      out.push_back(value);
    }
  }
  return true;
}

void add_from_environment(std::vector<std::string>& out) {
  auto* url = std::getenv("GRADER_LLM_URL");
  if (url == nullptr || *url == '\0')
    url = std::getenv("OPENAI_BASE_URL");
  if (url != nullptr && *url != '\0') {
    out.emplace_back("--llm-url");
    out.emplace_back(url);
  }
  if (auto* model = std::getenv("GRADER_MODEL"); model && *model) {
    out.emplace_back("--model");
    out.emplace_back(model);
  }
}

} // namespace

std::optional<std::vector<std::string>>
arguments_with_defaults(int argc, char** argv,
                        const std::vector<std::string>& known_options,
                        std::string& error) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 2
      || (args[1] != "score" && args[1] != "node" && args[1] != "calibrate"))
    return args;
  std::vector<std::string> result{args[0], args[1]};
  std::vector<std::string> user(args.begin() + 2, args.end());
  if (auto path = config_path(user); !path.empty())
    if (!read_config_file(path, known_options, result, error))
      return std::nullopt;
  add_from_environment(result);
  result.insert(result.end(), user.begin(), user.end());
  return result;
}

} // namespace grader::app
