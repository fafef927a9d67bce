#include "ops/append_order.h"

#include <algorithm>
#include <map>

#include "plan/transform.h"

namespace duckpart::ops {
namespace {

constexpr const char* kOrderTable = "__dp_append_order";

std::string L(size_t i) { return "l" + std::to_string(i); }

// How the labels of a field sort as run's typed keys do.
std::string OrderOf(const ResolvedField& f, size_t i) {
  const Transform t = f.field.transform;
  if (plan::IsTimeTransform(t)) return L(i) + " NULLS LAST";
  const bool number =
      t == Transform::kBucket || t == Transform::kRange || t == Transform::kQuantile;
  const std::string type = number ? "BIGINT" : f.column_type;
  return "TRY_CAST(" + L(i) + " AS " + type + ") NULLS LAST, " + L(i) + " NULLS LAST";
}

void StoreLabels(db::Connection& conn, const std::vector<ResolvedField>& fields,
                 const std::vector<Partition>& partitions) {
  std::string cols = "idx BIGINT";
  for (size_t i = 0; i < fields.size(); ++i) cols += ", " + L(i) + " VARCHAR";
  conn.Execute("CREATE OR REPLACE TEMP TABLE " + std::string(kOrderTable) + " (" + cols + ")");
  db::Appender app(conn, "temp", "main", kOrderTable);
  for (size_t p = 0; p < partitions.size(); ++p) {
    app.Append(static_cast<int64_t>(p));
    for (size_t i = 0; i < fields.size(); ++i) {
      const auto& k = partitions[p].keys[i];
      if (k)
        app.Append(*k);
      else
        app.AppendNull();
    }
    app.EndRow();
  }
  app.Flush();
}

// Old id -> new id, by the partitions' key order.
std::map<int64_t, int64_t> NewIds(db::Connection& conn, const std::vector<ResolvedField>& fields,
                                  const std::vector<Partition>& partitions) {
  StoreLabels(conn, fields, partitions);
  std::string order;
  for (size_t i = 0; i < fields.size(); ++i) order += (i ? ", " : "") + OrderOf(fields[i], i);
  db::Result r = conn.Query("SELECT idx FROM " + std::string(kOrderTable) + " ORDER BY " +
                            (order.empty() ? "idx" : order + ", idx"));
  std::map<int64_t, int64_t> out;
  for (uint64_t row = 0; row < r.RowCount(); ++row)
    out[partitions[static_cast<size_t>(r.GetInt64(row, 0))].id] = static_cast<int64_t>(row);
  conn.Execute("DROP TABLE " + std::string(kOrderTable));
  return out;
}

}  // namespace

void RenumberInKeyOrder(db::Connection& conn, const std::vector<ResolvedField>& fields,
                        Change& change, std::vector<int64_t>& ids) {
  const std::map<int64_t, int64_t> to = NewIds(conn, fields, change.plan.partitions);
  for (auto& p : change.plan.partitions) p.id = to.at(p.id);
  std::sort(change.plan.partitions.begin(), change.plan.partitions.end(),
            [](const Partition& a, const Partition& b) { return a.id < b.id; });
  std::map<int64_t, std::vector<PartitionFile>> shared;
  for (auto& [id, files] : change.shared_files) shared[to.at(id)] = std::move(files);
  change.shared_files = std::move(shared);
  for (auto& w : change.written) w.id = to.at(w.id);
  for (auto& id : ids) id = to.at(id);
}

}  // namespace duckpart::ops
