#include <filesystem>
#include <set>

#include "db/database.h"
#include "db/error.h"
#include "db/error_text.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "duckpart/query.h"
#include "plan/field_names.h"
#include "plan/transform.h"
#include "plan/type_table.h"
#include "query/column_reader.h"
#include "query/dataset_view.h"
#include "query/statement_kind.h"
#include "store/version_pin.h"

namespace duckpart {

namespace query {

// The view `dataset`: the files' own columns (never the path's guesses) plus each derived
// field computed from them as the spec does.
std::string DatasetViewSql(const std::string& root, const Manifest& m) {
  std::string files;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files)
      files += (files.empty() ? "" : ", ") + db::QuoteLiteral(root + "/" + f.path);
  }
  std::string derived;
  for (const auto& f : m.fields) {
    // A field named like a column (datasets written before fields got names of their
    // own, e.g. identity `tag=`) is that column.
    bool is_column = false;
    for (const auto& c : m.schema) is_column |= plan::SameName(c.name, f.field.Name());
    if (is_column) continue;
    derived +=
        ", " + plan::LabelOf(f.label_sql, f.key_sql) + " AS " + db::QuoteIdent(f.field.Name());
  }
  if (files.empty()) {
    std::string cols;
    for (const auto& c : m.schema) {
      cols += (cols.empty() ? "" : ", ") +
              ("CAST(NULL AS " + c.type + ") AS " + db::QuoteIdent(c.name));
    }
    return "CREATE VIEW dataset AS SELECT " + cols + " WHERE false";
  }
  return "CREATE VIEW dataset AS SELECT *" + derived + " FROM read_parquet([" + files +
         "], hive_partitioning = false" + plan::UnionByNameOption(m.schema) + ")";
}

}  // namespace query

namespace {

namespace fs = std::filesystem;

std::string ValidateHint(const std::string& dir) {
  return "; the dataset is damaged: run `duckpart validate " + dir + "`";
}

void CheckFilesPresent(const std::string& root, const std::string& dir, const Manifest& m) {
  int64_t missing = 0;
  std::string first;
  for (const auto& p : m.partitions) {
    for (const auto& f : p.files) {
      std::error_code ec;
      if (fs::is_regular_file(fs::path(root) / f.path, ec)) continue;
      if (missing++ == 0) first = f.path;
    }
  }
  if (missing == 0) return;
  throw CheckFailed(std::to_string(missing) + " file(s) of the manifest are missing (" + first +
                    ")" + ValidateHint(dir));
}

// A failure of the user's statement, in one line: DuckDB's reason and where.
std::string UserSqlMessage(const std::string& duckdb_message) {
  std::string text = db::WithoutErrorClass(db::WithoutSqlContext(duckdb_message));
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  if (const auto at = db::CaretPosition(duckdb_message)) {
    text += " (line " + std::to_string(at->line) + ", column " + std::to_string(at->column) + ")";
  }
  return "the SQL failed: " + text;
}

// A DuckDB failure while reading: the dataset's own files (damage) or the user's SQL.
[[noreturn]] void ThrowReadFailure(const std::string& dir, const std::string& root,
                                   const db::DbError& e) {
  const std::string message = e.what();
  const bool ours = message.find(root) != std::string::npos;
  if (ours && (e.kind() == db::ErrorKind::kIo || e.kind() == db::ErrorKind::kInvalidInput)) {
    throw CheckFailed("a file of the dataset cannot be read: " +
                      db::WithoutErrorClass(db::WithoutSqlContext(message)) + ValidateHint(dir));
  }
  if (e.kind() == db::ErrorKind::kInterrupt || e.kind() == db::ErrorKind::kOutOfMemory) throw e;
  throw InputError(UserSqlMessage(message));
}

struct Extracted {
  duckdb_extracted_statements handle = nullptr;
  ~Extracted() { duckdb_destroy_extracted(&handle); }
};

struct Prepared {
  duckdb_prepared_statement handle = nullptr;
  ~Prepared() { duckdb_destroy_prepare(&handle); }
};

struct QueryResult {
  duckdb_result result;
  bool valid = false;
  ~QueryResult() {
    if (valid) duckdb_destroy_result(&result);
  }
};

struct Chunk {
  duckdb_data_chunk handle = nullptr;
  ~Chunk() { duckdb_destroy_data_chunk(&handle); }
};

}  // namespace

struct DatasetQuery::Impl {
  std::string dir, root;
  db::Database database{db::DatabaseOptions{}};
  db::Connection conn{database};
  Prepared stmt;
  std::vector<QueryColumn> columns;

  void Prepare(const std::string& sql);
  void ReadColumns();
  void Execute(const std::function<void()>& on_done,
               const std::function<void(duckdb_data_chunk,
                                        const std::vector<duckdb_logical_type>&)>& on_chunk);
};

void DatasetQuery::Impl::Prepare(const std::string& sql) {
  Extracted ex;
  const idx_t n = duckdb_extract_statements(conn.handle(), sql.c_str(), &ex.handle);
  if (n == 0) {
    const char* error = duckdb_extract_statements_error(ex.handle);
    if (error != nullptr) throw InputError(UserSqlMessage(error));
    throw InputError("the SQL holds no statement; give one SELECT over the view `dataset`");
  }
  if (n > 1) {
    throw InputError("the SQL holds " + std::to_string(n) +
                     " statements; give one SELECT (run them one at a time)");
  }
  if (duckdb_prepare_extracted_statement(conn.handle(), ex.handle, 0, &stmt.handle) ==
      DuckDBError) {
    const char* error = duckdb_prepare_error(stmt.handle);
    throw InputError(UserSqlMessage(error ? error : "the statement cannot be prepared"));
  }
  const duckdb_statement_type type = duckdb_prepared_statement_type(stmt.handle);
  if (!query::IsReadOnly(type)) {
    const std::string kind = query::StatementKindName(type);
    const bool vowel = std::string("AEIOU").find(kind[0]) != std::string::npos;
    throw InputError("duckpart query runs one read-only SELECT; this is " +
                     std::string(vowel ? "an " : "a ") + kind + " statement, and nothing was run");
  }
  ReadColumns();
}

