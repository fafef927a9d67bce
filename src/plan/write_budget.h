// How the partitioned write fits the memory limit, computed from the plan's schema and
// partition sizes: DuckDB's partitioned COPY settings and the passes the write needs.
//
//   WriteBudget b = PlanWriteBudget({.schema = plan.schema, .partition_rows = rows,
//                                    .memory_limit = MemoryLimitBytes(conn), .threads = 2,
//                                    .sorted = true});
//   for (const auto& [first, last] : b.passes) ... COPY the rows of pids first..last ...
//
// Why (measured with DuckDB 1.4.4): a partitioned COPY buffers, per thread, one vector of
// 2,048 rows for every column of every partition among the rows it has not flushed, and
// pins those buffers: about 16 bytes x 2,048 = 32 KiB per VARCHAR column per partition,
// whatever the partition's row count. The flush threshold is checked only after a whole
// input chunk (2,048 rows), so with tiny partitions one chunk alone touches up to 2,048
// partitions: 40 VARCHAR columns x 2,000 one-row partitions need 2.6 GB and fail with
// "failed to pin block" at 1 GB (and 256 MB) whatever the flush threshold and open-file
// settings; in passes of 100 partitions the same write fits 256 MB (248 MB peak RSS),
// in passes of 200 it does not. So the budget is counted in partition-column buffers:
// the partitions one pass can touch at once (all of the pass unsorted; the partitions a
// window of flush-threshold rows can span, sorted) times the bytes of one partition's
// buffer, times the threads, must fit a share of the limit; where they do not, the write
// is split into passes over consecutive partition ids.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "db/database.h"
#include "duckpart/plan.h"
#include "duckpart/source.h"

namespace duckpart::plan {

// DuckDB's vector size: the rows one buffer of one column holds.
inline constexpr int64_t kVectorRows = 2048;

struct WriteBudgetInput {
  std::vector<ColumnInfo> schema;  // the source columns (the partition id column is added)
  std::vector<int64_t>
      partition_rows;         // rows of each partition, in partition-id order (id = index)
  int64_t est_row_bytes = 0;  // the plan's estimate of a row's size (0 = unknown)
  int64_t memory_limit = 0;   // bytes; 0 = unknown (then no passes, no refusal)
  int threads = 1;
  bool sorted = false;  // input ordered by partition id
};

struct WriteBudget {
  int64_t partition_buffer_bytes = 0;  // one partition's buffered vectors, all columns
  int64_t flush_threshold = 0;         // partitioned_write_flush_threshold (rows per thread)
  int64_t max_open_files = 0;          // partitioned_write_max_open_files
  int64_t max_in_flight = 0;           // partitions one thread may touch at once within budget
  // Inclusive ranges of partition ids, one COPY each, together covering every id once.
  std::vector<std::pair<int64_t, int64_t>> passes;
};

// Bytes one row takes in one of DuckDB's column buffers for a column of this type (as
// DESCRIBE prints it): the fixed width, 16 for strings, blobs and anything nested.
int64_t BufferBytesPerRow(const std::string& type);

// The settings and passes for the write. Throws InputError naming the memory limit the
// write needs when even one partition's buffers per thread do not fit the budget (a
// table far too wide for the limit), so the run is refused before any write.
WriteBudget PlanWriteBudget(const WriteBudgetInput& in);

// The input for a write of `plan` in this session: its schema and partition sizes, the
// session's memory limit and threads.
WriteBudgetInput BudgetInputOf(db::Connection& conn, const Plan& plan, bool sorted);

// The SET statements that apply the budget's settings to a session.
std::string SettingsSql(const WriteBudget& b);

// The session's memory limit in bytes (from current_setting('memory_limit')); 0 when it
// cannot be read.
int64_t MemoryLimitBytes(db::Connection& conn);

}  // namespace duckpart::plan
