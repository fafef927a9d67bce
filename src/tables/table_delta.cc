#include "tables/table_delta.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/table_run.h"
#include "store/fault.h"
#include "tables/table_layout.h"
#include "util/checksum_sum.h"
#include "util/format.h"

namespace duckpart::tables {
namespace {

using util::Lower;

std::string Qualified(const TablesPlace& place, const std::string& name) {
  return db::QuoteIdent(place.catalog) + "." + db::QuoteIdent(place.schema) + "." +
         db::QuoteIdent(name);
}

std::set<int64_t> WrittenIds(const ops::Change& change) {
  std::set<int64_t> ids;
  for (const auto& w : change.written) ids.insert(w.id);
  return ids;
}

std::set<std::string> LowerNames(const std::vector<Partition>& tables) {
  std::set<std::string> names;
  for (const auto& p : tables) names.insert(Lower(p.table));
  return names;
}

// A name no table of `taken` has (case-insensitively): `name`, else `name` shortened with
// "_<n>" appended.
std::string UniqueName(const std::string& name, std::set<std::string>& taken) {
  std::string out = name;
  for (int n = 2; taken.count(Lower(out)); ++n) {
    const std::string suffix = "_" + std::to_string(n);
    out = name.substr(0, std::min(name.size(), 63 - suffix.size())) + suffix;
  }
  taken.insert(Lower(out));
  return out;
}

void Add(TableVerifyReport& report, const char* kind, const std::string& message) {
  report.problems.push_back(ValidationProblem::Make(kind, "", message));
}

// Every table in the schema is the catalog's or one of `tables`, and each of `tables` exists.
void CheckTableSet(db::Connection& conn, const TablesPlace& place,
                   const std::vector<Partition>& tables, TableVerifyReport& report) {
  db::Result r = conn.Query("SELECT table_name FROM duckdb_tables() WHERE database_name = " +
                            db::QuoteLiteral(place.catalog) + " AND lower(schema_name) = lower(" +
                            db::QuoteLiteral(place.schema) + ")");
  std::set<std::string> have;
  for (uint64_t i = 0; i < r.RowCount(); ++i) have.insert(Lower(r.GetString(i, 0)));
  std::set<std::string> want = LowerNames(tables);
  want.insert(Lower(kTableSpecTable));
  want.insert(Lower(kTablePartitionsTable));
  for (const auto& t : have) {
    if (!want.count(t)) Add(report, "extra_table", "table " + place.schema + "." + t + " is extra");
  }
  for (const auto& p : tables) {
    if (!have.count(Lower(p.table)))
      Add(report, "missing_table", "partition " + p.path + ": table " + p.table + " is missing");
  }
}

// The row count of every table the transaction did not write, against the catalog's.
void CheckUntouched(db::Connection& conn, const TablesPlace& place,
                    const std::vector<Partition>& untouched, TableVerifyReport& report) {
  constexpr size_t kChunk = 256;
  for (size_t start = 0; start < untouched.size(); start += kChunk) {
    std::vector<std::string> selects;
    for (size_t i = start; i < std::min(untouched.size(), start + kChunk); ++i) {
      selects.push_back("SELECT CAST(" + std::to_string(i) +
                        " AS BIGINT) AS i, count(*) AS n FROM " +
                        Qualified(place, untouched[i].table));
    }
    db::Result r = conn.Query("SELECT i, n FROM (" + BalancedUnionAll(selects) + ") ORDER BY i");
    for (uint64_t row = 0; row < r.RowCount(); ++row) {
      const Partition& p = untouched[static_cast<size_t>(r.GetInt64(row, 0))];
      if (r.GetInt64(row, 1) != p.rows)
        Add(report, "rows",
            "partition " + p.path + ": table " + p.table + " has " +
                std::to_string(r.GetInt64(row, 1)) + " rows, expected " + std::to_string(p.rows));
    }
  }
}

void CheckView(db::Connection& conn, const TablesPlace& place, const Manifest& m,
               TableVerifyReport& report) {
  const std::string view = db::QuoteIdent(place.catalog) + ".main." + db::QuoteIdent(place.view);
  db::Result d = conn.Query("DESCRIBE SELECT * FROM " + view);
  std::vector<ColumnInfo> cols;
  for (uint64_t i = 0; i < d.RowCount(); ++i)
    cols.push_back({d.GetString(i, 0), d.GetString(i, 1)});
  bool same = cols.size() == m.schema.size();
  for (size_t i = 0; same && i < cols.size(); ++i)
    same = cols[i].name == m.schema[i].name && cols[i].type == m.schema[i].type;
  if (!same) Add(report, "view", "the view main." + place.view + " has other columns");
  const int64_t n = conn.Query("SELECT count(*) FROM " + view).GetInt64(0, 0);
  if (n != m.total_rows) {
    Add(report, "view",
        "the view main." + place.view + " has " + std::to_string(n) + " rows, expected " +
            std::to_string(m.total_rows));
  }
}

}  // namespace

Manifest ReadTablesBase(db::Connection& conn, const TablesPlace& place) {
  if (!SchemaExists(conn, place.catalog, place.schema) ||
      !IsDuckpartSchema(conn, place.catalog, place.schema)) {
    throw InputError("no duckpart partition schema " + place.schema +
                     " in the database; create it with duckpart run --to-db");
  }
  TableCatalog cat = ReadTableCatalog(conn, place.catalog, place.schema);
  if (!cat.problems.empty())
    throw InputError("the catalog of schema " + place.schema +
                     " is damaged: " + cat.problems.front() + "; run duckpart validate --to-db");
  std::map<int64_t, std::string> names;
  for (const auto& p : cat.partitions) names[p.id] = p.table;
  for (auto& p : cat.manifest.partitions) {
    auto it = names.find(p.id);
    if (it == names.end())
      throw InputError("the catalog of schema " + place.schema + " names no table for partition " +
                       p.path + "; run duckpart validate --to-db");
    p.table = it->second;
  }
  return cat.manifest;
}

std::vector<Partition> NameDeltaTables(const ops::Change& change,
                                       const std::vector<Partition>& base_tables) {
  std::set<std::string> taken = LowerNames(base_tables);
  std::vector<Partition> out = change.plan.partitions;
  const size_t width = PidWidth(out.size());
  for (auto& p : out) {
    if (p.table.empty())
      p.table = UniqueName(PartitionTableName(p.id, p.keys, change.plan.fields, width), taken);
  }
  return out;
}

Plan DeltaWritePlan(const ops::Change& change) {
  Plan plan = change.plan;
  plan.partitions = change.written;
  return plan;
}

void WriteDeltaTables(db::Connection& conn, const TablesPlace& place, const ops::Change& change,
                      const std::vector<Partition>& tables,
                      const std::vector<Partition>& base_tables, const std::string& stage,
                      const std::string& select, ops::WorkMeter& meter) {
  const std::set<std::string> kept = LowerNames(tables), old = LowerNames(base_tables);
  for (const auto& p : base_tables) {
    if (kept.count(Lower(p.table))) continue;
    store::Step(store::StepKind::kRemove, "DROP TABLE " + p.table + " (in the transaction)");
    conn.Execute("DROP TABLE " + Qualified(place, p.table));
  }
  // Columns this version adds (append --allow-new-columns): every table kept gets them,
  // NULL in its rows, before the new rows go in.
  for (const auto& c : change.plan.schema) {
    if (c.added_in != change.version) continue;
    store::Step(store::StepKind::kWrite,
                "ADD COLUMN " + c.name + " to every kept table (in the transaction)");
    for (const auto& p : base_tables) {
      if (!kept.count(Lower(p.table))) continue;
      conn.Execute("ALTER TABLE " + Qualified(place, p.table) + " ADD COLUMN " +
                   db::QuoteIdent(c.name) + " " + c.type);
    }
  }
  const std::set<int64_t> written = WrittenIds(change);
  int64_t index = 0;
  for (const auto& p : tables) {
    if (!written.count(p.id)) continue;
    const auto& w = *std::find_if(change.written.begin(), change.written.end(),
                                  [&](const Partition& q) { return q.id == p.id; });
    meter.StartStep("table", index++, static_cast<int64_t>(written.size()), w.rows);
    store::Step(store::StepKind::kWrite, "table " + p.table + " (in the transaction)");
    const std::string rows =
        " SELECT " + select + " FROM " + stage + " WHERE __dp_pid = " + std::to_string(p.id);
    conn.Execute(old.count(Lower(p.table))
                     ? "INSERT INTO " + Qualified(place, p.table) + rows
                     : "CREATE TABLE " + Qualified(place, p.table) + " AS" + rows);
    meter.FinishStep();
  }
  conn.Execute("DROP VIEW IF EXISTS " + db::QuoteIdent(place.catalog) + ".main." +
               db::QuoteIdent(place.view));
  conn.Execute("DROP TABLE " + Qualified(place, kTableSpecTable));
  conn.Execute("DROP TABLE " + Qualified(place, kTablePartitionsTable));
}

void RecordDeltaHistory(Manifest& manifest, const ops::Change& change) {
  manifest.history = change.history;
  HistoryRecord r = change.record;
  r.version = change.version;
  r.time = manifest.created_at;
  manifest.history.push_back(std::move(r));
}

void RecordDeltaSeconds(Manifest& manifest, const ops::Change& change) {
  if (manifest.history.empty()) return;
  manifest.history.back().seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - change.started).count();
}

