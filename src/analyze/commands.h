// The exact duckpart commands that findings recommend, quoted for a POSIX shell.
#pragma once

#include <string>

#include "duckpart/analyze.h"
#include "duckpart/spec.h"

namespace duckpart::analyze {

// `text` as one shell word: unchanged when it holds only safe characters, else in
// single quotes (an embedded ' as '\'').
std::string ShellQuote(const std::string& text);
// How a command names the report's target: DIR, or --to-db FILE --schema S.
std::string TargetArgs(const AnalysisReport& r);
// duckpart rebalance <target> --target-rows N [--target-file-size BYTES unless the default]
std::string RebalanceRowsCommand(const AnalysisReport& r);
// duckpart rebalance <target> --compact [--target-file-size BYTES] [--partition PATH]
std::string CompactCommand(const AnalysisReport& r, const std::string& partition);
// duckpart repartition <target> --by "SPEC"
std::string RepartitionCommand(const AnalysisReport& r, const Spec& spec);

}  // namespace duckpart::analyze
