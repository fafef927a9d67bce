// While one pass of the partitioned COPY runs, looks at what it has put on disk and tells
// the work meter: the bytes of the files written so far, and, for a write sorted by
// partition id (which emits the partitions in id order), the rows of the partitions
// before the highest one it has begun. DuckDB's own progress of such a COPY reaches
// about 93% once the source is read and then stands still while it writes; the files
// are the truth.
//
//   {
//     WriteProbe probe(meter, raw, plan, first, last, sorted);
//     conn.Execute(copy_sql);
//   }  // the probe stops and joins here
//
// The probe lists the partition folders, and sums the files' bytes, each at most every
// 250 ms and then after 20 times as long as the last one took, so neither costs more than
// about 5% of a core (100,000 partition folders take a while to walk).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "duckpart/plan.h"
#include "ops/work_meter.h"

namespace duckpart::parquet {

class WriteProbe {
 public:
  // Watches `raw` (the COPY's output folder, with one `__dp_pid=N` folder per partition)
  // for the partitions of ids `first`..`last` of `plan` (bytes count every pass's files
  // in `raw`). Starts a thread; nothing it meets is thrown.
  WriteProbe(ops::WorkMeter& meter, std::filesystem::path raw, const Plan& plan, int64_t first,
             int64_t last, bool sorted);
  ~WriteProbe();
  WriteProbe(const WriteProbe&) = delete;
  WriteProbe& operator=(const WriteProbe&) = delete;

 private:
  void Loop();
  void LookAtPartitions();  // one listing of `raw` (its partition folders, not their files)

  ops::WorkMeter& meter_;
  const std::filesystem::path raw_;
  const int64_t first_, last_;
  const bool sorted_;
  // (id, rows of the pass's partitions with smaller ids), by id.
  std::vector<std::pair<int64_t, int64_t>> rows_before_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

// Bytes of the regular files under `dir` (0 when it does not exist; files that vanish
// while it counts are skipped).
int64_t BytesUnder(const std::filesystem::path& dir);

}  // namespace duckpart::parquet
