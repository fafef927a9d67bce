#include "ops/rebalance_operation.h"

#include <fmt/format.h>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/hive_path.h"
#include "ops/rebalance_cuts.h"
#include "plan/keys.h"
#include "plan/range_key.h"
#include "plan/transform.h"
#include "plan/type_table.h"
#include "plan/workspace_access.h"
#include "util/checksum_sum.h"

namespace duckpart::ops {
namespace {

namespace fs = std::filesystem;

// The rows of the given old partitions, typed as the manifest records them; with `file`,
// also the file each row came from (__dp_file).
std::string RowsOf(const Manifest& m, const fs::path& root, const std::vector<size_t>& members,
                   bool file) {
  std::string list;
  for (size_t i : members) {
    for (const auto& f : m.partitions[i].files)
      list += (list.empty() ? "" : ", ") + db::QuoteLiteral((root / f.path).string());
  }
  return "SELECT " + plan::ReadBackSelectSql(m.schema) + " FROM read_parquet([" + list +
         "], hive_partitioning = false, union_by_name = true" +
         (file ? ", filename = '__dp_file'" : "") + ")";
}

// What Plan builds, group by group.
struct Build {
  const Manifest& m;
  const fs::path& root;
  db::Connection& conn;
  bool recut = false;
  ResolvedField field;               // recut: the field with its new cuts
  std::vector<int64_t> first_index;  // recut: per group, its first new range index
  Change change;
  std::vector<RebalanceGroup> report;
  std::vector<std::pair<std::optional<std::string>, int64_t>> ids;  // key or file -> pid
};

// A new partition: the old one's keys, or the range index `index` under the new cuts.
Partition NewPartition(const Build& b, const Partition& old, int64_t index) {
  Partition p{.id = static_cast<int64_t>(b.change.plan.partitions.size())};
  if (!b.recut || index < 0) {
    p.keys = old.keys;
    p.path = old.path;
    p.ranges = old.ranges;
    return p;
  }
  const auto width = std::to_string(b.field.cuts.size()).size();
  std::string label = std::to_string(index);
  label.insert(0, width > label.size() ? width - label.size() : 0, '0');
  p.keys = {label};
  p.path = HiveSegment(b.field.field.Name(), label);
  p.ranges = {plan::RangeText(b.field.cuts, index)};
  return p;
}

void Keep(Build& b, const Partition& old, int64_t index) {
  Partition p = NewPartition(b, old, index);
  p.rows = old.rows;
  p.checksum = old.checksum;
  p.est_bytes = old.est_bytes;
  std::vector<PartitionFile>& shared = b.change.shared_files[p.id];
  for (const auto& f : old.files) {
    PartitionFile moved = f;
    moved.path = p.path + f.path.substr(old.path.size());
    if (moved.path != f.path) b.change.moved_files[moved.path] = f.path;
    shared.push_back(std::move(moved));
  }
  b.change.plan.partitions.push_back(std::move(p));
}

// A partition that is written: in the plan, and in `written` with no file yet.
void Write(Build& b, Partition p) {
  b.change.written.push_back(p);
  b.report.back().to.push_back(p.path);
  b.change.plan.partitions.push_back(std::move(p));
}

RebalanceGroup Report(const Build& b, const LayoutGroup& g) {
  RebalanceGroup r{.kind = g.kind, .rows = g.rows};
  for (size_t i : g.members) {
    const Partition& p = b.m.partitions[i];
    r.from.push_back(p.path);
    r.files_before += static_cast<int64_t>(p.files.size());
    r.bytes += p.bytes;
  }
  return r;
}

// A group written as one partition: its rows and checksum are its members' sums.
void WriteWhole(Build& b, const LayoutGroup& g, int64_t index) {
  Partition p = NewPartition(b, b.m.partitions[g.members[0]], index);
  for (size_t i : g.members) {
    const Partition& old = b.m.partitions[i];
    p.rows += old.rows;
    p.checksum = util::AddChecksums(p.checksum, old.checksum);
    p.est_bytes += old.bytes;
    if (!b.recut) {
      for (const auto& f : old.files) b.ids.emplace_back((b.root / f.path).string(), p.id);
    }
  }
  if (b.recut) {
    b.ids.emplace_back(index < 0 ? std::nullopt : std::optional(std::to_string(index)), p.id);
  }
  Write(b, std::move(p));
}

// Per new range index of a split group's rows: rows and content checksum.
db::Result PieceFigures(const Build& b, const std::string& rows) {
  return b.conn.Query(
      "SELECT __dp_rk, count(*), CAST(sum(CAST(__dp_h AS HUGEINT)) AS VARCHAR) "
      "FROM (SELECT " +
      b.field.key_sql + " AS __dp_rk, " + RowHashSql(b.m.schema, "s") + " AS __dp_h FROM (" + rows +
      ") AS s) GROUP BY 1 ORDER BY 1");
}

// The pieces read must hold what the manifest records for the group's partitions.
void CheckPieces(const Build& b, const LayoutGroup& g, int64_t rows, const std::string& sum) {
  std::string expected = "0";
  for (size_t i : g.members) expected = util::AddChecksums(expected, b.m.partitions[i].checksum);
  if (rows == g.rows && sum == expected) return;
  throw CheckFailed(fmt::format(
      "the files of {} do not match the manifest ({} rows, checksum {}; read {} rows, checksum "
      "{}); nothing was changed: run `duckpart validate` on the dataset",
      b.m.partitions[g.members[0]].path, g.rows, expected, rows, sum));
}

// A split group: the rows and checksum of each piece from its files, held to the
// manifest's figures for the group.
void WritePieces(Build& b, const LayoutGroup& g, const std::string& rows) {
  db::Result r = PieceFigures(b, rows);
  int64_t total_rows = 0, bytes = 0;
  std::string total = "0";
  for (size_t i : g.members) bytes += b.m.partitions[i].bytes;
  for (uint64_t row = 0; row < r.RowCount(); ++row) {
    Partition p = NewPartition(b, b.m.partitions[g.members[0]], r.GetInt64(row, 0));
    p.rows = r.GetInt64(row, 1);
    p.checksum = r.GetString(row, 2);
    p.est_bytes = g.rows > 0 ? bytes * p.rows / g.rows : 0;
    total_rows += p.rows;
    total = util::AddChecksums(total, p.checksum);
    b.ids.emplace_back(r.GetString(row, 0), p.id);
    Write(b, std::move(p));
  }
  CheckPieces(b, g, total_rows, total);
}

// The cuts of the new layout (recut): a split group's from its rows, the others none.
void Recut(Build& b, const std::vector<LayoutGroup>& groups, int64_t target_rows) {
  std::vector<std::vector<Cut>> inner(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].pieces < 2) continue;
    inner[g] = SplitCuts(b.conn, RowsOf(b.m, b.root, groups[g].members, false), b.m.fields[0],
                         groups[g].rows, groups[g].pieces, target_rows);
  }
  std::vector<Cut> cuts = LayoutCuts(b.m, groups, inner, b.first_index);
  const bool range = b.m.fields[0].field.transform == Transform::kRange;
  const size_t limit = range ? plan::kMaxRangeBounds : static_cast<size_t>(plan::kMaxQuantiles);
  if (cuts.size() > limit) {
    throw InputError(
        fmt::format("the new layout needs {} cuts of {}, over the {} a {} field may "
                    "have; give a larger --target-rows",
                    cuts.size(), b.m.fields[0].field.Name(), limit, range ? "range" : "quantile"));
  }
  if (range && cuts.empty()) {
    throw InputError(
        fmt::format("a target of {} rows would merge every partition of {} into one, "
                    "and a range field needs a bound; give a smaller target",
                    target_rows, b.m.fields[0].field.Name()));
  }
  b.field = WithCuts(b.m.fields[0], std::move(cuts));
}

