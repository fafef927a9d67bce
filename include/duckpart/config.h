// The layered configuration: every setting a command takes a default for, and where
// its effective value came from.
//
//   Config config = LoadConfig(ConfigSources::FromProcess(/*config_file=*/"", /*profile=*/""));
//   int64_t limit = config.Bytes("memory_limit");
//   std::cout << config.Get("memory_limit").origin.Describe();   // "duckpart.yaml:3"
//
// Layers, lowest precedence first (a later layer wins):
//   1. the built-in defaults (ConfigKeys());
//   2. the user file: $XDG_CONFIG_HOME/duckpart/config.yaml, else
//   $HOME/.config/duckpart/config.yaml;
//   3. the project file: --config FILE, else the first duckpart.yaml found from the working
//      folder upward;
//   4. the selected profile (--profile, else DUCKPART_PROFILE): `profiles: {NAME: {...}}` of the
//      user file, then of the project file, over the base values of both files;
//   5. environment variables DUCKPART_<KEY> (DUCKPART_MEMORY_LIMIT,
//   DUCKPART_FEATURES_VERIFICATION);
//   6. command-line flags (applied by the command layer, see Config::SetFromFlag).
// A key is named as its flag with underscores: `memory_limit: 300MB` for --memory-limit.
// Feature flags live under `features:` (key names "features.NAME"); a feature whose required
// feature is off is off itself, with the reason in ConfigSetting::note.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace duckpart {

enum class ConfigType { kSize, kInteger, kNumber, kBool, kChoice, kString, kDuration };

// One key of the configuration, with the rules its values must follow.
struct ConfigKey {
  std::string name;     // "memory_limit", "features.verification"
  std::string section;  // "engine", "writing", "thresholds", "features"
  ConfigType type = ConfigType::kString;
  std::string default_value;  // as text; empty = unset (the command decides)
  std::string description;
  // The flag commands take for it ("--memory-limit"); the value applies to every command that
  // has that flag (cli/config_options.h). Empty: the key is read by the library only.
  std::string flag;
  bool flag_inverted = false;           // the flag turns the key off (--no-verify for verify)
  double min = 0, max = 0;              // kInteger, kNumber, kSize, kDuration: inclusive bounds
  std::vector<std::string> choices;     // kChoice
  std::vector<std::string> depends_on;  // features: the features this one needs
};

// Every key, in the order `duckpart config` prints them.
const std::vector<ConfigKey>& ConfigKeys();
// The key with this name, or nullptr.
const ConfigKey* FindConfigKey(const std::string& name);
// The environment variable of a key: DUCKPART_MEMORY_LIMIT, DUCKPART_FEATURES_VERIFICATION.
std::string ConfigEnvName(const ConfigKey& key);

enum class ConfigOriginKind { kDefault, kUserFile, kProjectFile, kProfile, kEnv, kFlag };

struct ConfigOrigin {
  ConfigOriginKind kind = ConfigOriginKind::kDefault;
  std::string file;  // files and profiles
  int line = 0;      // 1-based; files and profiles
  std::string name;  // the env variable, the flag, or the profile's name
  // "default", "duckpart.yaml:3", "profile production (duckpart.yaml:12)",
  // "env DUCKPART_THREADS", "flag --threads".
  std::string Describe() const;
  // "default", "user file", "project file", "profile", "env", "flag".
  std::string KindName() const;
};

struct ConfigSetting {
  const ConfigKey* key = nullptr;
  std::string value;  // normalised text ("true"/"false" for booleans)
  ConfigOrigin origin;
  std::string note;  // features: why an enabled feature is off
};

// A problem found in a configuration source, with where it is.
struct ConfigProblem {
  std::string file;  // or the env variable
  int line = 0;      // 0 when not in a file
  std::string message;
  bool fatal = true;  // false: a warning (an unknown DUCKPART_ variable)
  // "duckpart.yaml:3: memory_limit: ..." (or "env DUCKPART_X: ...").
  std::string Describe() const;
};

// Where LoadConfig looks. FromProcess fills it from the working folder and the environment.
struct ConfigSources {
  std::string working_dir;                 // where the search for duckpart.yaml starts
  std::string config_file;                 // --config FILE: replaces the search (must exist)
  std::string home;                        // $HOME
  std::string xdg_config_home;             // $XDG_CONFIG_HOME
  std::map<std::string, std::string> env;  // the DUCKPART_* variables
  std::string profile;  // --profile; empty = DUCKPART_PROFILE (env), empty = none
  static ConfigSources FromProcess(const std::string& config_file, const std::string& profile);
};

class Config {
 public:
  // The setting of a key; every key has one. Throws std::out_of_range for an unknown name.
  const ConfigSetting& Get(const std::string& name) const;
  // The value as bytes (kSize), a whole number (kInteger), a number (kNumber), seconds
  // (kDuration) or a boolean (kBool; for features, the effective state). Bytes returns -1
  // for an unset size.
  int64_t Bytes(const std::string& name) const;
  int64_t Integer(const std::string& name) const;
  double Number(const std::string& name) const;
  int64_t Seconds(const std::string& name) const;
  bool Bool(const std::string& name) const;
  // Sets a key from a command-line flag after checking the value. Throws InputError naming
  // the flag and the valid values. Feature dependencies are re-resolved.
  void SetFromFlag(const std::string& name, const std::string& value, const std::string& flag);

  const std::vector<ConfigSetting>& settings() const { return settings_; }
  const std::vector<std::string>& files() const { return files_; }  // loaded, lowest first
  const std::string& profile() const { return profile_; }
  const std::vector<ConfigProblem>& problems() const { return problems_; }

 private:
  friend Config BuildConfig(const ConfigSources& sources);
  void ResolveFeatures();
  ConfigSetting& Mutable(const std::string& name);

  std::vector<ConfigSetting> settings_;
  std::map<std::string, std::string> declared_;  // features: the value as set, before dependencies
  std::vector<std::string> files_;
  std::string profile_;
  std::vector<ConfigProblem> problems_;
};

// Builds the configuration and records every problem (Config::problems()) without
// throwing; a key with a bad value keeps the value of the layer below. For `config --check`.
Config BuildConfig(const ConfigSources& sources);

// BuildConfig, then throws InputError (exit 2) naming the first fatal problem with its file
// and line and the valid values, and how many more `duckpart config --check` would list.
Config LoadConfig(const ConfigSources& sources);

}  // namespace duckpart
