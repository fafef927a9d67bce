// Where the configuration comes from: the process's working folder and environment.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "duckpart/config.h"

extern char** environ;

namespace duckpart {
namespace {

std::string EnvOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

ConfigSources ConfigSources::FromProcess(const std::string& config_file,
                                         const std::string& profile) {
  ConfigSources s;
  std::error_code ec;
  s.working_dir = std::filesystem::current_path(ec).string();
  s.config_file = config_file;
  s.home = EnvOrEmpty("HOME");
  s.xdg_config_home = EnvOrEmpty("XDG_CONFIG_HOME");
  s.profile = profile;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string entry = *e;
    const size_t eq = entry.find('=');
    if (eq != std::string::npos && entry.rfind("DUCKPART_", 0) == 0)
      s.env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return s;
}

}  // namespace duckpart