// The ids table of rows_sql's join, in the workspace (the target's write runs there).
void StoreIds(Build& b) {
  const std::string type = b.recut ? "BIGINT" : "VARCHAR";
  b.conn.Execute("CREATE OR REPLACE TEMP TABLE __dp_rebalance_ids (__dp_rk " + type +
                 ", __dp_pid BIGINT)");
  db::Appender app(b.conn, "temp", "main", "__dp_rebalance_ids");
  for (const auto& [key, pid] : b.ids) {
    if (!key)
      app.AppendNull();
    else if (b.recut)
      app.Append(static_cast<int64_t>(std::stoll(*key)));
    else
      app.Append(*key);
    app.Append(pid);
    app.EndRow();
  }
  app.Flush();
}

// Every row of the rewritten groups with the id of its new partition.
std::string RowsSql(const Build& b, const std::vector<size_t>& members) {
  const std::string key = b.recut ? b.field.key_sql : "__dp_file";
  const std::string rows = RowsOf(b.m, b.root, members, !b.recut);
  const std::string inner = b.recut ? "SELECT *, " + key + " AS __dp_rk FROM (" + rows + ")"
                                    : "SELECT * RENAME (__dp_file AS __dp_rk) FROM (" + rows + ")";
  return "SELECT r.* EXCLUDE (__dp_rk), i.__dp_pid FROM (" + inner +
         ") AS r JOIN __dp_rebalance_ids AS i ON r.__dp_rk IS NOT DISTINCT FROM i.__dp_rk";
}

