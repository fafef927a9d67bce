// The command layer: parses arguments with CLI11, runs one command, maps errors
// to exit codes (see duckpart/error.h) and prints them as one line
// `duckpart: error: ...`. Each command lives in its own *_command.cc file.
#pragma once

namespace duckpart::cli {

int Main(int argc, char** argv);

}  // namespace duckpart::cli
