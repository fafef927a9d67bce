// What a dataset's store holds, as recover and cleanup see it: the published version,
// the lock, and every leftover with its kind, files and bytes; and how leftovers are
// described and removed (never an entry duckpart did not make).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "duckpart/recover.h"
#include "store/dataset_store.h"

namespace duckpart::ops {

// The store of `target`; with `probe_lock`, also whether a live process holds its lock.
// Throws InputError when the target's folder does not exist.
StoreStatus Inspect(const std::string& target, bool probe_lock);
// Throws InputError when the target is not a dataset or is locked (BusyError), and
// CheckFailed when its link points to a version that is missing.
void CheckRecoverable(const StoreStatus& st, const store::DatasetStore& ds, const char* command);
// One line for people: "superseded version .x.duckpart/v000001 (3 files, 1.2 KiB)".
std::string Describe(const StoreItem& item);
// Files and bytes under a path (the path itself when it is not a folder), into `item`.
void Measure(const std::filesystem::path& path, StoreItem& item);
// Removes one item (a spill folder's contents; anything else whole). Throws RuntimeFailure.
void Remove(const StoreItem& item);
// Removes the items (links first, unknown entries never) and syncs the folders.
void RemoveAll(std::vector<StoreItem> items, const store::DatasetStore& ds);

}  // namespace duckpart::ops
