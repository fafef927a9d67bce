#include "ops/append_operation.h"

#include <algorithm>
#include <map>

#include "db/database.h"
#include "duckpart/error.h"
#include "duckpart/hive_path.h"
#include "ops/append_order.h"
#include "plan/keys.h"
#include "plan/transform.h"
#include "plan/workspace_access.h"
#include "util/checksum_sum.h"
#include "util/format.h"

namespace duckpart::ops {
namespace {

using Keys = std::vector<std::optional<std::string>>;

// The new rows of one partition key.
struct KeyGroup {
  Keys keys;
  int64_t rows = 0;
  std::string checksum;
};

std::string K(size_t i) { return "__dp_k" + std::to_string(i); }
std::string L(size_t i) { return "__dp_l" + std::to_string(i); }

// One pass over the new rows: keys, labels, rows and checksum per key, numbered
// (__dp_idx) in the order read back, in the temporary table __dp_append_keys.
std::vector<KeyGroup> GroupNewRows(Workspace& ws, const std::vector<ResolvedField>& fields,
                                   const std::vector<ColumnInfo>& schema, const std::string& rows) {
  std::string keys, group, labels, out;
  for (size_t i = 0; i < fields.size(); ++i) {
    keys += fields[i].key_sql + " AS " + K(i) + ", ";
    group += (i ? ", " : "") + K(i);
    labels += plan::LabelOf(fields[i].label_sql, K(i)) + " AS " + L(i) + ", ";
    out += L(i) + ", ";
  }
  db::Connection& conn = WorkspaceConnection(ws);
  conn.Execute(
      "CREATE OR REPLACE TEMP TABLE __dp_append_keys AS SELECT " + group + ", " + labels +
      "rows, checksum, CAST(row_number() OVER () - 1 AS BIGINT) AS __dp_idx FROM (SELECT " + group +
      ", count(*) AS rows, sum(CAST(__dp_h AS HUGEINT)) AS checksum FROM (SELECT " + keys +
      RowHashSql(schema, "s") + " AS __dp_h FROM " + rows + " AS s) GROUP BY " + group + ")");
  db::Result r = conn.Query("SELECT " + out +
                            "rows, CAST(checksum AS VARCHAR) FROM __dp_append_keys ORDER BY "
                            "__dp_idx");
  std::vector<KeyGroup> groups;
  const size_t n = fields.size();
  for (uint64_t row = 0; row < r.RowCount(); ++row) {
    KeyGroup g;
    for (size_t i = 0; i < n; ++i) g.keys.push_back(r.GetOptionalString(row, i));
    g.rows = r.GetInt64(row, n);
    g.checksum = r.GetString(row, n + 1);
    groups.push_back(std::move(g));
  }
  return groups;
}

// A partition of a key the dataset has no partition for yet.
Partition NewPartition(const Manifest& base, const Keys& keys, int64_t id) {
  Partition p{.id = id, .keys = keys};
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& f = base.fields[i];
    p.path += (i ? "/" : "") + HiveSegment(f.field.Name(), keys[i]);
    const bool ranged =
        f.field.transform == Transform::kRange || f.field.transform == Transform::kQuantile;
    p.ranges.push_back(ranged && keys[i] ? plan::RangeText(f.cuts, std::stoll(*keys[i])) : "");
  }
  return p;
}

// __duckpart_keys (the keys and the partition id of every new key) for KeysJoinSql.
void StoreKeyIds(Workspace& ws, const std::vector<int64_t>& ids) {
  db::Connection& conn = WorkspaceConnection(ws);
  conn.Execute("CREATE OR REPLACE TEMP TABLE __dp_append_ids (__dp_idx BIGINT, pid BIGINT)");
  {
    db::Appender app(conn, "temp", "main", "__dp_append_ids");
    for (size_t i = 0; i < ids.size(); ++i) {
      app.Append(static_cast<int64_t>(i)).Append(ids[i]);
      app.EndRow();
    }
    app.Flush();
  }
  conn.Execute(
      "CREATE OR REPLACE TEMP TABLE __duckpart_keys AS SELECT k.*, i.pid FROM __dp_append_keys "
      "AS k JOIN __dp_append_ids AS i USING (__dp_idx)");
}

int64_t SmallFiles(const Partition& p, int64_t small_bytes) {
  int64_t n = 0;
  for (const auto& f : p.files) n += f.bytes < small_bytes ? 1 : 0;
  return n;
}

// The base's partitions with the new rows' groups merged in: existing keys are touched
// (old + new rows and checksum), others are new partitions numbered after the existing.
// Returns the partition id of every group, in order.
std::vector<int64_t> MergeGroups(const Manifest& m, const std::vector<KeyGroup>& groups,
                                 Change& change, int64_t& touched, int64_t& created) {
  change.plan.partitions = m.partitions;
  std::map<Keys, size_t> index;
  int64_t next_id = 0;
  for (size_t i = 0; i < m.partitions.size(); ++i) {
    index[m.partitions[i].keys] = i;
    change.shared_files[m.partitions[i].id] = m.partitions[i].files;
    next_id = std::max(next_id, m.partitions[i].id + 1);
  }
  const double row_bytes =
      m.total_rows > 0 ? static_cast<double>(m.total_bytes) / static_cast<double>(m.total_rows)
                       : 8.0;
  std::vector<int64_t> ids;
  std::map<int64_t, size_t> written;  // partition id -> index in change.written
  for (const auto& g : groups) {
    auto it = index.find(g.keys);
    const bool found = it != index.end();
    if (!written.count(found ? change.plan.partitions[it->second].id : -1))
      (found ? touched : created)++;
    if (!found) {
      change.plan.partitions.push_back(NewPartition(m, g.keys, next_id++));
      it = index.emplace(g.keys, change.plan.partitions.size() - 1).first;
    }
    Partition& p = change.plan.partitions[it->second];
    // Two keys with one label (values a label prints alike) are one partition, as in run.
    auto [at, first] = written.emplace(p.id, change.written.size());
    if (first) {
      Partition w = p;
      w.files.clear();
      w.bytes = 0;
      w.rows = 0;
      w.checksum = "0";
      change.written.push_back(std::move(w));
    }
    Partition& w = change.written[at->second];
    w.rows += g.rows;
    w.checksum = util::AddChecksums(w.checksum, g.checksum);
    w.est_bytes = static_cast<int64_t>(row_bytes * static_cast<double>(w.rows));
    p.rows += g.rows;
    p.checksum = util::AddChecksums(p.checksum, g.checksum);
    ids.push_back(p.id);
  }
  return ids;
}

}  // namespace

