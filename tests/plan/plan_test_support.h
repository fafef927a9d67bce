// Helpers shared by the planner tests: source databases built by SQL, planning a table,
// and reading plans and hand-written GROUP BYs into comparable maps.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/plan.h"
#include "duckpart/source.h"
#include "duckpart/spec.h"
#include "plan/workspace_access.h"
#include "support/temp_dir.h"

namespace duckpart::testing {

// Path values of one partition (per field, nullopt = NULL) -> a count or checksum.
using Keys = std::vector<std::optional<std::string>>;
using KeyCounts = std::map<Keys, int64_t>;
using KeyChecksums = std::map<Keys, std::string>;

__extension__ typedef __int128 Int128;

inline Int128 ParseInt128(const std::string& text) {
  Int128 v = 0;
  bool negative = false;
  for (char c : text) {
    if (c == '-') {
      negative = true;
    } else {
      EXPECT_TRUE(c >= '0' && c <= '9') << "not a decimal integer: " << text;
      v = v * 10 + (c - '0');
    }
  }
  return negative ? -v : v;
}

inline std::string Int128ToString(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string out;
  while (v != 0) {
    const int digit = static_cast<int>(v % 10);
    out.insert(out.begin(), static_cast<char>('0' + (negative ? -digit : digit)));
    v /= 10;
  }
  return negative ? "-" + out : out;
}

// One in-memory DuckDB per test process that builds the source files: opening an
// instance costs more than the tests' small tables.
inline db::Connection& BuilderConnection() {
  static db::Database database(db::DatabaseOptions{.memory_limit = "256MB", .threads = 2});
  static db::Connection conn(database);
  return conn;
}

// Creates `file` in `dir` by running `sql` (which should create table t), and detaches
// it again so that the planner can attach it read-only.
inline std::string MakeSourceDb(const TempDir& dir, const std::string& sql,
                                const std::string& file = "source.db") {
  const std::string path = dir / file;
  db::Connection& conn = BuilderConnection();
  conn.Execute("ATTACH " + db::QuoteLiteral(path) + " AS __test_source; USE __test_source");
  try {
    conn.Execute(sql);
  } catch (...) {
    conn.Execute("USE memory; DETACH __test_source");
    throw;
  }
  conn.Execute("USE memory; DETACH __test_source");
  return path;
}

// A workspace over table t of a source database, and its plan.
struct Planned {
  std::unique_ptr<Workspace> ws;
  Plan plan;
};

inline EngineOptions TestEngine(const std::string& timezone = "UTC") {
  EngineOptions e;
  e.memory_limit = "512MB";
  e.threads = 2;
  e.timezone = timezone;
  return e;
}

inline Planned PlanTable(const std::string& db_path, const std::string& spec,
                         const EngineOptions& engine = TestEngine(),
                         const PlanOptions& options = PlanOptions{},
                         const std::string& table = "t") {
  Planned out;
  out.ws = std::make_unique<Workspace>(SourceOptions{.db_path = db_path, .table = table}, engine);
  out.plan = MakePlan(*out.ws, ParseSpec(spec), options);
  return out;
}

// Builds a fresh source (table t from `sql`) and plans it.
struct Scenario {
  TempDir dir;
  std::string db_path;
  Planned planned;
  Scenario(const std::string& sql, const std::string& spec,
           const EngineOptions& engine = TestEngine(), const PlanOptions& options = PlanOptions{})
      : db_path(MakeSourceDb(dir, sql)), planned(PlanTable(db_path, spec, engine, options)) {}
  Plan& plan() { return planned.plan; }
  Workspace& ws() { return *planned.ws; }
  // Plans another spec over the same source and workspace.
  Plan Replan(const std::string& spec, const PlanOptions& options = PlanOptions{}) {
    return MakePlan(ws(), ParseSpec(spec), options);
  }
};

inline KeyCounts PlanCounts(const Plan& plan) {
  KeyCounts out;
  for (const auto& p : plan.partitions) out[p.keys] += p.rows;
  return out;
}

inline KeyChecksums PlanChecksums(const Plan& plan) {
  KeyChecksums out;
  for (const auto& p : plan.partitions) out[p.keys] = p.checksum;
  return out;
}

// Runs a query whose first `key_columns` columns are path values (VARCHAR or NULL) and
// whose next column is a count.
inline KeyCounts QueryCounts(db::Connection& conn, const std::string& sql, size_t key_columns) {
  db::Result r = conn.Query(sql);
  KeyCounts out;
  for (uint64_t row = 0; row < r.RowCount(); ++row) {
    Keys keys;
    for (size_t i = 0; i < key_columns; ++i) keys.push_back(r.GetOptionalString(row, i));
    const bool inserted = out.emplace(keys, r.GetInt64(row, key_columns)).second;
    EXPECT_TRUE(inserted) << "the hand-written GROUP BY returned a group twice";
  }
  return out;
}

// GROUP BY over table t of the plan's workspace (the source is attached as src).
inline KeyCounts HandGroupBy(Workspace& ws, const std::vector<std::string>& label_exprs,
                             const std::string& where = "") {
  std::string select, group;
  for (size_t i = 0; i < label_exprs.size(); ++i) {
    select += label_exprs[i] + " AS __g" + std::to_string(i) + ", ";
    group += (i ? ", " : "") + std::string("__g") + std::to_string(i);
  }
  return QueryCounts(WorkspaceConnection(ws),
                     "SELECT " + select + "count(*) FROM " + ws.relation() + " AS s" +
                         (where.empty() ? "" : " WHERE " + where) + " GROUP BY " + group,
                     label_exprs.size());
}

inline KeyCounts HandGroupBy(Workspace& ws, const std::string& label_expr) {
  return HandGroupBy(ws, std::vector<std::string>{label_expr});
}

inline int64_t SumRows(const Plan& plan) {
  int64_t sum = 0;
  for (const auto& p : plan.partitions) sum += p.rows;
  return sum;
}

inline std::string SumChecksums(const Plan& plan) {
  Int128 sum = 0;
  for (const auto& p : plan.partitions) sum += ParseInt128(p.checksum);
  return Int128ToString(sum);
}

// The checksum of the whole source, computed without the planner.
inline std::string SourceChecksum(Workspace& ws) {
  std::string cols;
  for (const auto& c : ws.columns())
    cols += (cols.empty() ? "" : ", ") + std::string("s.\"") + c.name + "\"";
  db::Result r = WorkspaceConnection(ws).Query("SELECT CAST(coalesce(sum(CAST(hash(" + cols +
                                               ") AS HUGEINT)), 0) AS VARCHAR) FROM " +
                                               ws.relation() + " AS s");
  return r.GetString(0, 0);
}

inline int64_t SourceRows(Workspace& ws) {
  return WorkspaceConnection(ws).Query("SELECT count(*) FROM " + ws.relation()).GetInt64(0, 0);
}

inline Keys K(std::optional<std::string> a) { return Keys{std::move(a)}; }
inline Keys K(std::optional<std::string> a, std::optional<std::string> b) {
  return Keys{std::move(a), std::move(b)};
}

// The message of the InputError `f` throws, or a failure when it throws none.
template <typename F>
std::string InputErrorOf(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return "";
}

// Runs a rapidcheck property with a bounded number of cases, so that tests touching
// DuckDB stay quick. RC_PARAMS still sets the seed for reproduction.
template <typename Testable>
bool CheckProperty(const std::string& description, int max_success, int max_size,
                   Testable&& testable) {
  auto params = rc::detail::configuration().testParams;
  // RC_PARAMS="max_success=500" (anything but the default 100) still asks for more.
  if (params.maxSuccess == rc::detail::TestParams{}.maxSuccess) params.maxSuccess = max_success;
  if (params.maxSize == rc::detail::TestParams{}.maxSize) params.maxSize = max_size;
  rc::detail::TestMetadata metadata;
  metadata.id = description;
  metadata.description = description;
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  rc::detail::printResultMessage(result, std::cerr);
  std::cerr << std::endl;
  return result.template is<rc::detail::SuccessResult>();
}

}  // namespace duckpart::testing
