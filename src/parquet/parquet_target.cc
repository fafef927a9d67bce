#include "parquet/parquet_target.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "manifest/from_plan.h"
#include "parquet/file_split.h"
#include "parquet/nested_targets.h"
#include "parquet/shared_version.h"
#include "parquet/user_files.h"
#include "parquet/verify.h"
#include "parquet/write_probe.h"
#include "plan/path_limits.h"
#include "plan/type_table.h"
#include "plan/workspace_access.h"
#include "plan/write_budget.h"
#include "store/fault.h"
#include "store/version_retention.h"

namespace duckpart {
namespace fs = std::filesystem;
namespace parquet {
namespace {

// The rows of the plan's partitions of ids first..last.
int64_t RowsOf(const Plan& plan, int64_t first, int64_t last) {
  int64_t rows = 0;
  for (const auto& p : plan.partitions) {
    if (p.id >= first && p.id <= last) rows += p.rows;
  }
  return rows;
}

// One pass of the change's rows per budget pass: every row to the folder of its dense
// partition id. The settings and the passes come from the memory budget
// (plan/write_budget.h): a write whose partitions' buffers do not fit at once is split into
// passes over ranges of partition ids.
void WritePartitions(db::Connection& conn, const ops::Change& change, const RunOptions& options,
                     const plan::WriteBudget& budget, bool sorted, const fs::path& raw,
                     ops::WorkMeter& meter) {
  conn.Execute(plan::SettingsSql(budget));
  const std::string version = store::DatasetStore::VersionName(change.version);
  const bool passes = budget.passes.size() > 1;
  for (size_t i = 0; i < budget.passes.size(); ++i) {
    const auto& [first, last] = budget.passes[i];
    std::string rows = "SELECT * FROM (" + change.rows_sql + ")";
    if (passes)
      rows += " WHERE __dp_pid BETWEEN " + std::to_string(first) + " AND " + std::to_string(last);
    if (sorted) rows += " ORDER BY __dp_pid";
    // File names carry the version (and the pass), so no name is ever reused: a reader that
    // reopens a path after a swap finds its own file or none, never another version's bytes.
    const std::string pattern =
        "part-" + version + (passes ? "-p" + std::to_string(i) : "") + "-{i}";
    store::Step(store::StepKind::kWrite, "partitioned COPY into " + raw.string());
    meter.StartStep(passes ? "pass" : "copy", static_cast<int64_t>(i),
                    static_cast<int64_t>(budget.passes.size()), RowsOf(change.plan, first, last));
    WriteProbe probe(meter, raw, change.plan, first, last, sorted);
    conn.Execute("COPY (" + rows + ") TO " + db::QuoteLiteral(raw.string()) +
                 " (FORMAT parquet, PARTITION_BY (__dp_pid), FILENAME_PATTERN " +
                 db::QuoteLiteral(pattern) + ", COMPRESSION " +
                 db::QuoteIdent(options.compression) + (passes ? ", OVERWRITE_OR_IGNORE" : "") +
                 ")");
    meter.FinishStep();
  }
}

// Moves raw/__dp_pid=N/ to version/<hive path>/ and lists the files of each partition.
std::vector<Partition> PlacePartitions(const Plan& plan, const fs::path& raw,
                                       const fs::path& version) {
  std::vector<Partition> parts;
  for (const auto& planned : plan.partitions) {
    const fs::path from = raw / ("__dp_pid=" + std::to_string(planned.id));
    const fs::path to = version / planned.path;
    if (!fs::exists(from)) throw RuntimeFailure("partition " + planned.path + " was not written");
    fs::create_directories(to.parent_path());
    store::Step(store::StepKind::kRename, from.string() + " -> " + to.string());
    fs::rename(from, to);
    Partition p = planned;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(to)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const auto bytes = static_cast<int64_t>(fs::file_size(f));
      p.files.push_back({(fs::path(p.path) / f.filename()).string(), 0, bytes});
      p.bytes += bytes;
    }
    parts.push_back(std::move(p));
  }
  return parts;
}

// Rewrites a partition's files as one file, ordered by `sort_columns` when given.
void RewritePartition(db::Connection& conn, Partition& p, const fs::path& root,
                      const RunOptions& options, const std::vector<std::string>& sort_columns,
                      const std::string& file_name) {
  std::string list;
  for (const auto& f : p.files)
    list += (list.empty() ? "" : ", ") + db::QuoteLiteral((root / f.path).string());
  std::string order;
  for (const auto& c : sort_columns)
    order += (order.empty() ? " ORDER BY " : ", ") + db::QuoteIdent(c);
  const fs::path out = root / p.path / (file_name + ".tmp");
  store::Step(store::StepKind::kWrite, out.string());
  // hive_partitioning off: the path must never override the files' own values
  conn.Execute("COPY (SELECT * FROM read_parquet([" + list + "], hive_partitioning = false)" +
               order + ") TO " + db::QuoteLiteral(out.string()) + " (FORMAT parquet, COMPRESSION " +
               db::QuoteIdent(options.compression) + ")");
  store::Step(store::StepKind::kRemove, "the split files of " + p.path);
  for (const auto& f : p.files) fs::remove(root / f.path);
  const fs::path final_path = root / p.path / file_name;
  store::Step(store::StepKind::kRename, out.string() + " -> " + final_path.string());
  fs::rename(out, final_path);
  const auto bytes = static_cast<int64_t>(fs::file_size(final_path));
  p.files = {{(fs::path(p.path) / file_name).string(), 0, bytes}};
  p.bytes = bytes;
}

// Makes each partition one file where its writer left several smaller than the target
// file size in all (two threads met at a partition, or a flush), and orders the rows of
// every partition when --sort-by is given: DuckDB's partitioned write does not keep row
// order (measured: 24 of 24 month files out of order; duckdb issue #14349), a plain
// COPY with ORDER BY does. Returns how many partitions it rewrote.
int64_t CompactPartitions(db::Connection& conn, std::vector<Partition>& parts, const fs::path& root,
                          const RunOptions& options, const std::vector<std::string>& sort_columns,
                          int64_t version, ops::WorkMeter& meter) {
  const std::string file_name =
      "part-" + store::DatasetStore::VersionName(version) + "-all.parquet";
  auto rewrite = [&](const Partition& p) {
    return !sort_columns.empty() || (p.files.size() > 1 && p.bytes < options.target_file_size);
  };
  int64_t count = 0, merge_rows = 0;
  for (const auto& p : parts) {
    if (!rewrite(p)) continue;
    ++count;
    merge_rows += p.rows;
  }
  // A sort's rewrite was counted as work from the start (every row); merges only now.
  if (sort_columns.empty()) meter.AddWork(merge_rows);
  int64_t rewritten = 0;
  if (!sort_columns.empty()) conn.Execute("SET preserve_insertion_order = true");
  for (auto& p : parts) {
    if (!rewrite(p)) continue;
    meter.StartStep(sort_columns.empty() ? "merge" : "sort", rewritten, count, p.rows);
    RewritePartition(conn, p, root, options, sort_columns, file_name);
    meter.AddBytes(p.bytes);
    meter.FinishStep();
    ++rewritten;
  }
  if (!sort_columns.empty()) conn.Execute("SET preserve_insertion_order = false");
  return rewritten;
}

}  // namespace

store::RetentionPolicy RetentionOf(const RunOptions& options) {
  return {.keep_versions = options.keep_versions, .grace_seconds = options.version_grace_seconds};
}

ParquetTarget::ParquetTarget(Workspace& ws, const RunOptions& options, const Attempt& attempt)
    : ws_(ws), options_(options), force_sorted_(attempt.force_sorted), store_(options.target) {}

ParquetTarget::~ParquetTarget() {
  std::error_code ec;
  if (!staging_.empty()) fs::remove_all(staging_, ec);
  // A first run that failed leaves no store (lock, marker, spill folder) behind: all of it
  // is this run's, and no link points into it.
  if (made_store_ && !fs::exists(fs::symlink_status(store_.target(), ec))) {
    lock_.reset();
    fs::remove_all(store_.store(), ec);
  }
}

void ParquetTarget::Check() {
  CheckParquetTarget(options_, ws_.source());
  ws_.ColumnList(options_.sort_by, "--sort-by");
  plan::CheckParquetTypes(ws_);  // values the Parquet writer would lose: refused before work
}

void ParquetTarget::CheckPlan(const ops::Change& change) {
  plan::CheckPathSegments(change.plan);  // every partition's folder name fits the filesystem
}

void ParquetTarget::Stage(ops::Change& change) {
  std::error_code ec;
  made_store_ = !fs::exists(store_.store(), ec);
  lock_ = std::make_unique<store::StoreLock>(store_);
  CheckParquetTarget(options_, ws_.source());  // again, now that we hold the lock
  if (change.base_version && store_.CurrentVersion() != change.base_version) {
    throw BusyError("another process published a new version of '" + options_.target +
                    "' while this one was planned; run the command again");
  }
  if (!change.base_version) ReplacedHistory(change);
  store_.RemoveLeftovers();  // what a killed run left: its staging folder, a superseded version
  staging_ = store_.NewStaging();
  change.version = store_.NextVersion();
  data_ = staging_ / "data";
  fs::create_directories(data_);
  const Plan written = change.base_version ? WrittenPlan(change) : Plan{};
  const Plan& to_write = change.base_version ? written : change.plan;
  const bool sorted = force_sorted_ || static_cast<int64_t>(to_write.partitions.size()) >
                                           options_.sorted_write_threshold;
  change.strategy = sorted ? "sorted" : "direct";
  // Refused here, before any write, when even one partition's buffers do not fit.
  budget_ = plan::PlanWriteBudget(plan::BudgetInputOf(WorkspaceConnection(ws_), to_write, sorted));
}

void ParquetTarget::ReplacedHistory(ops::Change& change) const {
  const auto current = store_.CurrentVersion();
  if (!current) return;
  try {
    const Manifest old = ReadManifest(store_.VersionDir(*current).string());
    change.history = HistoryOf(old);
    change.record.rows_removed = old.total_rows;
    change.record.bytes_removed = old.total_bytes;
  } catch (const InputError&) {
    // an unreadable manifest does not stop a replace; the history starts again
  }
}

void ParquetTarget::RecordHistory(const ops::Change& change, int64_t bytes_added) {
  manifest_.history = change.history;
  HistoryRecord r = change.record;
  r.version = change.version;
  r.time = manifest_.created_at;
  r.bytes_added = bytes_added;
  manifest_.history.push_back(std::move(r));
}

// A version on the base: only the written partitions' rows are written (one file each);
// every file of the base is shared.
void ParquetTarget::WriteOnBase(ops::Change& change) {
  db::Connection& conn = WorkspaceConnection(ws_);
  const fs::path raw = staging_ / "raw";
  const Plan written = WrittenPlan(change);
  std::vector<Partition> fresh;
  if (!written.partitions.empty()) {
    ops::Change w{.plan = written, .rows_sql = change.rows_sql, .version = change.version};
    ops::WorkMeter& work = meter();
    WritePartitions(conn, w, options_, budget_, change.strategy == "sorted", raw, work);
    work.StartStep("place", 0, 1, 0);
    fresh = PlacePartitions(written, raw, data_);
    RunOptions one_file = options_;
    one_file.target_file_size = std::numeric_limits<int64_t>::max();
    rewritten_ = change.file_bytes > 0
                     ? SplitFiles(conn, fresh, change.plan.schema, data_,
                                  {change.file_bytes, options_.compression, change.version}, work)
                     : CompactPartitions(conn, fresh, data_, one_file, {}, change.version, work);
  }
  fs::remove_all(raw);
  int64_t bytes_added = 0;
  for (const auto& p : fresh) bytes_added += p.bytes;
  manifest_ = ManifestFromPlan(
      change.plan, ShareFiles(change, fresh, store_.VersionDir(*change.base_version), data_),
      change.version);
  RecordHistory(change, bytes_added);
}

void ParquetTarget::Write(ops::Change& change) {
  if (change.base_version) return WriteOnBase(change);
  db::Connection& conn = WorkspaceConnection(ws_);
  const fs::path raw = staging_ / "raw";
  std::vector<Partition> parts;
  ops::WorkMeter& work = meter();
  const auto sort_columns = ws_.ColumnList(options_.sort_by, "--sort-by");
  // Rewriting partitions is work too: a sort (--sort-by) rewrites every row.
  if (!sort_columns.empty()) work.AddWork(change.plan.total_rows);
  if (!change.plan.partitions.empty()) {
    WritePartitions(conn, change, options_, budget_, change.strategy == "sorted", raw, work);
    work.StartStep("place", 0, 1, 0);
    parts = PlacePartitions(change.plan, raw, data_);
  }
  rewritten_ = CompactPartitions(conn, parts, data_, options_, sort_columns, change.version, work);
  fs::remove_all(raw);
  manifest_ = ManifestFromPlan(change.plan, std::move(parts), change.version);
  RecordHistory(change, manifest_.total_bytes);
}

void ParquetTarget::Verify(ops::Change& change) {
  // What the base version's files prove by identity is not read again.
  const Manifest read =
      change.base_version
          ? FilesToVerify(change, manifest_, store_.VersionDir(*change.base_version), data_)
          : manifest_;
  ops::WorkMeter& work = meter();
  const VerifyReport report = VerifyParquet(WorkspaceConnection(ws_), data_.string(), read,
                                            [&work](size_t batch, size_t batches, int64_t rows) {
                                              if (batch > 0) work.FinishStep();
                                              work.StartStep("batch", static_cast<int64_t>(batch),
                                                             static_cast<int64_t>(batches), rows);
                                            });
  if (!report.ok()) {
    std::string what = "the written data does not match the source; nothing was published: " +
                       report.problems.front().message;
    if (report.problems.size() > 1)
      what += " (and " + std::to_string(report.problems.size() - 1) + " more)";
    throw CheckFailed(what);
  }
  for (auto& p : manifest_.partitions) {
    for (auto& f : p.files) {
      if (const auto it = report.files.find(f.path); it != report.files.end())
        f.rows = it->second.rows;
    }
  }
}

void ParquetTarget::Commit(ops::Change& change) {
  if (!manifest_.history.empty()) {
    manifest_.history.back().seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - change.started).count();
    manifest_.history.back().peak_memory_bytes = change.record.peak_memory_bytes;
    manifest_.history.back().spill_bytes = change.record.spill_bytes;
    manifest_.history.back().memory_limit_bytes = change.record.memory_limit_bytes;
  }
  WriteManifest(data_.string(), manifest_);
  store::Step(store::StepKind::kRename,
              data_.string() + " -> " + store_.VersionDir(change.version).string());
  fs::rename(data_, store_.VersionDir(change.version));
  store_.Publish(change.version);  // the commit point
}