void AppendOperation::Warn(const Change& change) {
  const HistoryRecord& r = change.record;
  for (const auto& w : change.written) {
    const auto& p = *std::find_if(change.plan.partitions.begin(), change.plan.partitions.end(),
                                  [&](const Partition& q) { return q.id == w.id; });
    const int64_t small = SmallFiles(p, settings_.small_file_bytes) + 1;
    if (small > settings_.small_files_warning) {
      warnings_.push_back("partition " + p.path + " holds " + std::to_string(small) +
                          " files under " + util::FormatBytes(settings_.small_file_bytes) +
                          "; compact them with duckpart rebalance --compact");
    }
  }
  if (!settings_.batch_id.empty() || r.rows_added == 0) return;
  for (const auto& h : change.history) {
    if (h.operation == "append" && h.rows_added == r.rows_added &&
        h.checksum_added == r.checksum_added)
      warnings_.push_back("these rows have the checksum of the append of version " +
                          std::to_string(h.version) +
                          " (appended twice?); give --batch-id to append a batch once only");
  }
}

Change AppendOperation::Plan(Workspace& ws, WorkMeter& /*meter*/) {
  warnings_.clear();
  touched_ = created_ = 0;
  const BaseVersion base = load_base_();
  const Manifest& m = base.manifest;
  if (const HistoryRecord* h = FindBatch(m.history, settings_.batch_id)) {
    throw InputError("batch '" + settings_.batch_id + "' was already appended (version " +
                     std::to_string(h->version) + "); add --if-new to skip a batch seen before");
  }
  // Both targets number a version on a base as the base's next.
  const int64_t version = base.version + 1;
  const ConformedRows conformed =
      ConformRows(ws, m, {.allow = settings_.allow_new_columns, .version = version});
  // The new rows are read from the source once, into a temporary table (kept within the
  // memory limit, spilled to the temp folder past it): grouping and the write read it, not
  // the source again (a query run, or files parsed, twice).
  WorkspaceConnection(ws).Execute(
      "CREATE OR REPLACE TEMP TABLE __dp_append_rows AS SELECT * FROM " + conformed.sql);
  const std::string rows = "temp.main.__dp_append_rows";
  const std::vector<KeyGroup> groups = GroupNewRows(ws, m.fields, conformed.schema, rows);
  Change change;
  change.base_version = base.version;
  change.plan = duckpart::Plan{
      .spec = m.spec, .source = m.source, .schema = conformed.schema, .fields = m.fields};
  change.plan.transform_version = m.transform_version;
  std::vector<int64_t> ids = MergeGroups(m, groups, change, touched_, created_);
  if (created_ > 0) RenumberInKeyOrder(WorkspaceConnection(ws), m.fields, change, ids);
  StoreKeyIds(ws, ids);
  change.rows_sql = RowsWithPartitionSql(rows, m.fields);
  HistoryRecord& r = change.record;
  r = HistoryRecord{.operation = "append",
                    .source = ws.source().Describe(),
                    .batch_id = settings_.batch_id,
                    .partitions_touched = touched_ + created_};
  for (const auto& c : conformed.schema) {
    if (c.added_in == version) r.columns_added.push_back(c.name);
  }
  for (const auto& w : change.written) {
    r.rows_added += w.rows;
    r.checksum_added = util::AddChecksums(r.checksum_added, w.checksum);
    change.plan.est_bytes += w.est_bytes;
  }
  change.plan.total_rows = m.total_rows + r.rows_added;
  change.plan.total_checksum = util::AddChecksums(m.total_checksum, r.checksum_added);
  change.history = HistoryOf(m);
  Warn(change);
  return change;
}

}  // namespace duckpart::ops
