#include "ops/rebalance_layout.h"

#include <algorithm>
#include <cmath>

#include "duckpart/rebalance.h"

namespace duckpart::ops {
namespace {

struct Grouping {
  const Manifest& m;
  const LayoutSettings& s;

  bool Joinable(size_t i) const {
    return s.target_rows > 0 && s.eligible[i] && m.partitions[i].keys.at(0).has_value();
  }
  bool Joinable(const LayoutGroup& g) const {
    return std::all_of(g.members.begin(), g.members.end(), [&](size_t i) { return Joinable(i); });
  }
  bool Small(const LayoutGroup& g) const { return g.rows * 2 < s.target_rows; }
};

void Add(LayoutGroup& g, const Manifest& m, size_t i) {
  g.members.push_back(i);
  g.rows += m.partitions[i].rows;
}

// The greedy pass: a small group takes the next joinable partition in.
std::vector<LayoutGroup> Greedy(const Grouping& x) {
  std::vector<LayoutGroup> groups;
  for (size_t i = 0; i < x.m.partitions.size(); ++i) {
    if (groups.empty() || !x.Joinable(i) || !x.Joinable(groups.back()) || !x.Small(groups.back())) {
      groups.emplace_back();
    }
    Add(groups.back(), x.m, i);
  }
  return groups;
}

// A small group that took nothing in (the next partition could not join) joins the group
// before it when both may.
void JoinSmallTails(const Grouping& x, std::vector<LayoutGroup>& groups) {
  for (size_t g = groups.size(); g-- > 1;) {
    if (!x.Joinable(groups[g]) || !x.Small(groups[g]) || !x.Joinable(groups[g - 1])) continue;
    for (size_t i : groups[g].members) Add(groups[g - 1], x.m, i);
    groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(g));
  }
}

void Classify(const Grouping& x, LayoutGroup& g) {
  const int64_t t = x.s.target_rows;
  if (t > 0 && g.rows > 2 * t && x.Joinable(g)) {
    const auto pieces = std::llround(static_cast<double>(g.rows) / static_cast<double>(t));
    g.pieces = std::clamp<int64_t>(pieces, 2, kMaxSplitPieces);
  }
  if (g.pieces > 1)
    g.kind = "split";
  else if (g.members.size() > 1)
    g.kind = "merge";
  else if (x.s.eligible[g.members[0]] && NeedsCompaction(x.m.partitions[g.members[0]], x.s.band))
    g.kind = "compact";
}

}  // namespace

FileBand BandOf(int64_t target_file_bytes) {
  const auto t = static_cast<double>(target_file_bytes);
  return {.target = target_file_bytes,
          .low = static_cast<int64_t>(0.75 * t),
          .high = static_cast<int64_t>(1.8 * t)};
}

bool NeedsCompaction(const Partition& p, const FileBand& band) {
  int64_t small = 0;
  for (const auto& f : p.files) {
    if (f.bytes > band.high) return true;
    small += f.bytes < band.low ? 1 : 0;
  }
  return small >= 2;
}

bool CanRecut(const Manifest& m) {
  return m.fields.size() == 1 && (m.fields[0].field.transform == Transform::kRange ||
                                  m.fields[0].field.transform == Transform::kQuantile);
}

std::vector<LayoutGroup> PlanLayout(const Manifest& m, const LayoutSettings& s) {
  const Grouping x{m, s};
  std::vector<LayoutGroup> groups = Greedy(x);
  JoinSmallTails(x, groups);
  for (auto& g : groups) Classify(x, g);
  return groups;
}

}  // namespace duckpart::ops
