// The atomic steps of a publish, tried for real on the target's filesystem.
#pragma once

#include <string>
#include <vector>

#include "duckpart/doctor.h"

namespace duckpart::doctor {

// In a scratch folder made inside `dir` (or its nearest existing parent) and removed after:
// rename of a file over another, a symbolic link renamed over another, fsync of a file and of
// a folder, renameat2 RENAME_EXCHANGE of two folders. One check each; a scratch folder that
// cannot be made is one FAIL.
std::vector<DoctorCheck> CheckAtomicSteps(const std::string& dir);

}  // namespace duckpart::doctor
