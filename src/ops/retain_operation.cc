#include "ops/retain_operation.h"

#include <set>

#include "duckpart/error.h"
#include "ops/retain_window.h"
#include "plan/workspace_access.h"
#include "util/checksum_sum.h"

namespace duckpart::ops {

std::vector<Partition> DroppedPartitions(db::Connection& conn, const Manifest& m,
                                         const RetainWindow& window, bool allow_empty) {
  const std::vector<size_t> drop = PartitionsToDrop(conn, m, window);
  if (!drop.empty() && drop.size() == m.partitions.size() && !allow_empty) {
    throw InputError(window.Describe() + " would drop every partition (" +
                     std::to_string(drop.size()) +
                     ") and leave the dataset empty; add --allow-empty to drop them all");
  }
  std::vector<Partition> out;
  for (size_t i : drop) out.push_back(m.partitions[i]);
  return out;
}

Change RetainOperation::Plan(Workspace& ws, WorkMeter& /*meter*/) {
  const BaseVersion base = load_base_();
  const Manifest& m = base.manifest;
  dropped_ = DroppedPartitions(WorkspaceConnection(ws), m, window_, allow_empty_);
  if (dropped_.empty()) throw InputError(window_.Describe() + " drops no partition");
  std::set<int64_t> gone;
  for (const auto& p : dropped_) gone.insert(p.id);
  Change change;
  change.base_version = base.version;
  change.plan =
      duckpart::Plan{.spec = m.spec, .source = m.source, .schema = m.schema, .fields = m.fields};
  change.plan.transform_version = m.transform_version;
  HistoryRecord& r = change.record;
  r = HistoryRecord{.operation = "retain",
                    .source = window_.Describe(),
                    .partitions_touched = static_cast<int64_t>(dropped_.size())};
  for (const auto& p : m.partitions) {
    if (gone.count(p.id)) {
      r.rows_removed += p.rows;
      r.bytes_removed += p.bytes;
      continue;
    }
    Partition kept = p;
    kept.id = static_cast<int64_t>(change.plan.partitions.size());  // dense again
    change.shared_files[kept.id] = p.files;
    change.plan.total_rows += p.rows;
    change.plan.total_checksum = util::AddChecksums(change.plan.total_checksum, p.checksum);
    change.plan.partitions.push_back(std::move(kept));
  }
  change.history = HistoryOf(m);
  return change;
}

}  // namespace duckpart::ops
