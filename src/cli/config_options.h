// The configuration layers in the command layer: --config and --profile on every command,
// and the config's values as the defaults of the options a command line did not give.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>

#include "cli/command.h"
#include "duckpart/config.h"

namespace duckpart::cli {

// Adds --config FILE and --profile NAME to a subcommand.
void AddConfigFlags(CLI::App& sub, GlobalOptions& global);

// For every option of `sub` named after a configuration key (ConfigKey::flag) and not given
// on the command line, sets the option's value from `config` when the value did not come
// from the built-in defaults (the command's own default then stands). The value goes
// through the option's own checks; a value they refuse throws InputError naming the key,
// the value and where it came from. Feature flags: `retries` off gives --max-attempts 1,
// `verification` off gives --no-verify and a warning on `warnings`.
void ApplyConfig(CLI::App& sub, const Config& config, std::ostream& warnings);

// A CLI11 check for sizes ("300MB", "4GiB"): the rule the configuration applies.
CLI::Validator SizeCheck();

}  // namespace duckpart::cli
