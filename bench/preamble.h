// What a results file says before its tables: the machine, the builds, the settings, and how
// the figures were measured; and the duckpart binary pinned and probed for the whole run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cases.h"

namespace bench {

struct RunContext {
  fs::path duckpart_source;      // the binary given, before it was pinned
  std::string duckpart_hash;     // FNV-1a 64 of the pinned binary, hex
  std::string duckpart_version;  // its --version output
  std::string date;              // "2026-12-01 10:00 UTC"
  std::string git;               // short commit of the source tree
  bool dirty = false;            // uncommitted changes to tracked files
  json machine;                  // MachineJson
  int64_t harness_rss_kb = 0;    // the harness's own RSS when it starts forking
  std::string load_before;       // /proc/loadavg
};

// Copies the duckpart binary into results/bin and points c.duckpart_bin at the copy, so a
// rebuild meanwhile cannot mix two versions into one table; then asks it (--help, run --help)
// whether `run`, --no-verify and --temp-dir exist, setting c and the no-validate flag.
// Returns what the results record about the binary and the machine.
RunContext PrepareRun(Config& c);

// The results.json document before any case ran.
json DocumentHead(const Config& c, const RunContext& rc);

// The Markdown before the tables: title, date, machine, versions, settings, method.
std::string MarkdownHead(const Config& c, const RunContext& rc);

}  // namespace bench
