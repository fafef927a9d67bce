// CLI11's parse errors in duckpart's words: the flag at fault, what it wants, how to fix.
//
//   "--to: At Most 1 required but received 2"   -> "--to was given 2 times; give it once"
//   "--threads: Value -1 not in range 0 to ..."  -> "--threads '-1': give a whole number of 0 or
//   more" "The following argument was not expected: --jsn"
//                                               -> "unknown option '--jsn' (did you mean --json?)"
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace duckpart::cli {

// One line describing `e`, raised while parsing the arguments of `command` (the chosen
// subcommand, or the root app when none was chosen). Messages CLI11 phrases in its own
// words are rewritten; others are returned as they are.
std::string DescribeParseError(const CLI::ParseError& e, const CLI::App& command);

// "unknown command 'valdate' (did you mean 'validate'?)", or, when no command is close,
// the list of commands. `root` is the top-level app.
std::string UnknownCommandMessage(const CLI::App& root, const std::string& name);

}  // namespace duckpart::cli