void DatasetQuery::Impl::ReadColumns() {
  for (idx_t c = 0; c < duckdb_prepared_statement_column_count(stmt.handle); ++c) {
    duckdb_logical_type type = duckdb_prepared_statement_column_logical_type(stmt.handle, c);
    const char* raw_name = duckdb_prepared_statement_column_name(stmt.handle, c);
    const std::string name = raw_name ? raw_name : "";
    duckdb_free(const_cast<char*>(raw_name));
    try {
      query::CheckPrintable(type, name);
    } catch (...) {
      duckdb_destroy_logical_type(&type);
      throw;
    }
    duckdb_destroy_logical_type(&type);
    columns.push_back({name});
  }
}

void DatasetQuery::Impl::Execute(
    const std::function<void()>& on_done,
    const std::function<void(duckdb_data_chunk, const std::vector<duckdb_logical_type>&)>&
        on_chunk) {
  QueryResult r;
  const bool failed = duckdb_execute_prepared(stmt.handle, &r.result) == DuckDBError;
  r.valid = true;
  if (failed) {
    const char* message = duckdb_result_error(&r.result);
    ThrowReadFailure(dir, root,
                     db::DbError(db::KindFromDuckDb(duckdb_result_error_type(&r.result)),
                                 message ? message : "unknown DuckDB error"));
  }
  struct Types {
    std::vector<duckdb_logical_type> list;
    ~Types() {
      for (auto& t : list) duckdb_destroy_logical_type(&t);
    }
  } types;
  for (idx_t c = 0; c < duckdb_column_count(&r.result); ++c)
    types.list.push_back(duckdb_column_logical_type(&r.result, c));
  if (on_done) on_done();
  while (true) {
    Chunk chunk{duckdb_fetch_chunk(r.result)};
    if (chunk.handle == nullptr) break;
    on_chunk(chunk.handle, types.list);
  }
}

DatasetQuery::DatasetQuery(const std::string& dir, const std::string& sql,
                           std::optional<int64_t> version)
    : impl_(std::make_unique<Impl>()) {
  const store::PinnedVersion pin = store::PinVersion(dir, version);  // the link, read once
  const Manifest m = ReadManifest(pin.root.string());
  impl_->dir = dir;
  impl_->root = pin.root.string();
  CheckFilesPresent(impl_->root, dir, m);
  impl_->conn.Execute("SET TimeZone = 'UTC'");
  try {
    impl_->conn.Execute(query::DatasetViewSql(impl_->root, m));
  } catch (const db::DbError& e) {
    if (std::string(e.what()).find(impl_->root) != std::string::npos)
      ThrowReadFailure(dir, impl_->root, e);
    throw RuntimeFailure("cannot open the dataset '" + dir +
                         "': " + db::WithoutSqlContext(e.what()));
  }
  impl_->Prepare(sql);
}

DatasetQuery::~DatasetQuery() = default;

const std::vector<QueryColumn>& DatasetQuery::columns() const { return impl_->columns; }

namespace {

using Readers = std::vector<std::unique_ptr<query::ColumnReader>>;

Readers ReadersOf(duckdb_data_chunk chunk, const std::vector<duckdb_logical_type>& types) {
  Readers readers;
  for (idx_t c = 0; c < types.size(); ++c) {
    readers.push_back(
        std::make_unique<query::ColumnReader>(duckdb_data_chunk_get_vector(chunk, c), types[c]));
  }
  return readers;
}

}  // namespace

void DatasetQuery::RunText(const std::function<void(const std::vector<std::string>&)>& on_row,
                           const std::function<void()>& on_done) {
  impl_->Execute(
      on_done, [&](duckdb_data_chunk chunk, const std::vector<duckdb_logical_type>& types) {
        const Readers readers = ReadersOf(chunk, types);
        std::vector<std::string> cells(readers.size());
        for (idx_t row = 0; row < duckdb_data_chunk_get_size(chunk); ++row) {
          for (size_t c = 0; c < readers.size(); ++c) {
            cells[c] = readers[c]->IsNull(row) ? query::kNullCell
                                               : query::EscapeCell(readers[c]->Text(row));
          }
          on_row(cells);
        }
      });
}

void DatasetQuery::RunJson(const std::function<void(const nlohmann::ordered_json&)>& on_row) {
  std::set<std::string> names;
  for (const auto& c : impl_->columns) {
    if (!names.insert(c.name).second) {
      throw InputError("two result columns are named '" + c.name +
                       "', which JSON objects cannot hold; give each "
                       "its own name with AS");
    }
  }
  impl_->Execute({}, [&](duckdb_data_chunk chunk, const std::vector<duckdb_logical_type>& types) {
    const Readers readers = ReadersOf(chunk, types);
    for (idx_t row = 0; row < duckdb_data_chunk_get_size(chunk); ++row) {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (size_t c = 0; c < readers.size(); ++c)
        out[impl_->columns[c].name] = readers[c]->Json(row);
      on_row(out);
    }
  });
}

}  // namespace duckpart
