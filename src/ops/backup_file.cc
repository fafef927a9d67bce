#include "ops/backup_file.h"

#include <filesystem>

#include "check/source_compare.h"
#include "db/sql.h"

namespace duckpart::ops {

FileStats ReadFileStats(db::Connection& conn, const std::string& file,
                        const std::vector<ColumnInfo>& schema) {
  db::Result r =
      conn.Query("SELECT count(*), CAST(coalesce(sum(CAST(" + check::CastRowHashSql(schema) +
                 " AS HUGEINT)), 0) AS VARCHAR) FROM read_parquet(" + db::QuoteLiteral(file) +
                 ", hive_partitioning = false) AS r");
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

FileGuard::~FileGuard() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  std::filesystem::remove(path_ + ".wal", ec);
}

}  // namespace duckpart::ops
