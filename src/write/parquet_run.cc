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

std::string JoinCondition(const std::vector<ResolvedField>& fields) {
  std::string on;
  for (size_t i = 0; i < fields.size(); ++i) {
    on += (i ? " AND " : "") + std::string("(") + fields[i].key_sql + ") IS NOT DISTINCT FROM k.__dp_k" +
          std::to_string(i);
  }
  return on;
}

std::string OrderBy(const RunOptions& options, bool sorted) {
  std::string order;
  if (sorted) order = "k.pid";
  if (!options.sort_by.empty()) {
    size_t start = 0;
    while (start <= options.sort_by.size()) {
      size_t comma = options.sort_by.find(',', start);
      if (comma == std::string::npos) comma = options.sort_by.size();
      std::string col = options.sort_by.substr(start, comma - start);
      col.erase(0, col.find_first_not_of(' '));
      col.erase(col.find_last_not_of(' ') + 1);
      if (!col.empty()) order += (order.empty() ? "" : ", ") + std::string("s.") + db::QuoteIdent(col);
      start = comma + 1;
    }
  }
  return order.empty() ? "" : " ORDER BY " + order;
}

// One pass of the source: every row to the folder of its dense partition id.
void WritePartitions(Workspace& ws, const Plan& plan, const RunOptions& options, bool sorted,
                     const fs::path& raw) {
  if (sorted) {
    // Sorted input reaches each partition's writer in one run, so few buffers are open
    // at once whatever the partition count.
    ws.conn().Execute("SET partitioned_write_flush_threshold = 131072");
  }
  ws.conn().Execute(
      "COPY (SELECT s.*, k.pid AS __dp_pid FROM " + ws.relation() + " AS s JOIN __duckpart_keys AS k ON " +
      JoinCondition(plan.fields) + OrderBy(options, sorted) + ") TO " + db::QuoteLiteral(raw.string()) +
      " (FORMAT parquet, PARTITION_BY (__dp_pid), COMPRESSION " + db::QuoteIdent(options.compression) + ")");
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
  if (!source.db_path.empty() && fs::exists(source.db_path) &&
      fs::equivalent(fs::absolute(source.db_path).parent_path(), store.target()) ) {
    throw InputError("the target may not be the folder of the source database");
  }
}

RunResult RunToParquet(Workspace& ws, const Spec& spec, const RunOptions& options,
                       const PhaseCallback& on_phase) {
  const auto start = Clock::now();
  auto phase = [&](const char* name) { if (on_phase) on_phase(name); };
  CheckParquetTarget(options, ws.source());
  write::DatasetStore store(options.target);
  write::StoreLock lock(store);
  CheckParquetTarget(options, ws.source());  // again, now that we hold the lock

  RunResult result;
  phase("plan");
  auto t = Clock::now();
  result.plan = MakePlan(ws, spec, options.plan);
  result.plan_seconds = Since(t);

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
