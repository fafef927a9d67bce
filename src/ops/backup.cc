#include "duckpart/backup.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "db/database.h"
#include "db/database_file.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/plan.h"
#include "duckpart/retry.h"
#include "ops/backup_file.h"
#include "plan/keys.h"
#include "plan/workspace_access.h"
#include "store/fs.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string SchemaJson(const std::vector<ColumnInfo>& schema) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : schema) j.push_back({{"name", c.name}, {"type", c.type}});
  return j.dump();
}

// A killed backup leaves "<to>.duckpart-tmp-<pid>" beside its target: a name only
// duckpart uses, with the pid of the process that wrote it. Those of processes no longer
// alive are removed by the next backup to the same file.
void RemoveStaleTemps(const fs::path& to) {
  const std::string prefix = to.filename().string() + ".duckpart-tmp-";
  std::error_code ec;
  for (auto it = fs::directory_iterator(to.parent_path(), ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !it->is_regular_file()) continue;
    std::string pid_text = name.substr(prefix.size());
    if (pid_text.size() > 4 && pid_text.ends_with(".wal")) pid_text.resize(pid_text.size() - 4);
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive or unsure
    std::error_code rm_ec;
    fs::remove(it->path(), rm_ec);
  }
}

// The checks that need nothing opened; returns the file's absolute path.
fs::path CheckBackupInputs(const BackupOptions& o) {
  if (o.db_path.empty()) throw InputError("--db FILE is required");
  if (o.table.empty()) throw InputError("--table NAME is required");
  if (o.to.empty()) throw InputError("--to FILE is required");
  const fs::path to = fs::absolute(o.to).lexically_normal();
  std::error_code ec;
  if (!fs::is_directory(to.parent_path(), ec)) {
    throw InputError("the folder of '" + o.to + "' does not exist");
  }
  if (fs::is_directory(to, ec)) throw InputError("--to '" + o.to + "' is a folder; name a file");
  if (db::IsFileOfDatabase(o.to, o.db_path)) {
    throw InputError("--to '" + o.to + "' is the source database or one of its own files " +
                     "(its write-ahead log or spill folder); name a file of its own");
  }
  if (fs::exists(fs::symlink_status(to, ec)) && !o.replace) {
    throw InputError("'" + o.to + "' exists; add --replace to overwrite it");
  }
  return to;
}

}  // namespace

BackupResult BackupTable(const BackupOptions& o) {
  const auto start = Clock::now();
  const fs::path to = CheckBackupInputs(o);
  Workspace ws(SourceOptions{.db_path = o.db_path, .table = o.table}, o.engine);

  BackupResult result{.file = o.to, .schema = ws.columns()};
  db::Result s =
      WorkspaceConnection(ws).Query("SELECT count(*), CAST(" + ChecksumSql(ws.columns(), "s") +
                                    " AS VARCHAR) FROM " + ws.relation() + " AS s");
  result.rows = s.GetInt64(0, 0);
  result.checksum = s.GetString(0, 1);

  RemoveStaleTemps(to);
  const std::string tmp = to.string() + ".duckpart-tmp-" + std::to_string(::getpid());
  ops::FileGuard guard(tmp);
  const std::string metadata =
      "{'duckpart_rows': " + db::QuoteLiteral(std::to_string(result.rows)) +
      ", 'duckpart_checksum': " + db::QuoteLiteral(result.checksum) +
      ", 'duckpart_schema': " + db::QuoteLiteral(SchemaJson(result.schema)) +
      ", 'duckpart_table': " + db::QuoteLiteral(o.table) + "}";
  WorkspaceConnection(ws).Execute("COPY (SELECT * FROM " + ws.relation() + ") TO " +
                                  db::QuoteLiteral(tmp) + " (FORMAT parquet, COMPRESSION " +
                                  db::QuoteIdent(o.compression) + ", KV_METADATA " + metadata +
                                  ")");
  const ops::FileStats back = ops::ReadFileStats(WorkspaceConnection(ws), tmp, result.schema);
  if (back.rows != result.rows || back.checksum != result.checksum) {
    throw CheckFailed(
        fmt::format("the backup read back differs from table {} ({} rows and checksum {} in the "
                    "file, {} and {} in the table); nothing was written",
                    o.table, back.rows, back.checksum, result.rows, result.checksum));
  }
  store::SyncFile(tmp);
  store::RenameFile(tmp, to.string());
  guard.Dismiss();
  try {  // past this point the backup is in place and whole
    store::SyncDirectory(to.parent_path().string());
  } catch (const RuntimeFailure& e) {
    result.warnings.push_back(std::string("the backup is in place, but its folder was not synced "
                                          "(a power loss could undo the rename): ") +
                              e.what());
  }
  result.bytes = static_cast<int64_t>(fs::file_size(to));
  result.seconds = Since(start);
  return result;
}

namespace {

RetryPolicy PolicyFor(const OperationControl& control, int threads, std::string note,
                      std::string space) {
  RetryPolicy policy{.max_attempts = control.max_attempts, .initial_threads = threads};
  if (control.cancel)
    policy.interrupted = [cancel = control.cancel] { return cancel->cancelled(); };
  policy.outcome_note = std::move(note);
  policy.space_path = std::move(space);
  return policy;
}

}  // namespace

BackupResult RunBackup(const BackupOptions& o, const OperationControl& control) {
  BackupResult r;
  RunVoidWithRetries(
      [&](const Attempt& a) {
        BackupOptions attempt = o;
        if (a.threads > 0) attempt.engine.threads = a.threads;
        r = BackupTable(attempt);
      },
      PolicyFor(control, o.engine.threads, "nothing was written", o.to), control.on_warning);
  return r;
}

RestoreResult RunRestore(const RestoreOptions& o, const OperationControl& control) {
  RestoreResult r;
  RunVoidWithRetries(
      [&](const Attempt& a) {
        RestoreOptions attempt = o;
        if (a.threads > 0) attempt.engine.threads = a.threads;
        r = RestoreTable(attempt);
      },
      PolicyFor(control, o.engine.threads, "the database is as it was", o.db_path),
      control.on_warning);
  return r;
}

}  // namespace duckpart
