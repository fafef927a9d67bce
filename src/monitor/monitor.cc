// Monitor: one DuckDB instance and connection for its life, one cycle per Check().
#include "duckpart/monitor.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "db/database.h"
#include "db/error_text.h"
#include "duckpart/config.h"
#include "duckpart/error.h"
#include "monitor/last_write.h"
#include "monitor/target_checks.h"
#include "ops/failure.h"

namespace duckpart {
namespace {

namespace fs = std::filesystem;

Health Worse(Health a, Health b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

void CheckTargetGiven(const MonitorTarget& t) {
  if (t.dir.empty() == t.database.empty())
    throw InputError("a monitor target is either a dataset folder or a database (--to-db)");
  if (!t.dir.empty()) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(t.dir, ec)))
      throw InputError("no dataset at '" + t.dir + "': it does not exist");
    if (!fs::is_directory(t.dir, ec)) throw InputError("'" + t.dir + "' is not a dataset folder");
    return;
  }
  if (!fs::is_regular_file(t.database))
    throw InputError("--to-db '" + t.database + "': no such database file");
}

// The message of a failure, translated as every duckpart failure is (ops/failure).
std::string Message(std::exception_ptr failure) {
  try {
    ops::ThrowTranslated(failure, nullptr);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "unknown failure";
}

// A target that could not be read: one critical check saying why. A database that another
// process holds open (DuckDB's lock on the file: a writer at work) is a warning instead,
// checked again next cycle.
TargetHealth Unreadable(const MonitorTarget& t, const std::string& why) {
  const std::optional<std::string> busy = t.database.empty() ? std::nullopt : db::LockConflict(why);
  TargetHealth h{.target = t.Name(), .kind = t.dir.empty() ? "tables" : "parquet"};
  h.checks.push_back(
      {.name = "readable",
       .health = busy ? Health::kWarning : Health::kCritical,
       .detail = busy.value_or(why),
       .advice = busy ? "a writer has the database open; the next cycle tries again"
                      : "run `duckpart validate` on it, or `duckpart recover` after a crash"});
  return h;
}

void Order(const char* warn_key, const char* critical_key, bool ok) {
  if (!ok)
    throw InputError(std::string("the configuration's ") + critical_key + " is milder than its " +
                     warn_key +
                     "; a critical threshold must be past "
                     "the warning one (see duckpart config)");
}

}  // namespace

const char* HealthName(Health h) {
  switch (h) {
    case Health::kOk:
      return "ok";
    case Health::kWarning:
      return "warning";
    case Health::kCritical:
      return "critical";
  }
  return "critical";
}

namespace {

// The thresholds of the history checks, each critical one checked against its warning one.
void HistoryThresholds(const Config& c, MonitorThresholds& t) {
  t.failures_warn = c.Integer("failures_warn");
  t.failures_critical = c.Integer("failures_critical");
  t.slow_operation_warn = c.Seconds("slow_operation_warn");
  t.slow_operation_critical = c.Seconds("slow_operation_critical");
  t.memory_warn_ratio = c.Number("memory_warn_ratio");
  t.memory_critical_ratio = c.Number("memory_critical_ratio");
  t.recent_operations = c.Integer("recent_operations");
  Order("failures_warn", "failures_critical", t.failures_critical >= t.failures_warn);
  Order("slow_operation_warn", "slow_operation_critical",
        t.slow_operation_critical >= t.slow_operation_warn);
  Order("memory_warn_ratio", "memory_critical_ratio",
        t.memory_critical_ratio >= t.memory_warn_ratio);
}

}  // namespace

MonitorThresholds ThresholdsFromConfig(const Config& c) {
  MonitorThresholds t{.cv_warn = c.Number("cv_warn"),
                      .cv_critical = c.Number("cv_critical"),
                      .small_file_size = c.Bytes("small_file_size"),
                      .small_file_ratio = c.Number("small_file_ratio"),
                      .freshness_max_age = c.Seconds("freshness_max_age"),
                      .freshness_critical_age = c.Seconds("freshness_critical_age"),
                      .free_space_min = c.Bytes("free_space_min"),
                      .free_space_critical = c.Bytes("free_space_critical"),
                      .versions_max = c.Integer("versions_max"),
                      .lock_max_age = c.Seconds("lock_max_age")};
  HistoryThresholds(c, t);
  Order("cv_warn", "cv_critical", t.cv_critical >= t.cv_warn);
  Order("freshness_max_age", "freshness_critical_age",
        t.freshness_critical_age >= t.freshness_max_age);
  Order("free_space_min", "free_space_critical", t.free_space_critical <= t.free_space_min);
  return t;
}

std::string MonitorTarget::Name() const {
  if (!dir.empty()) return dir;
  return schema.empty() ? database : database + " schema " + schema;
}

Health TargetHealth::Worst() const {
  Health w = Health::kOk;
  for (const auto& c : checks) w = Worse(w, c.health);
  return w;
}

Health MonitorReport::Worst() const {
  Health w = Health::kOk;
  for (const auto& t : targets) w = Worse(w, t.Worst());
  return w;
}

struct Monitor::Impl {
  MonitorOptions options;
  db::Database database;
  db::Connection conn;
  int64_t cycles = 0;

  explicit Impl(MonitorOptions o)
      : options(std::move(o)),
        database(db::DatabaseOptions{.memory_limit = options.engine.memory_limit,
                                     .threads = options.engine.threads}),
        conn(database) {}

  TargetHealth CheckOne(const MonitorTarget& t, const monitor::CheckContext& ctx) {
    try {
      return t.dir.empty() ? monitor::CheckTablesTarget(t, ctx)
                           : monitor::CheckParquetTarget(t, ctx);
    } catch (...) {
      return Unreadable(t, Message(std::current_exception()));
    }
  }
};

Monitor::Monitor(MonitorOptions options) {
  if (options.targets.empty())
    throw InputError("give a dataset folder to monitor, or --to-db FILE for partition tables");
  for (const auto& t : options.targets) CheckTargetGiven(t);
  if (!options.now) options.now = [] { return std::chrono::system_clock::now(); };
  impl_ = std::make_unique<Impl>(std::move(options));
}

Monitor::~Monitor() = default;

MonitorReport Monitor::Check() {
  const auto start = std::chrono::steady_clock::now();
  const MonitorOptions& o = impl_->options;
  MonitorReport r;
  r.checked_unix =
      std::chrono::duration_cast<std::chrono::seconds>(o.now().time_since_epoch()).count();
  r.checked_at = monitor::FormatUtc(r.checked_unix);
  r.cycle = ++impl_->cycles;
  const monitor::CheckContext ctx{.thresholds = o.thresholds,
                                  .deep = o.deep,
                                  .engine = o.engine,
                                  .now_unix = r.checked_unix,
                                  .conn = impl_->conn};
  for (const auto& t : o.targets) r.targets.push_back(impl_->CheckOne(t, ctx));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace duckpart
