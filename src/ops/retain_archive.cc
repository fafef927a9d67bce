#include "ops/retain_archive.h"

#include <filesystem>

#include "db/sql.h"
#include "duckpart/append.h"
#include "duckpart/error.h"
#include "duckpart/run_request.h"
#include "ops/parquet_base.h"
#include "ops/run_drive.h"
#include "ops/run_operation.h"
#include "plan/keys.h"
#include "plan/type_table.h"
#include "plan/workspace_access.h"
#include "store/dataset_store.h"
#include "util/checksum_sum.h"

namespace duckpart::ops {
namespace {

namespace fs = std::filesystem;

// A run that records a batch id, so that the run creating the archive counts as its batch.
class BatchRunOperation : public Operation {
 public:
  BatchRunOperation(Spec spec, std::string batch_id)
      : run_(std::move(spec), PlanOptions{}), batch_id_(std::move(batch_id)) {}
  Change Plan(Workspace& ws, WorkMeter& meter) override {
    Change change = run_.Plan(ws, meter);
    change.record.batch_id = batch_id_;
    return change;
  }

 private:
  RunOperation run_;
  const std::string batch_id_;
};

// The dataset's own path (its folder resolved, not the link to the current version).
std::string Canonical(const std::string& path) {
  const fs::path abs = fs::absolute(path).lexically_normal();
  std::error_code ec;
  const fs::path parent = fs::weakly_canonical(abs.parent_path(), ec);
  return ((ec ? abs.parent_path() : parent) / abs.filename()).string();
}

struct Dropped {
  int64_t rows = 0;
  std::string checksum = "0";
};

Dropped Sum(const std::vector<Partition>& dropped) {
  Dropped d;
  for (const auto& p : dropped) {
    d.rows += p.rows;
    d.checksum = util::AddChecksums(d.checksum, p.checksum);
  }
  return d;
}

// "retain of <source> v<N>: <rows> rows, checksum <c>", the path cut to fit 256 bytes.
std::string BatchId(const std::string& source_dir, int64_t version, const Dropped& d) {
  const std::string tail = " v" + std::to_string(version) + ": " + std::to_string(d.rows) +
                           " rows, checksum " + d.checksum;
  std::string path = Canonical(source_dir);
  const size_t room = 256 - std::string("retain of ").size() - tail.size();
  if (path.size() > room) path = "..." + path.substr(path.size() - room + 3);
  return "retain of " + path + tail;
}

std::optional<BaseVersion> ExistingArchive(const std::string& dest) {
  if (!fs::exists(fs::symlink_status(dest))) return std::nullopt;
  return CurrentParquetVersion(dest);  // InputError when it is not a dataset
}

int64_t Create(const std::string& dest, const Manifest& source, const SourceOptions& rows,
               const std::string& batch_id, const EngineOptions& engine,
               const OperationControl& control) {
  RunRequest run{.source = rows, .engine = engine, .spec = source.spec};
  run.parquet = RunOptions{.target = dest};
  run = ResolveRunRequest(run);
  BatchRunOperation op(source.spec, batch_id);
  return DriveRun(run, op, control).parquet.manifest.version;
}

// The archive's record of the dropped rows, in the archive's own hashing: when the dataset
// has added columns, its checksums leave out trailing NULL ones (RowHashSql) and the
// archive's may not, so the rows are read once to tie the two: their checksum in the
// dataset's hashing must be the dropped partitions' (`sum`), and the one in the archive's
// hashing is what the archive must have recorded. Otherwise the two hash alike: `sum`.
std::string ExpectedInArchive(const SourceOptions& rows, const Manifest& source,
                              const Manifest& archive, const Dropped& sum,
                              const EngineOptions& engine) {
  if (!HasAddedColumns(source.schema) && !HasAddedColumns(archive.schema)) return sum.checksum;
  Workspace ws(rows, engine);
  db::Result r = WorkspaceConnection(ws).Query(
      "SELECT CAST(" + ChecksumSql(source.schema, "s") + " AS VARCHAR), CAST(" +
      ChecksumSql(archive.schema, "s") + " AS VARCHAR) FROM " + ws.relation() + " AS s");
  if (r.GetString(0, 0) != sum.checksum) {
    throw CheckFailed(
        "the dropped partitions' files do not hold the rows their manifest records "
        "(checksum " +
        r.GetString(0, 0) + ", expected " + sum.checksum +
        "); nothing was dropped: run `duckpart validate` on the dataset");
  }
  return r.GetString(0, 1);
}

}  // namespace

void CheckArchive(const std::string& source, const Manifest& manifest, const std::string& dest) {
  if (Canonical(dest) == Canonical(source))
    throw InputError("--archive '" + dest + "' is the dataset itself; name another folder");
  const auto existing = ExistingArchive(dest);
  if (existing && ToString(existing->manifest.spec) != ToString(manifest.spec)) {
    throw InputError("--archive '" + dest + "' is partitioned by " +
                     ToString(existing->manifest.spec) + ", the dataset by " +
                     ToString(manifest.spec) + "; archive into a dataset of the same spec");
  }
}

DroppedRows DroppedParquetRows(const std::string& source_dir, const BaseVersion& base,
                               const std::vector<Partition>& dropped) {
  const fs::path root = store::DatasetStore(source_dir).VersionDir(base.version);
  std::string files;
  for (const auto& p : dropped) {
    for (const auto& f : p.files)
      files += (files.empty() ? "" : ", ") + db::QuoteLiteral((root / f.path).string());
  }
  return {
      source_dir,
      {.query = "SELECT " + plan::ReadBackSelectSql(base.manifest.schema) + " FROM read_parquet([" +
                files + "], hive_partitioning = false, union_by_name = true)"}};
}

BaseLoader ArchivedVersionOnly(BaseLoader load, int64_t archived, std::string what) {
  return [load = std::move(load), archived, what = std::move(what)] {
    BaseVersion b = load();
    if (b.version != archived) {
      throw BusyError(what + " changed to version " + std::to_string(b.version) +
                      " after its partitions of version " + std::to_string(archived) +
                      " were archived; nothing was dropped: check the archive, then retain again");
    }
    return b;
  };
}

ArchiveReport ArchiveDropped(const DroppedRows& from, const BaseVersion& base,
                             const std::vector<Partition>& dropped, const std::string& dest,
                             const EngineOptions& engine, const OperationControl& control) {
  const Dropped sum = Sum(dropped);
  ArchiveReport report{.dest = dest, .batch_id = BatchId(from.dataset, base.version, sum)};
  SourceOptions rows = from.rows;
  rows.description = "partitions retained away from version " + std::to_string(base.version) +
                     " of " + from.dataset;
  const auto existing = ExistingArchive(dest);
  if (existing && FindBatch(existing->manifest.history, report.batch_id)) {
    report.skipped = true;
  } else if (existing) {
    // The dataset's added columns are added to the archive too.
    AppendRequest append{
        .source = rows, .engine = engine, .batch_id = report.batch_id, .allow_new_columns = true};
    append.parquet.target = dest;
    AppendDataset(append, control);
  } else {
    Create(dest, base.manifest, rows, report.batch_id, engine, control);
  }
  const BaseVersion now = CurrentParquetVersion(dest);
  const HistoryRecord* h = FindBatch(now.manifest.history, report.batch_id);
  const std::string expected = ExpectedInArchive(rows, base.manifest, now.manifest, sum, engine);
  if (!h || h->rows_added != sum.rows || h->checksum_added != expected) {
    throw CheckFailed("--archive '" + dest + "' does not record the dropped rows (" +
                      std::to_string(sum.rows) + " rows, checksum " + sum.checksum +
                      "); nothing was dropped from the dataset");
  }
  report.version = h->version;
  return report;
}

}  // namespace duckpart::ops