bool ParquetTarget::Committed(const ops::Change& change) noexcept {
  try {
    return store_.CurrentVersion() == change.version;
  } catch (...) {
    return false;
  }
}

void ParquetTarget::Finish(const ops::Change& change, std::vector<std::string>& warnings) noexcept {
  staging_.clear();  // published: the staging folder (now empty) goes with the leftovers
  try {
    // Records the version as published (recover then never takes it for unfinished work) and
    // removes this staging folder and the superseded versions the policy no longer keeps.
    store::FinishPublish(store_, change.version, RetentionOf(options_));
  } catch (const std::exception& e) {
    warnings.push_back(
        std::string("published, but superseded versions past their grace period were not "
                    "removed (run duckpart cleanup): ") +
        e.what());
  }
}

int64_t ParquetTarget::files() const {
  int64_t n = 0;
  for (const auto& p : manifest_.partitions) n += static_cast<int64_t>(p.files.size());
  return n;
}

}  // namespace parquet

std::string StoreDirOf(const std::string& target) {
  return store::DatasetStore(target).store().string();
}

void CheckParquetTarget(const RunOptions& options, const SourceOptions& source) {
  if (options.target.empty()) throw InputError("--to DIR is required");
  store::CheckRetentionPolicy(parquet::RetentionOf(options));
  store::DatasetStore store(options.target);
  switch (store.Inspect()) {
    case store::DatasetStore::TargetState::kForeign:
      throw InputError("target '" + options.target +
                       "' exists and is not a duckpart dataset; choose a new or empty folder");
    case store::DatasetStore::TargetState::kDataset:
      if (!options.replace) {
        throw InputError("target '" + options.target +
                         "' already holds a dataset; add --replace to replace it");
      }
      break;
    default:
      break;
  }
  if (!fs::exists(store.target().parent_path())) {
    throw InputError("the folder of target '" + options.target +
                     "' does not exist; create it (mkdir -p " +
                     store.target().parent_path().string() + ") and run again");
  }
  // The store and the link live in that folder: found here, before any work.
  if (::access(store.target().parent_path().c_str(), W_OK) != 0 &&
      (errno == EACCES || errno == EPERM || errno == EROFS)) {
    throw InputError("cannot write in the folder of '" + options.target +
                     "': " + std::strerror(errno));
  }
  if (!store.IsOurs()) {
    throw InputError("'" + store.store().string() +
                     "' exists and was not made by duckpart; move it away or "
                     "choose another target name");
  }
  if (store.Inspect() != store::DatasetStore::TargetState::kDataset) {
    const auto others = store.OtherLinks();
    if (!others.empty()) {
      throw InputError("the store '" + store.store().filename().string() +
                       "' holds the dataset now at '" + others.front().first.filename().string() +
                       "' (renamed or moved); choose another target name");
    }
  }
  parquet::CheckNesting(store, options.target, source);
  parquet::CheckNoUserFiles(store, options.target);  // --replace keeps what is not duckpart's
  std::error_code ec;
  if (!source.db_path.empty() && fs::exists(store.target(), ec) &&
      fs::equivalent(fs::absolute(source.db_path).parent_path(), store.target(), ec)) {
    throw InputError("the target may not be the folder of the source database");
  }
}

}  // namespace duckpart
