#include "plan/write_budget.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string_view>

#include "duckpart/error.h"
#include "util/byte_size.h"

namespace duckpart::plan {
namespace {

// The share of the memory limit the partition buffers may take; the rest is for the
// sort, the open file writers, the keys join and DuckDB itself.
constexpr double kBufferShare = 0.5;
constexpr int64_t kDefaultFlushThreshold = 524288;  // DuckDB's default, rows per thread
// With sorted input each flush covers partitions in key order; this many partitions per
// flush keeps the buffers few at any partition count.
constexpr int64_t kPartitionsPerFlush = 8;
constexpr int64_t kSortedMaxOpenFiles = 16;
constexpr int64_t kDirectMaxOpenFiles = 100;  // DuckDB's default

bool IsStringLike(std::string_view t) {
  return t == "VARCHAR" || t == "BLOB" || t == "BIT" || t.starts_with("ENUM") ||
         t.find('[') != t.npos || t.starts_with("STRUCT") || t.starts_with("MAP") ||
         t.starts_with("UNION");
}

int64_t DecimalWidth(std::string_view t) {
  const size_t open = t.find('(');
  if (open == t.npos) return 8;  // DECIMAL(18,3)
  const int precision = std::atoi(std::string(t.substr(open + 1)).c_str());
  return precision <= 4 ? 2 : precision <= 9 ? 4 : precision <= 18 ? 8 : 16;
}

// Bytes of one partition's buffered vectors (the partition id column included). The
// strings' own bytes are not counted per partition: measured, 200 one-row partitions of
// 40 VARCHAR columns (200 x 1.3 MB of vectors) fail under 244 MiB and 100 fit, as the
// vectors alone predict.
int64_t PartitionBufferBytes(const std::vector<ColumnInfo>& schema) {
  int64_t per_row = 8;  // __dp_pid, BIGINT
  for (const auto& c : schema) per_row += BufferBytesPerRow(c.type);
  return per_row * kVectorRows;
}

int64_t FlushThreshold(const WriteBudgetInput& in, int64_t per_thread_budget) {
  int64_t row_bytes = 8;
  for (const auto& c : in.schema) row_bytes += BufferBytesPerRow(c.type);
  row_bytes = std::max(row_bytes, in.est_row_bytes);
  int64_t flush = kDefaultFlushThreshold;
  if (in.sorted && !in.partition_rows.empty()) {
    int64_t total = 0;
    for (int64_t r : in.partition_rows) total += r;
    flush = total / static_cast<int64_t>(in.partition_rows.size()) * kPartitionsPerFlush;
  }
  // The rows buffered before a flush take half the per-thread budget at most.
  flush = std::min(flush, per_thread_budget / 2 / std::max<int64_t>(1, row_bytes));
  return std::clamp<int64_t>(flush, kVectorRows, kDefaultFlushThreshold);
}

// Splits ids 0..n-1 into passes in which one thread never touches more than `k`
// partitions at once. Unsorted, a pass's every partition may be in flight; sorted, the
// partitions a window of `window` consecutive rows can span: a window that starts at
// the last row of partition i reaches partition i+k when 1 + rows(i+1..i+k-1) < window.
std::vector<std::pair<int64_t, int64_t>> Passes(const std::vector<int64_t>& rows, int64_t k,
                                                bool sorted, int64_t window) {
  const auto n = static_cast<int64_t>(rows.size());
  std::vector<int64_t> prefix(rows.size() + 1, 0);  // prefix[x] = rows of ids 0..x-1
  for (int64_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + std::max<int64_t>(0, rows[i]);
  std::vector<std::pair<int64_t, int64_t>> passes;
  int64_t start = 0;
  for (int64_t e = 0; e < n; ++e) {
    const int64_t i = e - k;  // the window from i would reach e: partitions i..e are k+1
    if (i < start) continue;
    if (!sorted || 1 + prefix[e] - prefix[i + 1] < window) {
      passes.emplace_back(start, e - 1);
      start = e;
    }
  }
  if (n > 0) passes.emplace_back(start, n - 1);
  return passes;
}

std::string Mib(double bytes) {
  return std::to_string(static_cast<int64_t>(bytes / (1024 * 1024)) + 1) + " MiB";
}

}  // namespace

int64_t BufferBytesPerRow(const std::string& type) {
  const std::string_view t(type);
  if (IsStringLike(t)) return 16;
  if (t.starts_with("DECIMAL")) return DecimalWidth(t);
  static const std::map<std::string_view, int64_t> kWidths = {
      {"BOOLEAN", 1},   {"TINYINT", 1},  {"UTINYINT", 1}, {"SMALLINT", 2}, {"USMALLINT", 2},
      {"INTEGER", 4},   {"UINTEGER", 4}, {"DATE", 4},     {"FLOAT", 4},    {"HUGEINT", 16},
      {"UHUGEINT", 16}, {"UUID", 16},    {"INTERVAL", 16}};
  const auto it = kWidths.find(t);
  return it == kWidths.end() ? 8 : it->second;  // BIGINT, DOUBLE, TIMESTAMP*, TIME* and the rest
}

WriteBudget PlanWriteBudget(const WriteBudgetInput& in) {
  WriteBudget b;
  b.partition_buffer_bytes = PartitionBufferBytes(in.schema);
  const int threads = std::max(1, in.threads);
  const double budget = kBufferShare * static_cast<double>(in.memory_limit);
  const int64_t per_thread =
      in.memory_limit > 0 ? static_cast<int64_t>(budget / threads) : INT64_MAX / 4;
  b.max_in_flight = per_thread / b.partition_buffer_bytes;
  if (b.max_in_flight < 1) {
    const double need = static_cast<double>(b.partition_buffer_bytes) * threads / kBufferShare;
    throw InputError("the write buffers of one partition of " + std::to_string(in.schema.size()) +
                     " columns take about " + Mib(static_cast<double>(b.partition_buffer_bytes)) +
                     " per thread, more than the memory limit allows with " +
                     std::to_string(threads) + " threads; raise --memory-limit to " + Mib(need) +
                     " or more, or lower --threads");
  }
  b.flush_threshold = FlushThreshold(in, per_thread);
  b.max_open_files = std::clamp<int64_t>(b.max_in_flight, 1,
                                         in.sorted ? kSortedMaxOpenFiles : kDirectMaxOpenFiles);
  b.passes = Passes(in.partition_rows, b.max_in_flight, in.sorted,
                    std::max(b.flush_threshold, kVectorRows));
  return b;
}

WriteBudgetInput BudgetInputOf(db::Connection& conn, const Plan& plan, bool sorted) {
  WriteBudgetInput in{
      .schema = plan.schema, .memory_limit = MemoryLimitBytes(conn), .sorted = sorted};
  for (const auto& p : plan.partitions) {
    if (p.id < 0) continue;
    if (p.id >= static_cast<int64_t>(in.partition_rows.size()))
      in.partition_rows.resize(p.id + 1, 0);
    in.partition_rows[p.id] = p.rows;
  }
  in.est_row_bytes = plan.total_rows > 0 ? plan.est_bytes / plan.total_rows : 0;
  in.threads = static_cast<int>(std::max<int64_t>(
      1, std::atoll(
             conn.Query("SELECT current_setting('threads')::VARCHAR").GetString(0, 0).c_str())));
  return in;
}

std::string SettingsSql(const WriteBudget& b) {
  return "SET partitioned_write_flush_threshold = " + std::to_string(b.flush_threshold) +
         "; SET partitioned_write_max_open_files = " + std::to_string(b.max_open_files);
}

int64_t MemoryLimitBytes(db::Connection& conn) {
  return util::ParseByteSize(conn.Query("SELECT current_setting('memory_limit')").GetString(0, 0))
      .value_or(0);
}

}  // namespace duckpart::plan
