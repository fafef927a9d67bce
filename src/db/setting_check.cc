#include "db/setting_check.h"

#include <duckdb.h>

namespace duckpart::db {

bool IsValidSetting(const std::string& name, const std::string& value) {
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) == DuckDBError)
    return true;  // cannot tell: DuckDB will say later
  const bool ok = duckdb_set_config(config, name.c_str(), value.c_str()) == DuckDBSuccess;
  duckdb_destroy_config(&config);
  return ok;
}

}  // namespace duckpart::db
