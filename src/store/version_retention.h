// Which versions of a dataset's store are kept, and why: the one retention policy that
// every writing operation's Finish, and `cleanup` and `recover`, apply.
//
//   RetentionPolicy p{.keep_versions = 3, .grace_seconds = 600};
//   FinishPublish(store, 7, p);   // records v7 as published now, removes what p lets go
//
// A superseded version (older than the one the link points to) stays while it is one of
// the `keep_versions` newest versions (the current one counts), or while it was superseded
// less than `grace_seconds` ago: a reader that resolved the link before the swap (a glob in
// flight, `duckpart query`, a process holding the version's folder) finishes on its own
// bytes. Past both, the next write's Finish, or `cleanup`, removes it; nothing removes it
// inside its grace period.
//
// When a version was superseded is when its successor was published. FinishPublish records
// in the store's marker (`published_at`, Unix seconds rounded up) when each version became
// current, after the swap, so the record is never earlier than the truth. A version whose
// successor has no record (the writer was killed between the swap and its Finish) counts as
// superseded when the link was last swapped (the link's own mtime), which is later than or
// equal to the truth: the grace period is never cut short. The policy itself is recorded
// with it (`retention`), so that `cleanup` and `recover` apply the last writer's promise.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store/dataset_store.h"

namespace duckpart::store {

inline constexpr int64_t kDefaultKeepVersions = 1;
inline constexpr int64_t kMaxKeepVersions = 1000;
inline constexpr int64_t kDefaultGraceSeconds = 600;        // 10 minutes
inline constexpr int64_t kMaxGraceSeconds = 366LL * 86400;  // a year

struct RetentionPolicy {
  int64_t keep_versions = kDefaultKeepVersions;  // 1..kMaxKeepVersions, the current included
  int64_t grace_seconds = kDefaultGraceSeconds;  // 0..kMaxGraceSeconds
};

// Throws InputError naming the flag when a count or duration is out of its bounds.
void CheckRetentionPolicy(const RetentionPolicy& policy);

// What the store knows of when versions became current.
struct VersionTimes {
  std::map<int64_t, int64_t> published_at;  // version -> Unix seconds (an upper bound)
  int64_t link_swapped_at = 0;              // the link's mtime: when the current version was
};

// Pure: which of `superseded` (versions older than `current`) the policy keeps at `now`,
// each with the reason for people ("one of the 3 newest", "in its grace period for 540 s").
std::map<int64_t, std::string> KeptByPolicy(int64_t current, const std::vector<int64_t>& superseded,
                                            const VersionTimes& times,
                                            const RetentionPolicy& policy, int64_t now);

// The times the store's marker records, and the link's mtime.
VersionTimes ReadVersionTimes(const DatasetStore& store);
// The policy the store's marker records (the last finished write's), else the defaults.
RetentionPolicy RecordedPolicy(const DatasetStore& store);

// The superseded version folders of the store that `policy` keeps now, with the reason.
// Empty when the target holds no published version.
std::map<int64_t, std::string> KeptVersions(const DatasetStore& store,
                                            const RetentionPolicy& policy);

// After the commit point of a write that published `version`: records it in the marker
// (published, when, and under `policy`), durably, then removes staging folders, unpublished
// versions and the superseded versions `policy` no longer keeps. Throws RuntimeFailure on an
// IO error (the new version is published either way). Returns how many entries went.
size_t FinishPublish(const DatasetStore& store, int64_t version, const RetentionPolicy& policy);

}  // namespace duckpart::store
