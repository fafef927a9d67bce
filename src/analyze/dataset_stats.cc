// AnalyzeDataset: per-partition figures of a Parquet dataset from its manifest; the
// Parquet footers (parquet_file_metadata) only for partitions whose manifest entry lists
// no files, e.g. a manifest edited by hand or written by another tool.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>

#include "analyze/attached_tables.h"
#include "db/database.h"
#include "db/sql.h"
#include "duckpart/analyze.h"
#include "duckpart/error.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

void SetFiles(PartitionStats& p, std::vector<int64_t> sizes) {
  p.files = static_cast<int64_t>(sizes.size());
  p.smallest_file = sizes.empty() ? 0 : *std::min_element(sizes.begin(), sizes.end());
  p.largest_file = sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end());
  p.file_sizes = std::move(sizes);
}

PartitionStats FromManifest(const Partition& mp) {
  PartitionStats p{
      .id = mp.id, .path = mp.path, .keys = mp.keys, .rows = mp.rows, .bytes = mp.bytes};
  std::vector<int64_t> sizes;
  for (const auto& f : mp.files) sizes.push_back(f.bytes);
  SetFiles(p, std::move(sizes));
  return p;
}

// The *.parquet files directly in the partition's folder, sorted.
std::vector<fs::path> FolderFiles(const std::string& dir, const std::string& partition) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / partition, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Rows and bytes of a partition from its files' footers (one query for all its files).
void FromFooters(db::Connection& conn, const std::vector<fs::path>& files, PartitionStats& p) {
  std::string list;
  for (const auto& f : files) list += (list.empty() ? "" : ", ") + db::QuoteLiteral(f.string());
  db::Result r =
      conn.Query("SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata([" + list + "])");
  p.rows = r.GetInt64(0, 0);
  std::vector<int64_t> sizes;
  for (const auto& f : files) sizes.push_back(static_cast<int64_t>(fs::file_size(f)));
  p.bytes = 0;
  for (int64_t s : sizes) p.bytes += s;
  SetFiles(p, std::move(sizes));
}

// Fills partitions whose manifest entry lists no files; returns the files read. Reads the
// footers through `shared` when given, else through a session opened on first need.
int64_t FillFromFooters(const std::string& dir, const EngineOptions& engine, db::Connection* shared,
                        AnalysisReport& r) {
  std::unique_ptr<db::Database> database;
  std::unique_ptr<db::Connection> own;
  db::Connection* conn = shared;
  int64_t read = 0;
  for (auto& p : r.partitions) {
    if (p.files > 0) continue;
    const auto files = FolderFiles(dir, p.path);
    if (files.empty()) continue;
    if (conn == nullptr) {
      database = std::make_unique<db::Database>(
          db::DatabaseOptions{.memory_limit = engine.memory_limit, .threads = engine.threads});
      own = std::make_unique<db::Connection>(*database);
      conn = own.get();
    }
    FromFooters(*conn, files, p);
    read += static_cast<int64_t>(files.size());
  }
  return read;
}

AnalysisReport AnalyzeRead(const std::string& dir, const Manifest& m, const AnalyzeOptions& options,
                           const EngineOptions& engine, db::Connection* conn) {
  const auto start = std::chrono::steady_clock::now();
  AnalysisReport r{.target = dir, .kind = "parquet", .dir = dir};
  r.partitions.reserve(m.partitions.size());
  for (const auto& mp : m.partitions) r.partitions.push_back(FromManifest(mp));
  r.footer_files = FillFromFooters(dir, engine, conn, r);
  AnalyzeLoaded(m, options, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace

AnalysisReport AnalyzeDataset(const std::string& dir, const AnalyzeOptions& options,
                              const EngineOptions& engine) {
  CheckOptions(options);
  if (!fs::exists(dir)) throw InputError("no dataset at '" + dir + "': the folder does not exist");
  if (!fs::is_directory(dir))
    throw InputError("'" + dir + "' is not a folder (give a dataset folder)");
  return AnalyzeRead(dir, ReadManifest(dir), options, engine, nullptr);
}

namespace analyze {

AnalysisReport AnalyzeManifest(const std::string& dir, const Manifest& manifest,
                               const AnalyzeOptions& options, db::Connection& conn) {
  CheckOptions(options);
  return AnalyzeRead(dir, manifest, options, EngineOptions{}, &conn);
}

}  // namespace analyze
}  // namespace duckpart
