// The text every command's --help ends with: examples and the exit codes.
#pragma once

#include <string>

namespace duckpart::cli {

// The exit codes of every command, as a help section ("Exit codes:\n  0  success ...").
// They are duckpart's contract (see duckpart/error.h and the README).
const std::string& ExitCodesHelp();

// Examples of `command` as a help section ("Examples:\n  duckpart run ..."), or "" for a
// command without examples here.
std::string ExamplesHelp(const std::string& command);

// What the help of `command` ends with: `existing` (the command's own footer, may be empty),
// then its examples, then the exit codes.
std::string CommandFooter(const std::string& command, const std::string& existing);

}  // namespace duckpart::cli
