#include "parquet/user_files.h"

#include <algorithm>
#include <set>

#include "duckpart/error.h"
#include "store/version_pin.h"

namespace duckpart::parquet {
namespace fs = std::filesystem;
namespace {

constexpr size_t kNamed = 5;  // files named in the message; the rest are counted

std::string NameList(const std::vector<std::string>& files) {
  std::string out;
  for (size_t i = 0; i < files.size() && i < kNamed; ++i) out += (i ? ", " : "") + files[i];
  if (files.size() > kNamed) out += " and " + std::to_string(files.size() - kNamed) + " more";
  return out;
}

}  // namespace

std::vector<std::string> UnlistedFiles(const fs::path& root, const Manifest& m) {
  std::set<std::string> listed = {kManifestFile};
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) listed.insert(fs::path(f.path).lexically_normal().string());
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() == fs::file_type::directory) continue;
    const std::string rel = it->path().lexically_relative(root).string();
    if (!listed.count(rel)) out.push_back(rel);
  }
  if (ec)
    throw InputError("cannot list the dataset folder '" + root.string() + "': " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

void CheckNoUserFiles(const store::DatasetStore& store, const std::string& target) {
  const auto current = store.CurrentVersion();
  if (!current) return;
  const store::PinnedVersion pin = store::PinVersion(target);
  Manifest m;
  try {
    m = ReadManifest(pin.root.string());
  } catch (const Error& e) {
    throw InputError("cannot tell which files of '" + target + "' duckpart wrote (" + e.what() +
                     "), so --replace would not know what is yours; move your files out and "
                     "remove the dataset, or repair it first");
  }
  const std::vector<std::string> files = UnlistedFiles(pin.root, m);
  if (files.empty()) return;
  throw InputError("target '" + target + "' holds " + std::to_string(files.size()) +
                   " file(s) duckpart did not write (" + NameList(files) +
                   "); --replace never deletes them: move them out of the dataset, then run again");
}

}  // namespace duckpart::parquet
