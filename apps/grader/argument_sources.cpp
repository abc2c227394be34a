#include "apps/grader/argument_sources.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <CLI/Config.hpp>

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

bool read_config_file(const std::string& path,
                      const std::vector<std::string>& known_options,
                      std::vector<std::string>& out, std::string& error) {
  std::ifstream in{path};
  if (!in) {
    error = "cannot read config file '" + path + "'";
    return false;
  }
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML{}.from_config(in);
  } catch (const std::exception& e) {
    error = "config file '" + path + "': " + e.what();
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
      error = "config file '" + path + "': unknown setting '" + item.name
              + "'";
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
  if (args.size() < 2 || args[1] != "score")
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
