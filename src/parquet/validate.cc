#include "duckpart/validate.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "check/source_compare.h"
#include "db/database.h"
#include "db/sql.h"
#include "parquet/verify.h"
#include "plan/transform.h"
#include "plan/type_table.h"
#include "store/version_pin.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

void CheckFiles(const std::string& root, const Manifest& m, ValidationReport& r) {
  std::set<std::string> listed;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      listed.insert(f.path);
      const fs::path path = fs::path(root) / f.path;
      std::error_code ec;
      const auto size = fs::file_size(path, ec);
      if (ec) continue;  // reported as missing by the data check
      if (static_cast<int64_t>(size) != f.bytes) {
        r.problems.push_back(
            ValidationProblem::Make("file_size", p.path,
                                    "file " + f.path + " has " + std::to_string(size) +
                                        " bytes, the manifest says " + std::to_string(f.bytes)));
      }
    }
  }
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::path(e.path()).lexically_relative(root).string();
    if (rel.rfind(std::string(kManifestDir) + "/", 0) == 0) continue;
    if (!listed.count(rel)) {
      r.problems.push_back(ValidationProblem::Make(
          "orphan_file", "", "orphan file " + rel + " is not in the manifest"));
    }
  }
}

void CheckFileRows(const Manifest& m, const parquet::VerifyReport& v, ValidationReport& r) {
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      auto it = v.files.find(f.path);
      if (it != v.files.end() && f.rows > 0 && it->second.rows != f.rows) {
        r.problems.push_back(
            ValidationProblem::Make("file_rows", p.path,
                                    "file " + f.path + " has " + std::to_string(it->second.rows) +
                                        " rows, the manifest says " + std::to_string(f.rows)));
      }
    }
  }
}

// Whether a file's column read back as `read` holds a column of the manifest's `type`:
// as Parquet stores that type (plan/type_table.h), or as the type itself.
bool StoredAs(const std::string& read, const std::string& type) {
  return read == type || read == plan::ParquetReadType(type);
}

std::vector<ColumnInfo> Describe(db::Connection& conn, const std::string& files) {
  std::vector<ColumnInfo> cols;
  db::Result d = conn.Query("DESCRIBE SELECT * FROM read_parquet([" + files +
                            "], union_by_name = true, hive_partitioning = false)");
  for (uint64_t i = 0; i < d.RowCount(); ++i)
    cols.push_back({d.GetString(i, 0), d.GetString(i, 1)});
  return cols;
}

// Whether files' columns are the schema's, in order and stored as their types; a column
// added by a later append may be absent (files written before it lack it).
bool SameColumns(const std::vector<ColumnInfo>& cols, const std::vector<ColumnInfo>& schema) {
  size_t i = 0;
  for (const auto& want : schema) {
    if (i < cols.size() && cols[i].name == want.name) {
      if (!StoredAs(cols[i].type, want.type)) return false;
      ++i;
    } else if (want.added_in == 0) {
      return false;
    }
  }
  return i == cols.size();
}

void CheckSchema(db::Connection& conn, const std::string& root, const Manifest& m,
                 ValidationReport& r) {
  bool same = true;
  for (const auto& batch : parquet::ManifestFileBatches(root, m)) {
    try {
      same = same && SameColumns(Describe(conn, batch), m.schema);
    } catch (const db::DbError&) {
      return;  // unreadable or missing files are named by the data check
    }
  }
  if (same) return;
  for (const auto& p : m.partitions) {  // name the files that differ
    for (const auto& f : p.files) {
      try {
        const auto cols = Describe(conn, db::QuoteLiteral((fs::path(root) / f.path).string()));
        for (const auto& want : m.schema) {
          auto it = std::find_if(cols.begin(), cols.end(),
                                 [&](const ColumnInfo& c) { return c.name == want.name; });
          if (it == cols.end()) {
            if (want.added_in > 0) continue;  // written before the column was added
            r.problems.push_back(ValidationProblem::Make(
                "schema", p.path, "file " + f.path + " lacks column " + want.name));
          } else if (!StoredAs(it->type, want.type)) {
            r.problems.push_back(ValidationProblem::Make(
                "schema", p.path,
                "file " + f.path + ": column " + want.name + " is " + it->type + ", expected " +
                    plan::ParquetReadType(want.type)));
          }
        }
      } catch (const db::DbError&) {
      }
    }
  }
}

}  // namespace

ValidationReport ValidateDataset(const std::string& dir, Workspace* source,
                                 const EngineOptions& engine) {
  // The link is resolved once: a concurrent replace does not change what is validated.
  const std::string root = store::PinVersion(dir).root.string();
  const Manifest m = ReadManifest(root);
  ValidationReport r{.dataset = dir,
                     .version = m.version,
                     .partitions = static_cast<int64_t>(m.partitions.size())};
  for (const auto& p : m.partitions) r.files += static_cast<int64_t>(p.files.size());
  db::Database database(db::DatabaseOptions{.memory_limit = engine.memory_limit,
                                            .threads = engine.threads,
                                            .temp_directory = engine.temp_directory});
  db::Connection conn(database);
  conn.Execute("SET TimeZone = 'UTC'");
  CheckFiles(root, m, r);
  const parquet::VerifyReport v = parquet::VerifyParquet(conn, root, m);
  r.problems.insert(r.problems.end(), v.problems.begin(), v.problems.end());
  r.rows = v.rows;
  r.checksum = v.checksum;
  CheckFileRows(m, v, r);
  CheckSchema(conn, root, m, r);
  if (source) {
    r.compared_with_source = true;
    const auto problems = check::CompareWithSource(*source, m, m.partitions, "the dataset");
    r.problems.insert(r.problems.end(), problems.begin(), problems.end());
  }
  return r;
}

}  // namespace duckpart