TableVerifyReport VerifyDeltaTables(db::Connection& conn, const TablesPlace& place,
                                    const Manifest& manifest, const ops::Change& change,
                                    const std::vector<Partition>& tables) {
  const std::set<int64_t> written = WrittenIds(change);
  std::vector<Partition> touched, untouched;
  Manifest sub = manifest;
  sub.total_rows = 0;
  sub.total_checksum = "0";
  for (const auto& p : tables) {
    if (!written.count(p.id)) {
      untouched.push_back(p);
      continue;
    }
    touched.push_back(p);
    sub.total_rows += p.rows;
    sub.total_checksum = util::AddChecksums(sub.total_checksum, p.checksum);
  }
  TableVerifyReport report;
  if (!touched.empty())
    report = VerifyTables(conn, place.catalog, place.schema, sub, touched, "", "");
  std::erase_if(report.problems,
                [](const ValidationProblem& p) { return p.kind == "extra_table"; });
  CheckTableSet(conn, place, tables, report);
  const bool missing =
      std::any_of(report.problems.begin(), report.problems.end(),
                  [](const ValidationProblem& p) { return p.kind == "missing_table"; });
  if (!missing) CheckUntouched(conn, place, untouched, report);  // every table can be counted
  CheckView(conn, place, manifest, report);
  return report;
}

}  // namespace duckpart::tables
