// One read-only SQL statement over a Parquet dataset, the engine of `duckpart query`.
//
//   DatasetQuery q("out/events", "SELECT ts_day, count(*) AS n FROM dataset GROUP BY ALL");
//   for (const auto& c : q.columns()) std::cout << c.name << "\n";
//   q.RunJson([](const nlohmann::ordered_json& row) { std::cout << row.dump() << "\n"; });
//
// The dataset link is resolved once, to the version's own folder, and the view reads only
// under it: a concurrent `run --replace` does not change what the statement sees (see
// store/version_pin.h). The view `dataset` reads exactly the files of that version's manifest, with
// the files' own columns (never values guessed from the paths) plus each derived field
// (ts_month, user_id_bucket, ...) computed from them as the spec does: NULL partitions
// and the string 'NULL' stay apart. The statement must be one SELECT (DESCRIBE, SHOW and
// SUMMARIZE are SELECTs too); DuckDB's own parser and planner tell its kind, never the text.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace duckpart {

struct QueryColumn {
  std::string name;  // as DuckDB names the result column (names may repeat)
};

class DatasetQuery {
 public:
  // Opens the dataset (its current version, or `version` while the store keeps it) and
  // prepares `sql`; runs nothing. Throws InputError when `version` is not kept, `dir` holds
  // no dataset, or `sql` is not exactly one statement, is not a SELECT, or does not parse
  // or bind (the message gives DuckDB's reason and the line and column); CheckFailed when
  // files of the manifest are missing or unreadable (the dataset is damaged).
  DatasetQuery(const std::string& dir, const std::string& sql,
               std::optional<int64_t> version = std::nullopt);
  ~DatasetQuery();
  DatasetQuery(const DatasetQuery&) = delete;
  DatasetQuery& operator=(const DatasetQuery&) = delete;

  // The result's columns, in SELECT order.
  const std::vector<QueryColumn>& columns() const;

  // Runs the statement (once) and hands over each row: as cells of tab-separated text
  // (escaped with EscapeCell, NULL as \N, nested values as literals), or as typed JSON
  // values in column order (see query/column_reader.h). Throws InputError when the
  // statement fails on the data (a cast, a division), CheckFailed when a dataset file
  // cannot be read, and InputError for JSON when two columns share a name.
  // `on_done` is called once the statement has run (all of it, before the first row is handed
  // over), so that nothing is printed for a statement that fails.
  void RunText(const std::function<void(const std::vector<std::string>&)>& on_row,
               const std::function<void()>& on_done = {});
  void RunJson(const std::function<void(const nlohmann::ordered_json&)>& on_row);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace duckpart
