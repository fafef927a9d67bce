#include "monitor/target_checks.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include "analyze/attached_tables.h"
#include "db/sql.h"
#include "duckpart/analyze.h"
#include "duckpart/info.h"
#include "duckpart/manifest.h"
#include "duckpart/table_run.h"
#include "duckpart/validate.h"
#include "monitor/checks.h"
#include "monitor/history_checks.h"
#include "monitor/last_write.h"
#include "ops/failure.h"
#include "ops/store_status.h"

namespace duckpart::monitor {
namespace {

namespace fs = std::filesystem;
constexpr const char* kAlias = "__dp_monitor";

// The folder holding `path` (a dataset's link, a database file).
std::string FolderOf(const std::string& path) {
  const fs::path parent = fs::absolute(path).lexically_normal().parent_path();
  return parent.empty() ? "." : parent.string();
}

std::optional<int64_t> FileAge(const std::string& path, int64_t now_unix) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return now_unix - static_cast<int64_t>(st.st_mtime);
}

int64_t SmallFiles(const AnalysisReport& a, int64_t small_size) {
  int64_t n = 0;
  for (const auto& p : a.partitions) {
    for (int64_t s : p.file_sizes) n += s < small_size ? 1 : 0;
  }
  return n;
}

// Figures and checks both targets share: balance, freshness, free space.
void AddCommon(const AnalysisReport& a, const LastWriteTime& written, const std::string& folder,
               const CheckContext& ctx, TargetHealth& h) {
  h.readable = true;
  h.version = a.version;
  h.partitions = a.rows.count;
  h.rows = a.total_rows;
  h.rows_cv = a.rows.cv;
  h.last_write_at = written.at;
  h.last_write_unix = written.unix_time;
  if (written.unix_time) h.age_seconds = ctx.now_unix - *written.unix_time;
  const MonitorThresholds& t = ctx.thresholds;
  h.checks.push_back({.name = "readable",
                      .detail = "the metadata of version " + std::to_string(a.version) + " reads"});
  h.checks.push_back(CheckBalance(a.rows.cv, a.rows.count, t));
  h.checks.push_back(CheckFreshness(h.age_seconds, written.at, t));
  std::string why;
  h.free_bytes = FreeBytes(folder, &why);
  h.checks.push_back(CheckFreeSpace(h.free_bytes, folder, why, t));
}

// Detaches the monitor's attachment of a database when the check ends, however it ends.
class Attachment {
 public:
  Attachment(db::Connection& conn, const std::string& database) : conn_(conn) {
    conn_.Execute("DETACH DATABASE IF EXISTS " + db::QuoteIdent(kAlias));
    conn_.Execute("ATTACH " + db::QuoteLiteral(database) + " AS " + db::QuoteIdent(kAlias) +
                  " (READ_ONLY)");
  }
  ~Attachment() {
    try {
      conn_.Execute("DETACH DATABASE IF EXISTS " + db::QuoteIdent(kAlias));
    } catch (...) {  // a failed detach is retried by the next attach
    }
  }
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;

 private:
  db::Connection& conn_;
};

// The validate check: its problems, or the failure that stopped it (a file that cannot be
// read is damage too), translated as every duckpart failure is.
HealthCheck Validate(const std::function<ValidationReport()>& validate,
                     const std::string& command) {
  try {
    std::vector<std::string> problems;
    for (const auto& p : validate().problems) problems.push_back(p.message);
    return CheckValidate(problems, command);
  } catch (...) {
    try {
      ops::ThrowTranslated(std::current_exception(), nullptr);
    } catch (const std::exception& e) {
      return CheckValidate({e.what()}, command);
    }
  }
  return CheckValidate({"validate stopped"}, command);
}

}  // namespace

std::optional<int64_t> FreeBytes(const std::string& path, std::string* why) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) {
    *why = std::string(": ") + std::strerror(errno);
    return std::nullopt;
  }
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

TargetHealth CheckParquetTarget(const MonitorTarget& target, const CheckContext& ctx) {
  TargetHealth h{.target = target.Name(), .kind = "parquet"};
  const Manifest m = ReadManifest(target.dir);
  const DatasetInfo info = DescribeDataset(target.dir, m);
  const AnalysisReport a =
      analyze::AnalyzeManifest(target.dir, m, AnalyzeOptions{.max_listed = 1}, ctx.conn);
  const StoreStatus st = ops::Inspect(target.dir, /*probe_lock=*/true);
  AddCommon(a, LastWrite(m), FolderOf(target.dir), ctx, h);
  const MonitorThresholds& t = ctx.thresholds;
  h.bytes = info.bytes;
  h.files = info.files;
  h.small_files = SmallFiles(a, t.small_file_size);
  h.versions_kept = static_cast<int64_t>(info.kept_versions.size());
  h.locked = st.locked;
  for (const auto& item : st.Interrupted()) {
    ++h.leftovers;
    h.leftover_bytes += item.bytes;
  }
  h.checks.push_back(CheckSmallFiles(h.small_files, h.files, h.bytes.value_or(0), t));
  h.checks.push_back(CheckMissingFiles(info.missing_files, target.dir));
  h.checks.push_back(CheckLeftovers(st));
  h.checks.push_back(CheckLock(st, FileAge(st.store + "/lock", ctx.now_unix), t));
  h.checks.push_back(CheckVersions(h.versions_kept, t, target.dir));
  AddHistoryChecks(HistoryOf(m), ops::ReadFailures(target.dir), t, h);
  if (ctx.deep) {
    h.checks.push_back(Validate([&] { return ValidateDataset(target.dir, nullptr, ctx.engine); },
                                "duckpart validate " + target.dir));
  }
  return h;
}

TargetHealth CheckTablesTarget(const MonitorTarget& target, const CheckContext& ctx) {
  TargetHealth h{.target = target.Name(), .kind = "tables"};
  if (!fs::is_regular_file(target.database))
    throw InputError("database '" + target.database + "' is missing or not a file");
  AnalysisReport a;
  Manifest m;
  {
    Attachment attached(ctx.conn, target.database);
    a = analyze::AnalyzeAttachedTables(ctx.conn, kAlias, target.database, target.schema,
                                       AnalyzeOptions{.max_listed = 1});
    m.created_at = a.created_at;  // the catalog's manifest time (see LastWrite)
  }
  AddCommon(a, LastWrite(m), FolderOf(target.database), ctx, h);
  h.files = a.rows.count;  // one table per partition
  h.versions_kept = 1;     // a schema holds its current version only
  if (ctx.deep) {
    h.checks.push_back(
        Validate([&] { return ValidateTables(target.database, a.schema, nullptr, ctx.engine); },
                 "duckpart validate --to-db " + target.database + " --schema " + a.schema));
  }
  return h;
}

}  // namespace duckpart::monitor
