// Parses a spec and opens DuckDB through the installed headers and libraries.
#include <duckdb.h>
#include <duckpart/spec.h>
#include <duckpart/version.h>

#include <iostream>

int main() {
  const duckpart::Spec spec = duckpart::ParseSpec("month(ts), bucket(8, user_id)");
  std::cout << "duckpart " << duckpart::kVersion << ": " << duckpart::ToString(spec) << " ("
            << spec.fields.size() << " fields) on DuckDB " << duckdb_library_version() << "\n";
  return spec.fields.size() == 2 ? 0 : 1;
}
