// Which partitions a rebalance rewrites and into what: a pure function of the manifest, so
// `--dry-run` and the operation agree and the rules are unit-tested without data.
//
//   LayoutSettings s{.target_rows = 1'000'000, .band = BandOf(512 << 20), .eligible = all};
//   for (const LayoutGroup& g : PlanLayout(manifest, s)) ...
//
// With a target (a spec of one range or quantile field), adjacent partitions are grouped
// greedily in key order: a group under 0.5x the target takes the next partition in, and a
// last group still under it joins the group before. A group over 2x the target is split
// into round(rows / target) pieces. The NULL partition and partitions not eligible
// (--partition) stay alone. Without a target every partition is its own group. A group of
// one partition is rewritten only when its files need compaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "duckpart/manifest.h"

namespace duckpart::ops {

// Iceberg's file band: files under low (0.75x) or over high (1.8x) the target.
struct FileBand {
  int64_t target = 0, low = 0, high = 0;
};
FileBand BandOf(int64_t target_file_bytes);

// Two or more files under the band, or one over it.
bool NeedsCompaction(const Partition& p, const FileBand& band);

// A run of adjacent old partitions (indices into the manifest's partitions, ascending)
// that becomes `pieces` new partitions.
struct LayoutGroup {
  std::vector<size_t> members;
  int64_t rows = 0;
  int64_t pieces = 1;
  std::string kind;  // "split", "merge", "compact", or "" (kept and shared)
  bool rewritten() const { return !kind.empty(); }
};

struct LayoutSettings {
  int64_t target_rows = 0;  // 0: no re-cut, compaction only
  FileBand band;
  std::vector<bool> eligible;  // per manifest partition: may be rewritten
};

// The groups of the new version, in key order, covering every partition of `m` once.
std::vector<LayoutGroup> PlanLayout(const Manifest& m, const LayoutSettings& s);

// Whether a spec can be re-cut: exactly one field, of range or quantile.
bool CanRecut(const Manifest& m);

}  // namespace duckpart::ops
