// `append` on a Parquet dataset: the AppendOperation driven over a ParquetTarget.
#include "duckpart/append.h"

#include "duckpart/error.h"
#include "ops/append_operation.h"
#include "ops/lifecycle_tables.h"
#include "ops/parquet_base.h"
#include "store/dataset_store.h"

namespace duckpart {
namespace {

void CheckRequest(const AppendRequest& r) {
  if (r.parquet.target.empty() == r.to_db.empty())
    throw InputError("give the dataset to append to: DIR or --to-db FILE, one of them");
  if (r.small_files_warning < 1 || r.small_files_warning > kMaxSmallFilesWarning) {
    throw InputError("--small-files-warning must be between 1 and " +
                     std::to_string(kMaxSmallFilesWarning) + ", not " +
                     std::to_string(r.small_files_warning));
  }
  if (r.if_new && r.batch_id.empty()) throw InputError("--if-new needs --batch-id");
  if (r.batch_id.size() > 256) throw InputError("--batch-id is longer than 256 bytes");
}

int64_t NewFiles(const Manifest& m, int64_t version) {
  const std::string mark = "part-" + store::DatasetStore::VersionName(version) + "-";
  int64_t n = 0;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) n += f.path.find(mark) != std::string::npos ? 1 : 0;
  }
  return n;
}

}  // namespace

AppendReport AppendDataset(const AppendRequest& request, const OperationControl& control) {
  CheckRequest(request);
  if (!request.to_db.empty()) return ops::AppendToTables(request, control);
  AppendReport report;
  const ops::BaseVersion base = ops::CurrentParquetVersion(request.parquet.target);
  if (const HistoryRecord* h = FindBatch(base.manifest.history, request.batch_id);
      h && request.if_new) {
    report.skipped = true;
    report.skipped_version = h->version;
    report.manifest = base.manifest;
    return report;
  }
  RunOptions options = request.parquet;
  options.replace = true;
  const EngineOptions engine = ops::WithDatasetSpill(request.engine, options.target);
  const std::string target = options.target;
  ops::AppendOperation op([target] { return ops::CurrentParquetVersion(target); },
                          {.batch_id = request.batch_id,
                           .allow_new_columns = request.allow_new_columns,
                           .small_files_warning = request.small_files_warning,
                           .small_file_bytes = request.small_file_bytes});
  report.outcome = ops::DriveOnParquet(request.source, engine, op, options, control, "append",
                                       [&](const Manifest& m, ops::Change& change) {
                                         report.manifest = m;
                                         report.rows_added = change.record.rows_added;
                                         report.files_added =
                                             NewFiles(report.manifest, change.version);
                                         report.columns_added = change.record.columns_added;
                                       });
  report.partitions_touched = op.touched();
  report.partitions_created = op.created();
  report.warnings = op.warnings();
  return report;
}

}  // namespace duckpart
