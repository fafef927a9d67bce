#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "check/verify.h"
#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/run.h"
#include "duckpart/version.h"
#include "plan/write_budget.h"
#include "write/dataset_store.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Removes the staging folder unless it was published (dismissed).
class StagingGuard {
 public:
  explicit StagingGuard(fs::path dir) : dir_(std::move(dir)) {}
  ~StagingGuard() {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  void Dismiss() { dir_.clear(); }

 private:
  fs::path dir_;
};

// One pass of the source: every row to the folder of its dense partition id. The
// settings and the passes come from the memory budget (plan/write_budget.h): a write
// whose partitions' buffers do not fit at once is split into passes over id ranges.
void WritePartitions(Workspace& ws, const Plan& plan, const RunOptions& options, bool sorted,
                     const fs::path& raw) {
  const plan::WriteBudget budget = plan::PlanWriteBudget(plan::BudgetInputOf(ws.conn(), plan, sorted));
  ws.conn().Execute(plan::SettingsSql(budget));
  for (const auto& [first, last] : budget.passes) {
    ws.conn().Execute(
        "COPY (SELECT s.*, k.__dp_pid FROM " + ws.relation() + " AS s" + KeysJoinSql(plan.fields) +
        " WHERE k.__dp_pid BETWEEN " + std::to_string(first) + " AND " + std::to_string(last) +
        (sorted ? " ORDER BY k.__dp_pid" : "") + ") TO " + db::QuoteLiteral(raw.string()) +
        " (FORMAT parquet, PARTITION_BY (__dp_pid), COMPRESSION " + db::QuoteIdent(options.compression) +
        (budget.passes.size() > 1 ? ", APPEND" : "") + ")");
  }
}

// Moves raw/__dp_pid=N/ to version/<hive path>/ and lists the files of each partition.
std::vector<ManifestPartition> PlacePartitions(const Plan& plan, const fs::path& raw,
                                               const fs::path& version) {
  std::vector<ManifestPartition> parts;
  for (const auto& p : plan.partitions) {
    const fs::path from = raw / ("__dp_pid=" + std::to_string(p.id));
    const fs::path to = version / p.path;
    if (!fs::exists(from)) throw RuntimeFailure("partition " + p.path + " was not written");
    fs::create_directories(to.parent_path());
    fs::rename(from, to);
    ManifestPartition mp{.id = p.id, .path = p.path, .keys = p.keys, .ranges = p.ranges,
                         .rows = p.rows, .checksum = p.checksum};
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(to)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const auto bytes = static_cast<int64_t>(fs::file_size(f));
      mp.files.push_back({(fs::path(p.path) / f.filename()).string(), 0, bytes});
      mp.bytes += bytes;
    }
    parts.push_back(std::move(mp));
  }
  return parts;
}

// Rewrites a partition's files as one file, ordered by `sort_columns` when given.
void RewritePartition(Workspace& ws, ManifestPartition& p, const fs::path& root, const RunOptions& options,
                      const std::vector<std::string>& sort_columns) {
  std::string list;
  for (const auto& f : p.files) list += (list.empty() ? "" : ", ") + db::QuoteLiteral((root / f.path).string());
  std::string order;
  for (const auto& c : sort_columns) order += (order.empty() ? " ORDER BY " : ", ") + db::QuoteIdent(c);
  const fs::path out = root / p.path / "part-0.parquet.tmp";
  // hive_partitioning off: the path must never override the files' own values
  ws.conn().Execute("COPY (SELECT * FROM read_parquet([" + list + "], hive_partitioning = false)" + order +
                    ") TO " + db::QuoteLiteral(out.string()) + " (FORMAT parquet, COMPRESSION " +
                    db::QuoteIdent(options.compression) + ")");
  for (const auto& f : p.files) fs::remove(root / f.path);
  const fs::path final_path = root / p.path / "part-0.parquet";
  fs::rename(out, final_path);
  const auto bytes = static_cast<int64_t>(fs::file_size(final_path));
  p.files = {{(fs::path(p.path) / "part-0.parquet").string(), 0, bytes}};
  p.bytes = bytes;
}

// Makes each partition one file where its writer left several smaller than the target
// file size in all (two threads met at a partition, or a flush), and orders the rows of
// every partition when --sort-by is given: DuckDB's partitioned write does not keep row
// order (measured: 24 of 24 month files out of order; duckdb issue #14349), a plain
// COPY with ORDER BY does. Returns how many partitions it rewrote.
int64_t CompactPartitions(Workspace& ws, std::vector<ManifestPartition>& parts, const fs::path& root,
                          const RunOptions& options, const std::vector<std::string>& sort_columns) {
  int64_t rewritten = 0;
  if (!sort_columns.empty()) ws.conn().Execute("SET preserve_insertion_order = true");
  for (auto& p : parts) {
    const bool merge = p.files.size() > 1 && p.bytes < options.target_file_size;
    if (!merge && sort_columns.empty()) continue;
    RewritePartition(ws, p, root, options, sort_columns);
    ++rewritten;
  }
  if (!sort_columns.empty()) ws.conn().Execute("SET preserve_insertion_order = false");
  return rewritten;
}

