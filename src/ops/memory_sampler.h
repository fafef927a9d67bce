// Peak memory and spill of one operation, as DuckDB reports them: the sum of
// memory_usage_bytes over duckdb_memory()'s tags (the buffer manager's memory, the part
// the memory limit bounds) and the sum of duckdb_temporary_files()'s sizes (what is
// spilled to the temp directory).
//
//   MemorySampler sampler(database);      // samples in the background, on its own connection
//   ... run the phases, calling sampler.Sample() at their ends ...
//   MemoryPeak peak = sampler.peak();
//
// Samples are taken on a thread with its own connection (a query of the two table
// functions takes well under a millisecond): every kMemorySampleInterval at first, then
// about kSamplesPerElapsed over the time elapsed, at most kMaxMemorySampleInterval apart;
// and whenever the driver calls Sample() at a phase boundary. A peak shorter than the interval can
// be missed: the figure is a lower bound of the true peak, never above it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/database.h"
#include "duckpart/history.h"

namespace duckpart::ops {

struct MemoryPeak {
  int64_t memory_bytes = 0;  // the highest sum of duckdb_memory().memory_usage_bytes seen
  int64_t spill_bytes = 0;   // the highest sum of duckdb_temporary_files().size seen
};

inline constexpr std::chrono::milliseconds kMemorySampleInterval{100};
inline constexpr std::chrono::milliseconds kMaxMemorySampleInterval{1000};
inline constexpr int kSamplesPerElapsed = 20;
// Peak memory above this share of the memory limit warns on the terminal.
inline constexpr double kMemoryWarnRatio = 0.8;

class MemorySampler {
 public:
  // Opens its own connection to `database` and samples, at least `interval` apart, until
  // destroyed (a zero interval: only when Sample() is called). `database` must outlive the sampler.
  // Throws db::DbError when the connection cannot be made.
  explicit MemorySampler(const db::Database& database,
                         std::chrono::milliseconds interval = kMemorySampleInterval);
  ~MemorySampler();
  MemorySampler(const MemorySampler&) = delete;
  MemorySampler& operator=(const MemorySampler&) = delete;

  // Samples now. Never throws: a sample that fails is skipped.
  void Sample() noexcept;
  // The highest figures sampled so far (both 0 before the first sample).
  MemoryPeak peak() const;

 private:
  void Loop(std::chrono::milliseconds interval);

  db::Connection conn_;  // used under query_mu_ only
  std::mutex query_mu_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  MemoryPeak peak_;    // guarded by mu_
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

// The warning for the terminal when `peak` passed kMemoryWarnRatio of `limit_bytes`, naming
// both and the flag to raise; "" when it did not or the limit is unknown (0).
std::string MemoryWarning(const MemoryPeak& peak, int64_t limit_bytes);

// The memory limit in bytes of a DuckDB setting such as "1GB" or "256MiB"; 0 when it is
// not a plain size (DuckDB's default, a percentage).
int64_t MemoryLimitBytes(const std::string& memory_limit);

// Samples once more and puts the peak figures and `limit_bytes` in `record` (the history
// record the commit writes).
void RecordMemory(MemorySampler& sampler, int64_t limit_bytes, HistoryRecord& record);

// Appends MemoryWarning(peak, limit_bytes) to `warnings` when there is one.
void WarnMemory(const MemoryPeak& peak, int64_t limit_bytes, std::vector<std::string>& warnings);

}  // namespace duckpart::ops
