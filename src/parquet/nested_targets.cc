#include "parquet/nested_targets.h"

#include <filesystem>
#include <optional>

#include "duckpart/error.h"
#include "duckpart/manifest.h"

namespace duckpart::parquet {
namespace fs = std::filesystem;
namespace {

bool IsStoreName(const std::string& name) {
  return name.size() > 10 && name[0] == '.' && name.substr(name.size() - 9) == ".duckpart";
}

// True when `path` is `dir` or lies under it (both absolute and resolved).
bool Within(const fs::path& path, const fs::path& dir) {
  auto p = path.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++p) {
    if (d->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *d) return false;
  }
  return true;
}

// The nearest folder above `target` that is a store or a dataset, if any.
std::optional<fs::path> EnclosingDataset(const fs::path& target) {
  for (fs::path d = target.parent_path(); !d.empty() && d != d.root_path(); d = d.parent_path()) {
    std::error_code ec;
    if (IsStoreName(d.filename().string()) && fs::is_directory(d, ec)) return d;
    if (fs::is_regular_file(d / kManifestFile, ec)) return d;
  }
  return std::nullopt;
}

// The folder a --from path or glob reads under: its part before the first wildcard, resolved.
fs::path FromRoot(const std::string& from) {
  const size_t wild = from.find_first_of("*?[{");
  fs::path fixed = fs::absolute(wild == std::string::npos ? from : from.substr(0, wild));
  if (wild != std::string::npos) fixed = fixed.parent_path();
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fixed, ec);
  return ec ? fixed.lexically_normal() : resolved;
}

void CheckSourceOutside(const fs::path& source, const char* what, const store::DatasetStore& store,
                        const std::string& target) {
  std::error_code ec;
  const fs::path data =
      fs::exists(store.target(), ec) ? fs::canonical(store.target(), ec) : fs::path();
  const bool inside = Within(source, store.target()) || Within(source, store.store()) ||
                      (!data.empty() && Within(source, data));
  if (!inside) return;
  throw InputError(std::string("the source ") + what + " '" + source.string() +
                   "' lies inside the target '" + target +
                   "'; copy it out of the dataset first, or choose another target");
}

}  // namespace

void CheckNesting(const store::DatasetStore& store, const std::string& target,
                  const SourceOptions& source) {
  if (IsStoreName(store.target().filename().string())) {
    throw InputError("target '" + target +
                     "' has the name of a duckpart store (.NAME.duckpart); choose another name");
  }
  if (const auto outer = EnclosingDataset(store.target())) {
    throw InputError("target '" + target + "' lies inside the dataset or store '" +
                     outer->string() + "'; choose a target outside it");
  }
  if (!source.db_path.empty()) {
    std::error_code ec;
    const fs::path db = fs::weakly_canonical(fs::absolute(source.db_path), ec);
    CheckSourceOutside(ec ? fs::absolute(source.db_path) : db, "database", store, target);
  }
  if (!source.from.empty()) CheckSourceOutside(FromRoot(source.from), "files", store, target);
}

}  // namespace duckpart::parquet