Manifest MakeManifest(const Plan& plan, std::vector<ManifestPartition> parts, int64_t version) {
  Manifest m{.version = version, .created_at = NowUtc(), .source = plan.source, .spec = plan.spec,
             .fields = plan.fields, .schema = plan.schema, .total_rows = plan.total_rows,
             .total_checksum = plan.total_checksum};
  m.partitions = std::move(parts);
  for (const auto& p : m.partitions) m.total_bytes += p.bytes;
  return m;
}

void Verify(Workspace& ws, const fs::path& version, Manifest& m) {
  check::VerifyReport report = check::VerifyParquet(ws.conn(), version.string(), m);
  if (!report.ok()) {
    std::string what = "the written data does not match the source; nothing was published: " +
                       report.problems.front();
    if (report.problems.size() > 1) what += " (and " + std::to_string(report.problems.size() - 1) + " more)";
    throw CheckFailed(what);
  }
  for (auto& p : m.partitions) {
    for (auto& f : p.files) f.rows = report.files[f.path].rows;
  }
}

}  // namespace

std::string StoreDirOf(const std::string& target) {
  return write::DatasetStore(target).store().string();
}

void CheckParquetTarget(const RunOptions& options, const SourceOptions& source) {
  if (options.target.empty()) throw InputError("--to DIR is required");
  write::DatasetStore store(options.target);
  switch (store.Inspect()) {
    case write::DatasetStore::TargetState::kForeign:
      throw InputError("target '" + options.target +
                       "' exists and is not a duckpart dataset; choose a new or empty folder");
    case write::DatasetStore::TargetState::kDataset:
      if (!options.replace) {
        throw InputError("target '" + options.target + "' already holds a dataset; add --replace to replace it");
      }
      break;
    default:
      break;
  }
  if (!fs::exists(store.target().parent_path())) {
    throw InputError("the folder of target '" + options.target + "' does not exist");
  }
  std::error_code ec;
  if (!source.db_path.empty() && fs::exists(store.target(), ec) &&
      fs::equivalent(fs::absolute(source.db_path).parent_path(), store.target(), ec)) {
    throw InputError("the target may not be the folder of the source database");
  }
}

RunResult RunToParquet(Workspace& ws, const Spec& spec, const RunOptions& options,
                       const PhaseCallback& on_phase) {
  const auto start = Clock::now();
  auto phase = [&](const char* name) {
    if (on_phase) on_phase(name);
  };
  CheckParquetTarget(options, ws.source());
  ws.ColumnList(options.sort_by, "--sort-by");
  write::DatasetStore store(options.target);

  // Plan before taking the lock: a spec that does not fit the source fails here and
  // leaves nothing beside the target.
  RunResult result;
  phase("plan");
  auto t = Clock::now();
  result.plan = MakePlan(ws, spec, options.plan);
  result.plan_seconds = Since(t);

  write::StoreLock lock(store);
  CheckParquetTarget(options, ws.source());  // again, now that we hold the lock
  store.RemoveLeftovers();  // what a killed run left: its staging folder, a superseded version

  const fs::path staging = store.NewStaging();
  StagingGuard guard(staging);
  const int64_t version = store.NextVersion();
  const fs::path raw = staging / "raw", data = staging / "data";
  fs::create_directories(data);
  const bool sorted = static_cast<int64_t>(result.plan.partitions.size()) > options.sorted_write_threshold;
  result.strategy = sorted ? "sorted" : "direct";

  phase("write");
  t = Clock::now();
  if (!result.plan.partitions.empty()) WritePartitions(ws, result.plan, options, sorted, raw);
  auto parts = result.plan.partitions.empty() ? std::vector<ManifestPartition>{}
                                              : PlacePartitions(result.plan, raw, data);
  result.merged_partitions = CompactPartitions(ws, parts, data, options, ws.ColumnList(options.sort_by, "--sort-by"));
  fs::remove_all(raw);
  result.manifest = MakeManifest(result.plan, std::move(parts), version);
  result.write_seconds = Since(t);
  for (const auto& p : result.manifest.partitions) result.files += static_cast<int64_t>(p.files.size());

  if (options.verify) {
    phase("verify");
    t = Clock::now();
    Verify(ws, data, result.manifest);
    result.verify_seconds = Since(t);
  }
  phase("publish");
  WriteManifest(data.string(), result.manifest);
  fs::rename(data, store.VersionDir(version));
  store.Publish(version);  // the commit point
  guard.Dismiss();
  store.RemoveLeftovers();  // the superseded version and this staging folder
  result.total_seconds = Since(start);
  return result;
}

}  // namespace duckpart
