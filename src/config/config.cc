// Building the layered configuration (see duckpart/config.h for the layers).
#include "duckpart/config.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "config/config_file.h"
#include "config/value_rules.h"
#include "duckpart/error.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

std::string UserFilePath(const ConfigSources& s) {
  if (!s.xdg_config_home.empty())
    return (fs::path(s.xdg_config_home) / "duckpart" / "config.yaml").string();
  if (s.home.empty()) return "";
  return (fs::path(s.home) / ".config" / "duckpart" / "config.yaml").string();
}

// The first duckpart.yaml from `dir` upward, or "".
std::string FindProjectFile(const std::string& dir) {
  std::error_code ec;
  for (fs::path p = fs::absolute(dir, ec); !p.empty(); p = p.parent_path()) {
    const fs::path candidate = p / "duckpart.yaml";
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
    if (p == p.root_path()) break;
  }
  return "";
}

std::string Join(const std::vector<std::string>& v) {
  return fmt::format("{}", fmt::join(v, ", "));
}

}  // namespace

std::string ConfigOrigin::Describe() const {
  switch (kind) {
    case ConfigOriginKind::kDefault:
      return "default";
    case ConfigOriginKind::kUserFile:
    case ConfigOriginKind::kProjectFile:
      return fmt::format("{}:{}", file, line);
    case ConfigOriginKind::kProfile:
      return fmt::format("profile {} ({}:{})", name, file, line);
    case ConfigOriginKind::kEnv:
      return "env " + name;
    case ConfigOriginKind::kFlag:
      return "flag " + name;
  }
  return "default";
}

std::string ConfigOrigin::KindName() const {
  static const char* kNames[] = {"default", "user file", "project file", "profile", "env", "flag"};
  return kNames[static_cast<int>(kind)];
}

std::string ConfigProblem::Describe() const {
  return line > 0 ? fmt::format("{}:{}: {}", file, line, message)
                  : fmt::format("{}: {}", file, message);
}

const ConfigSetting& Config::Get(const std::string& name) const {
  for (const auto& s : settings_) {
    if (s.key->name == name) return s;
  }
  throw std::out_of_range("no configuration key '" + name + "'");
}

ConfigSetting& Config::Mutable(const std::string& name) {
  for (auto& s : settings_) {
    if (s.key->name == name) return s;
  }
  throw std::out_of_range("no configuration key '" + name + "'");
}

int64_t Config::Bytes(const std::string& name) const {
  const std::string& v = Get(name).value;
  return v.empty() ? -1 : config::ParseBytes(v).value_or(-1);
}
int64_t Config::Integer(const std::string& name) const { return std::stoll(Get(name).value); }
double Config::Number(const std::string& name) const { return std::stod(Get(name).value); }
int64_t Config::Seconds(const std::string& name) const {
  return config::ParseSeconds(Get(name).value).value_or(0);
}
bool Config::Bool(const std::string& name) const { return Get(name).value == "true"; }

void Config::SetFromFlag(const std::string& name, const std::string& value,
                         const std::string& flag) {
  ConfigSetting& s = Mutable(name);
  std::string normalized;
  if (auto error = config::CheckValue(*s.key, value, &normalized))
    throw InputError(flag + ": " + *error);
  if (s.key->flag_inverted) normalized = normalized == "true" ? "false" : "true";
  s.value = normalized;
  s.origin = {.kind = ConfigOriginKind::kFlag, .name = flag};
  if (s.key->section == "features") declared_[name] = normalized;
  ResolveFeatures();
}

// A feature that is on but needs one that is off is off, with the reason.
void Config::ResolveFeatures() {
  for (auto& s : settings_) {
    if (s.key->section != "features") continue;
    s.value = declared_[s.key->name];
    s.note.clear();
    for (const auto& dep : s.key->depends_on) {
      const ConfigSetting& d = Get(dep);
      if (s.value == "true" && d.value != "true") {
        s.value = "false";
        s.note = fmt::format("off: needs {}, which is off ({})", dep,
                             d.note.empty() ? d.origin.Describe() : d.note);
      }
    }
  }
}

namespace {

struct Builder {
  std::vector<ConfigProblem>* problems;
  std::vector<ConfigSetting>* settings;
  std::map<std::string, std::string>* declared;

  void Set(const ConfigKey* key, const std::string& value, const ConfigOrigin& origin) {
    for (auto& s : *settings) {
      if (s.key != key) continue;
      s.value = value;
      s.origin = origin;
      if (key->section == "features") (*declared)[key->name] = value;
    }
  }

