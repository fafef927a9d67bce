// A read pinned to one version of a dataset: the link is resolved once, to the version's
// own folder, and everything the reader opens lies under that folder, which no writer
// changes (versions are written in staging and renamed into place whole; file names carry
// the version and are never reused). A concurrent `run --replace` swaps the link, and the
// pinned reader goes on reading its version, which the retention policy keeps for its
// grace period (store/version_retention.h).
//
//   const PinnedVersion pin = PinVersion("out/events");   // out/.events.duckpart/v000002
//   ReadManifest(pin.root.string());                        // the manifest of v2, whatever comes
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace duckpart::store {

struct PinnedVersion {
  std::filesystem::path root;      // absolute and resolved: the version's own folder
  std::optional<int64_t> version;  // its number, when `root` is a version folder of a store
};

// Without `version`: the folder the dataset link `dir` points to now (one readlink), or, when
// `dir` is no link (a version folder given directly, a plain folder), `dir` resolved. A path
// that does not exist or holds no manifest is returned as given, for the caller's "no dataset".
// With `version`: that version's folder in the dataset's store. Throws InputError when it is
// not kept there (never published, or already removed), naming the versions that are.
PinnedVersion PinVersion(const std::string& dir, std::optional<int64_t> version = std::nullopt);

}  // namespace duckpart::store
