// Reading one configuration file (YAML) into entries with their line numbers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "duckpart/config.h"

namespace duckpart::config {

struct ConfigEntry {
  const ConfigKey* key = nullptr;
  std::string value;  // normalised (see CheckValue)
  int line = 0;       // 1-based
};

struct ConfigFile {
  std::string path;
  std::vector<ConfigEntry> base;                             // top-level keys and features
  std::map<std::string, std::vector<ConfigEntry>> profiles;  // `profiles: {NAME: {...}}`
};

// Reads `path`. Every unknown key (with the nearest valid one), value of the wrong shape or
// type, or YAML syntax error is appended to *problems with its line; entries with problems
// are left out. A file that cannot be read is one problem.
ConfigFile ReadConfigFile(const std::string& path, std::vector<ConfigProblem>* problems);

}  // namespace duckpart::config