  void ApplyEntries(const std::vector<config::ConfigEntry>& entries, ConfigOrigin origin) {
    for (const auto& e : entries) {
      origin.line = e.line;
      Set(e.key, e.value, origin);
    }
  }

  void ApplyEnv(const std::map<std::string, std::string>& env) {
    for (const auto& [name, value] : env) {
      if (name == "DUCKPART_PROFILE") continue;
      const ConfigKey* key = nullptr;
      for (const auto& k : ConfigKeys()) {
        if (ConfigEnvName(k) == name) key = &k;
      }
      if (key == nullptr) {
        problems->push_back({"env " + name, 0,
                             "not a duckpart setting; ignored (`duckpart config` lists the keys)",
                             false});
        continue;
      }
      std::string normalized;
      if (auto error = config::CheckValue(*key, value, &normalized)) {
        problems->push_back({"env " + name, 0, key->name + ": " + *error, true});
        continue;
      }
      Set(key, normalized, {.kind = ConfigOriginKind::kEnv, .name = name});
    }
  }
};

struct LoadedFile {
  ConfigOriginKind kind;
  config::ConfigFile file;
};

// The user file (when it exists), then the project file (--config, or the search).
std::vector<LoadedFile> ReadFiles(const ConfigSources& sources,
                                  std::vector<ConfigProblem>* problems) {
  std::vector<LoadedFile> files;
  std::error_code ec;
  const std::string user = UserFilePath(sources);
  if (!user.empty() && fs::is_regular_file(user, ec)) {
    files.push_back({ConfigOriginKind::kUserFile, config::ReadConfigFile(user, problems)});
  }
  std::string project = sources.config_file;
  if (!project.empty() && !fs::is_regular_file(project, ec)) {
    problems->push_back({project, 0, "--config: no such file", true});
    project.clear();
  } else if (project.empty()) {
    project = FindProjectFile(sources.working_dir);
  }
  const bool same_as_user = !project.empty() && !user.empty() && fs::equivalent(project, user, ec);
  if (!project.empty() && !same_as_user) {
    files.push_back({ConfigOriginKind::kProjectFile, config::ReadConfigFile(project, problems)});
  }
  return files;
}

// The selected profile of every file, over the base values; a profile no file defines is a
// problem.
void ApplyProfile(Builder& b, const std::vector<LoadedFile>& files, const std::string& profile,
                  const std::string& selected_by) {
  std::vector<std::string> defined;
  bool found = false;
  for (const auto& f : files) {
    for (const auto& [name, entries] : f.file.profiles) {
      defined.push_back(name);
      if (name != profile) continue;
      found = true;
      b.ApplyEntries(entries,
                     {.kind = ConfigOriginKind::kProfile, .file = f.file.path, .name = name});
    }
  }
  if (found) return;
  b.problems->push_back({selected_by, 0,
                         "profile '" + profile + "' is not defined" +
                             (defined.empty() ? " (no configuration file has `profiles:`)"
                                              : " (defined: " + Join(defined) + ")"),
                         true});
}

}  // namespace

Config BuildConfig(const ConfigSources& sources) {
  Config config;
  for (const auto& k : ConfigKeys()) {
    config.settings_.push_back({.key = &k, .value = k.default_value});
    if (k.section == "features") config.declared_[k.name] = k.default_value;
  }
  Builder b{&config.problems_, &config.settings_, &config.declared_};
  const std::vector<LoadedFile> files = ReadFiles(sources, &config.problems_);
  for (const auto& f : files) {
    config.files_.push_back(f.file.path);
    b.ApplyEntries(f.file.base, {.kind = f.kind, .file = f.file.path});
  }
  const auto env_profile = sources.env.find("DUCKPART_PROFILE");
  config.profile_ = !sources.profile.empty()           ? sources.profile
                    : env_profile != sources.env.end() ? env_profile->second
                                                       : "";
  if (!config.profile_.empty()) {
    ApplyProfile(b, files, config.profile_,
                 sources.profile.empty() ? "env DUCKPART_PROFILE" : "--profile");
  }
  b.ApplyEnv(sources.env);
  config.ResolveFeatures();
  return config;
}

Config LoadConfig(const ConfigSources& sources) {
  Config config = BuildConfig(sources);
  size_t fatal = 0;
  const ConfigProblem* first = nullptr;
  for (const auto& p : config.problems()) {
    if (!p.fatal) continue;
    if (first == nullptr) first = &p;
    ++fatal;
  }
  if (first == nullptr) return config;
  std::string more =
      fatal > 1 ? fmt::format(" ({} more; `duckpart config --check` lists them)", fatal - 1) : "";
  throw InputError("configuration: " + first->Describe() + more);
}

}  // namespace duckpart
