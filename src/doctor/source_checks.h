// The source part of `duckpart doctor`: column profiles, a suggested spec, and the
// planner's prediction for it and for --by.
#pragma once

#include <cstdint>
#include <vector>

#include "duckpart/doctor.h"

namespace duckpart::doctor {

struct SourceFindings {
  std::vector<DoctorCheck> checks;
  int64_t partitions = -1;  // of --by, when given and it fits
  int64_t est_bytes = -1;   // the source's estimated uncompressed bytes (from a plan)
};

// Opens the source and checks its columns (or options.column), suggests a spec and plans it
// and options.by. Throws InputError for a source that cannot be read, an unknown column or a
// --by that does not parse; a spec that does not fit the source is a FAIL check.
SourceFindings CheckSource(const DoctorOptions& options);

}  // namespace duckpart::doctor
