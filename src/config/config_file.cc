#include "config/config_file.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "config/config_keys.h"
#include "config/value_rules.h"

namespace duckpart::config {
namespace {

int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

class FileReader {
 public:
  FileReader(const std::string& path, std::vector<ConfigProblem>* problems)
      : path_(path), problems_(problems) {}

  void Problem(int line, const std::string& message) {
    problems_->push_back({path_, line, message, true});
  }

  // A map of keys (the top level, a profile, or `features`) into *out.
  void ReadMap(const YAML::Node& map, const std::string& section, std::vector<ConfigEntry>* out,
               ConfigFile* file) {
    for (const auto& kv : map) {
      const std::string name = kv.first.Scalar();
      if (section.empty() && name == "profiles" && file != nullptr) {
        ReadProfiles(kv.second, file);
      } else if (section.empty() && name == "features") {
        if (!ExpectMap(kv.second, "features")) continue;
        ReadMap(kv.second, "features", out, nullptr);
      } else {
        ReadKey(kv.first, kv.second, section, out);
      }
    }
  }

 private:
  bool ExpectMap(const YAML::Node& node, const std::string& what) {
    if (node.IsMap()) return true;
    Problem(LineOf(node), what + " must be a map of keys, e.g. `" + what +
                              ":` followed by indented `key: value` lines");
    return false;
  }

  void ReadProfiles(const YAML::Node& node, ConfigFile* file) {
    if (!ExpectMap(node, "profiles")) return;
    for (const auto& kv : node) {
      const std::string profile = kv.first.Scalar();
      auto& entries = file->profiles[profile];
      if (!ExpectMap(kv.second, "profiles." + profile)) continue;
      ReadMap(kv.second, "", &entries, nullptr);
    }
  }

  void ReadKey(const YAML::Node& key_node, const YAML::Node& value, const std::string& section,
               std::vector<ConfigEntry>* out) {
    const std::string name = key_node.Scalar();
    const std::string full = section == "features" ? "features." + name : name;
    const ConfigKey* key = FindConfigKey(full);
    if (key == nullptr || (key->section == "features") != (section == "features")) {
      const std::string near = NearestKeyName(name, section);
      Problem(LineOf(key_node), "unknown key '" + full + "'" +
                                    (near.empty() ? "; `duckpart config` lists the valid keys"
                                                  : " (did you mean '" + near + "'?)"));
      return;
    }
    if (!value.IsScalar() && !value.IsNull()) {
      Problem(LineOf(value),
              key->name + " must be a single value, not a " + (value.IsMap() ? "map" : "list"));
      return;
    }
    std::string normalized;
    if (auto error = CheckValue(*key, value.IsNull() ? "" : value.Scalar(), &normalized)) {
      Problem(LineOf(value.IsNull() ? key_node : value), key->name + ": " + *error);
      return;
    }
    out->push_back({key, normalized, LineOf(key_node)});
  }

  std::string path_;
  std::vector<ConfigProblem>* problems_;
};

}  // namespace

ConfigFile ReadConfigFile(const std::string& path, std::vector<ConfigProblem>* problems) {
  ConfigFile file{.path = path};
  std::ifstream in(path);
  if (!in) {
    problems->push_back({path, 0, "cannot read the configuration file", true});
    return file;
  }
  std::stringstream text;
  text << in.rdbuf();
  FileReader reader(path, problems);
  try {
    const YAML::Node root = YAML::Load(text.str());
    if (root.IsNull()) return file;
    if (!root.IsMap()) {
      reader.Problem(LineOf(root), "the file must be a map of `key: value` lines");
      return file;
    }
    reader.ReadMap(root, "", &file.base, &file);
  } catch (const YAML::Exception& e) {
    reader.Problem(e.mark.line + 1, "not valid YAML: " + e.msg);
  }
  return file;
}

}  // namespace duckpart::config
