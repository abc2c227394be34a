#pragma once

#include <optional>
#include <string>
#include <vector>

namespace grader::app {

/// The command line as CLI11 should parse it, with the settings of a
/// `--config FILE` and of the environment put in front of the user's own
/// arguments. Every option keeps the last value it is given, so the order
/// [program, subcommand, file settings, environment, user arguments] gives
/// the documented precedence: flag > environment > file > default.
///
/// The file is TOML or INI, one `name = value` per line, names as the long
/// options without dashes (`llm-url = "http://..."`, `concurrency = 16`,
/// `no-explain = true`). The environment supplies `--llm-url` from
/// GRADER_LLM_URL, else OPENAI_BASE_URL, and `--model` from GRADER_MODEL;
/// only for `grader score`, `grader node` and `grader calibrate`, whose options
/// `known_options` names.
///
/// Nothing when the file cannot be read; `error` then says why and where.
/// `known_option` tells whether a name is an option of the subcommand.
std::optional<std::vector<std::string>>
arguments_with_defaults(int argc, char** argv,
                        const std::vector<std::string>& known_options,
                        std::string& error);

} // namespace grader::app