void AddGroup(Build& b, const LayoutGroup& g, size_t index, std::vector<size_t>& written) {
  const int64_t first = b.recut ? b.first_index[index] : -1;
  if (!g.rewritten()) return Keep(b, b.m.partitions[g.members[0]], first);
  b.report.push_back(Report(b, g));
  written.insert(written.end(), g.members.begin(), g.members.end());
  if (g.pieces > 1) return WritePieces(b, g, RowsOf(b.m, b.root, g.members, false));
  WriteWhole(b, g, first);
}

}  // namespace

Change RebalanceOperation::Plan(Workspace& ws, WorkMeter& /*meter*/) {
  const Manifest& m = base_.manifest;
  const std::vector<LayoutGroup> groups = PlanLayout(m, settings_.layout);
  Build b{.m = m, .root = root_, .conn = WorkspaceConnection(ws)};
  b.recut = settings_.layout.target_rows > 0 && CanRecut(m);
  b.change.plan = duckpart::Plan{.spec = m.spec, .source = m.source, .schema = m.schema};
  if (b.recut) Recut(b, groups, settings_.layout.target_rows);
  b.change.plan.fields = b.recut ? std::vector<ResolvedField>{b.field} : m.fields;
  if (b.recut) b.change.plan.spec.fields = {b.field.field};
  b.change.plan.transform_version = m.transform_version;
  std::vector<size_t> written;
  for (size_t g = 0; g < groups.size(); ++g) AddGroup(b, groups[g], g, written);
  StoreIds(b);
  Change change = std::move(b.change);
  change.base_version = base_.version;
  change.file_bytes = settings_.layout.band.target;
  change.rows_sql = written.empty() ? "" : RowsSql(b, written);
  change.plan.total_rows = m.total_rows;
  change.plan.total_checksum = m.total_checksum;
  for (const auto& w : change.written) change.plan.est_bytes += w.est_bytes;
  change.record = HistoryRecord{.operation = "rebalance",
                                .source = settings_.describe,
                                .partitions_touched = static_cast<int64_t>(change.written.size())};
  change.history = HistoryOf(m);
  groups_ = std::move(b.report);
  return change;
}

}  // namespace duckpart::ops
