#include "parquet/file_split.h"

#include <algorithm>
#include <cmath>

#include "db/sql.h"
#include "plan/keys.h"
#include "store/dataset_store.h"
#include "store/fault.h"

namespace duckpart::parquet {
namespace fs = std::filesystem;
namespace {

constexpr int64_t kMaxFilesPerPartition = 10'000;

std::string FileList(const std::vector<fs::path>& files) {
  std::string list;
  for (const auto& f : files) list += (list.empty() ? "" : ", ") + db::QuoteLiteral(f.string());
  // By name: after append --allow-new-columns a partition's older files lack a column.
  return "read_parquet([" + list + "], hive_partitioning = false, union_by_name = true)";
}

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string Options(const FileSplit& s) {
  return "FORMAT parquet, COMPRESSION " + db::QuoteIdent(s.compression);
}

// One file of `rows` (a relation) at `to`, written beside it first.
void WriteOne(db::Connection& conn, const std::string& rows, const fs::path& to,
              const FileSplit& s) {
  const fs::path tmp = to.string() + ".tmp";
  store::Step(store::StepKind::kWrite, tmp.string());
  conn.Execute("COPY (SELECT * FROM " + rows + ") TO " + db::QuoteLiteral(tmp.string()) + " (" +
               Options(s) + ")");
  store::Step(store::StepKind::kRename, tmp.string() + " -> " + to.string());
  fs::rename(tmp, to);
}

// The rows of `from` into `files` folders __dp_f=I under `dir` by their content hash.
void Scatter(db::Connection& conn, const std::vector<fs::path>& from,
             const std::vector<ColumnInfo>& schema, int64_t files, const fs::path& dir,
             const FileSplit& s) {
  store::Step(store::StepKind::kWrite, "files of about the target size in " + dir.string());
  conn.Execute("COPY (SELECT *, CAST(" + RowHashSql(schema) + " % " + std::to_string(files) +
               " AS BIGINT) AS __dp_f FROM " + FileList(from) + ") TO " +
               db::QuoteLiteral(dir.string()) + " (" + Options(s) +
               ", PARTITION_BY (__dp_f), FILENAME_PATTERN 'piece-{i}')");
}

std::string FileName(const FileSplit& s, int64_t i) {
  return "part-" + store::DatasetStore::VersionName(s.version) + "-f" + std::to_string(i) +
         ".parquet";
}

// Rewrites one partition's files as `files` files; returns the new paths under root.
std::vector<fs::path> Rewrite(db::Connection& conn, const std::vector<fs::path>& old,
                              const std::vector<ColumnInfo>& schema, int64_t files,
                              const fs::path& dir, const FileSplit& s) {
  std::vector<fs::path> out;
  if (files == 1) {
    out.push_back(dir / FileName(s, 0));
    WriteOne(conn, FileList(old), out.back(), s);
  } else {
    const fs::path scatter = dir / ".split";
    Scatter(conn, old, schema, files, scatter, s);
    for (int64_t i = 0; i < files; ++i) {
      const fs::path part = scatter / ("__dp_f=" + std::to_string(i));
      if (!fs::exists(part)) continue;  // no row hashed here
      out.push_back(dir / FileName(s, i));
      WriteOne(conn, FileList(FilesIn(part)), out.back(), s);
    }
    fs::remove_all(scatter);
  }
  store::Step(store::StepKind::kRemove, "the written files of " + dir.string());
  for (const auto& f : old) fs::remove(f);
  return out;
}

}  // namespace

int64_t FilesFor(int64_t bytes, int64_t rows, int64_t file_bytes) {
  const auto n = std::llround(static_cast<double>(bytes) / static_cast<double>(file_bytes));
  return std::clamp<int64_t>(n, 1, std::clamp<int64_t>(rows, 1, kMaxFilesPerPartition));
}

int64_t SplitFiles(db::Connection& conn, std::vector<Partition>& parts,
                   const std::vector<ColumnInfo>& schema, const fs::path& root,
                   const FileSplit& split, ops::WorkMeter& meter) {
  int64_t done = 0;
  for (auto& p : parts) {
    const int64_t files = FilesFor(p.bytes, p.rows, split.file_bytes);
    if (files == 1 && p.files.size() == 1) continue;
    meter.StartStep("split", done, static_cast<int64_t>(parts.size()), p.rows);
    std::vector<fs::path> old;
    for (const auto& f : p.files) old.push_back(root / f.path);
    p.files.clear();
    p.bytes = 0;
    for (const auto& f : Rewrite(conn, old, schema, files, root / p.path, split)) {
      const auto bytes = static_cast<int64_t>(fs::file_size(f));
      p.files.push_back({(fs::path(p.path) / f.filename()).string(), 0, bytes});
      p.bytes += bytes;
    }
    meter.AddBytes(p.bytes);
    meter.FinishStep();
    ++done;
  }
  return done;
}

}  // namespace duckpart::parquet
