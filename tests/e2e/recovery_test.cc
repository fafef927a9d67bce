// End-to-end crash safety: `duckpart run` killed with SIGKILL at random moments, then
// `duckpart recover`, `duckpart validate` and a plain glob reader; and runs that fill
// the disk or the spill cap, then `duckpart cleanup`.
//
// DUCKPART_CRASH_TRIALS (default 50) sets the number of kills; DUCKPART_CRASH_SEED
// replays a sequence.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/recover.h"
#include "store/dataset_store.h"
#include "store/fs.h"
#include "support/run_binary.h"
#include "support/seed.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kColumns = "id, ts, user_id, amount, category, referrer, tag";

struct Stats {
  int64_t rows = 0;
  std::string checksum = "0";
  bool operator==(const Stats&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Stats& s) {
  return os << s.rows << " rows, checksum " << s.checksum;
}

Stats TableStats(const std::string& db_path) {
  db::Database database(db::DatabaseOptions{.path = db_path, .access = db::Access::kReadOnly});
  db::Connection conn(database);
  db::Result r = conn.Query(std::string("SELECT count(*), CAST(coalesce(sum(CAST(hash(") +
                            kColumns + ") AS HUGEINT)), 0) AS VARCHAR) FROM events");
  return {r.GetInt64(0, 0), r.GetString(0, 1)};
}

// What a reader that knows nothing of duckpart sees: every Parquet file under DIR.
std::optional<Stats> GlobStats(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return std::nullopt;
  db::Database database(db::DatabaseOptions{.threads = 2});
  db::Connection conn(database);
  db::Result r =
      conn.Query(std::string("SELECT count(*), CAST(coalesce(sum(CAST(hash(") + kColumns +
                 ") AS HUGEINT)), 0) AS VARCHAR) FROM read_parquet(" +
                 db::QuoteLiteral(dir + "/**/*.parquet") + ", hive_partitioning = false)");
  return Stats{r.GetInt64(0, 0), r.GetString(0, 1)};
}

// Starts the binary with its output thrown away; returns its pid.
pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<std::string> all = {DUCKPART_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

void MakeDemo(const std::string& dir, int64_t rows, int64_t seed) {
  RunResult r = RunDuckpart({"demo", "--rows", std::to_string(rows), "--seed", std::to_string(seed),
                             "--dir", dir, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

struct Timing {
  double commit = 0;  // seconds from the start until the target's link changed
  double exit = 0;    // ... until the process ended
};

// Runs to the end, watching the target's link every millisecond.
Timing TimeRun(const std::vector<std::string>& args, const std::string& target) {
  auto link = [&] {
    std::error_code ec;
    return fs::read_symlink(target, ec).string();
  };
  const std::string before = link();
  Timing t;
  const auto start = Clock::now();
  const pid_t pid = Spawn(args);
  int status = 0;
  const auto deadline = Clock::now() + kRunTimeout;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) ::kill(pid, SIGKILL);
    if (t.commit == 0 && link() != before)
      t.commit = std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  t.exit = std::chrono::duration<double>(Clock::now() - start).count();
  if (t.commit == 0) t.commit = t.exit;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) t.exit = -1;
  return t;
}

std::vector<std::string> RunArgs(const std::string& db, const std::string& target, bool replace,
                                 const std::string& spec = "day(ts)") {
  std::vector<std::string> args = {"run",  "--db", db,     "--table", "events",
                                   "--by", spec,   "--to", target,    "--quiet"};
  if (replace) args.push_back("--replace");
  return args;
}

TEST(Crash, KillNineAtRandomMomentsThenRecoverGivesTheOldOrTheNewVersionNeverAMix) {
  TempDir dir;
  const int64_t trials = EnvInt("DUCKPART_CRASH_TRIALS", 50);
  const uint64_t seed = TestSeed("DUCKPART_CRASH_SEED");
  std::mt19937_64 rng(seed);
  SCOPED_TRACE("DUCKPART_SEED=" + std::to_string(seed));

  const int64_t rows = EnvInt("DUCKPART_CRASH_ROWS", 200'000);
  MakeDemo(dir / "a", rows, 1);
  MakeDemo(dir / "b", rows, 2);
  const std::string db[2] = {dir / "a/demo.db", dir / "b/demo.db"};
  const Stats expected[2] = {TableStats(db[0]), TableStats(db[1])};
  ASSERT_NE(expected[0], expected[1]);

  // The two versions differ in rows (two seeds) and in shape: A is month(ts) of seed 1
  // (24 partitions), B is day(ts) of seed 2 (731 partitions, the longer run).
  const std::string spec[2] = {"month(ts)", "day(ts)"};
  // Calibration: an uninterrupted run of each, timed from the start to the commit (the
  // link appears or changes) and to the exit. Half the kills land anywhere in
  // [0, 1.2 x the run], half near and after its commit point, where the publish and the
  // removal of the old version happen.
  std::string target = dir / "t0";
  const Timing timing[2] = {TimeRun(RunArgs(db[0], target, false, spec[0]), target),
                            TimeRun(RunArgs(db[1], target, true, spec[1]), target)};
  ASSERT_GT(timing[0].exit, 0);
  ASSERT_GT(timing[1].exit, 0);
  auto kill_after = [&](int source, bool near) {
    const Timing& t = timing[source];
    std::uniform_real_distribution<double> anywhere(0, 1.2 * t.exit),
        near_commit(0.95 * t.commit, 1.1 * t.exit);
    return near ? near_commit(rng) : anywhere(rng);
  };

  int state = 1;  // which source the dataset at `target` holds: 0, 1, or -1 for none
  int target_no = 0;
  int old_seen = 0, new_seen = 0, finished = 0;
  const auto start = Clock::now();
  for (int64_t i = 0; i < trials; ++i) {
    SCOPED_TRACE("trial " + std::to_string(i));
    if (i % 5 == 4) {  // every fifth trial is a first run, on a fresh target
      fs::remove_all(target);
      fs::remove_all(store::DatasetStore(target).store());
      target = dir / ("t" + std::to_string(++target_no));
      state = -1;
    }
    const int next = state == -1 ? static_cast<int>(rng() % 2) : 1 - state;
    const double wait = kill_after(next, i % 2 == 1);
    const pid_t pid = Spawn(RunArgs(db[next], target, state != -1, spec[next]));
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    ::kill(pid, SIGKILL);  // a zombie if it has finished: harmless
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    const bool killed = WIFSIGNALED(status);
    if (!killed) {
      ++finished;
      ASSERT_EQ(WEXITSTATUS(status), 0) << "the run failed by itself";
    }

    RunResult rec = RunDuckpart({"recover", target});
    if (state == -1 && killed && !fs::exists(fs::symlink_status(target)) &&
        !fs::exists(store::DatasetStore(target).store())) {
      // A first run killed before it made its store left nothing: recover says so and
      // fails, as it does for any path that holds no dataset.
      EXPECT_EQ(rec.exit_code, 2) << rec.out << rec.err;
      EXPECT_NE(rec.err.find("does not exist"), std::string::npos) << rec.err;
      ++old_seen;
      continue;
    }
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    const StoreStatus st = InspectStore(target);
    EXPECT_TRUE(st.leftovers.empty()) << rec.out;

    const std::optional<Stats> seen = GlobStats(target);
    int now;
    if (!seen) {
      ASSERT_EQ(state, -1) << "a dataset vanished; recover said: " << rec.out;
      now = -1;
    } else if (*seen == expected[next]) {
      now = next;
    } else {
      ASSERT_NE(state, -1) << "a first run left data that is not its source's: " << *seen
                           << "; recover said: " << rec.out;
      ASSERT_EQ(*seen, expected[state])
          << "neither the old nor the new version; recover said: " << rec.out;
      now = state;
    }
    if (killed) (now == next ? new_seen : old_seen)++;
    if (!killed) {
      ASSERT_EQ(now, next) << "a run that finished did not publish";
    }

    RunResult val = RunDuckpart({"validate", target, "--json"});
    if (now == -1) {
      EXPECT_EQ(val.exit_code, 2) << val.out << val.err;
      EXPECT_FALSE(fs::exists(fs::symlink_status(target)));
    } else {
      ASSERT_EQ(val.exit_code, 0) << val.out << val.err;
      const auto j = nlohmann::json::parse(val.out);
      EXPECT_EQ(j["rows"].get<int64_t>(), expected[now].rows);
      EXPECT_EQ(j["checksum"].get<std::string>(), expected[now].checksum);
      EXPECT_TRUE(j["leftovers"].empty());
    }
    state = now;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "[ crash    ] " << trials << " trials in " << secs << " s (runs took "
            << timing[0].exit << " and " << timing[1].exit << " s, committing at "
            << timing[0].commit << " and " << timing[1].commit << " s): killed before the commit "
            << old_seen << ", after it " << new_seen << ", finished " << finished << "\n";
  EXPECT_GT(old_seen, 0) << "no kill landed before the commit point";
}

TEST(Crash, AKilledTableRunIsRolledBackByRecoverDb) {
  TempDir dir;
  MakeDemo(dir / "a", 50'000, 1);
  const std::string db = dir / "a/demo.db", parts = dir / "parts.db";
  auto args = [&](bool replace) {
    std::vector<std::string> a = {"run",  "--db",    db,        "--table", "events",
                                  "--by", "day(ts)", "--to-db", parts,     "-q"};
    if (replace) a.push_back("--replace");
    return a;
  };
  ASSERT_EQ(RunDuckpart(args(false)).exit_code, 0);
  auto version = [&] {
    db::Database database(db::DatabaseOptions{.path = parts, .access = db::Access::kReadOnly});
    db::Connection conn(database);
    return conn.Query("SELECT count(*) FROM main.events_partitioned").GetInt64(0, 0);
  };
  const int64_t rows = version();
  const uint64_t seed = TestSeed();
  std::mt19937_64 rng(seed);
  SCOPED_TRACE("DUCKPART_SEED=" + std::to_string(seed));
  for (int i = 0; i < 3; ++i) {
    const pid_t pid = Spawn(args(true));
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 800));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    RunResult r = RunDuckpart({"recover", "--db", parts});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(parts + ".tmp") && !fs::is_empty(parts + ".tmp")) << r.out;
    EXPECT_EQ(version(), rows);
    RunResult again = RunDuckpart({"recover", "--db", parts, "--json"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(nlohmann::json::parse(again.out)["outcome"], "nothing to recover");
  }
}

TEST(Crash, RecoverRefusesWhileAnotherProcessHoldsTheLock) {
  TempDir dir;
  MakeDemo(dir / "a", 2000, 1);
  const std::string target = dir / "ds";
  ASSERT_EQ(RunDuckpart(RunArgs(dir / "a/demo.db", target, false)).exit_code, 0);
  store::DatasetStore store(target);
  fs::create_directories(store.store() / "staging-1-1/data/k=1");
  std::ofstream(store.store() / "staging-1-1/data/k=1/data_0.parquet") << "half-written";
  {
    store::StoreLock lock(store);  // this test process is the "live writer"
    for (const char* cmd : {"recover", "cleanup"}) {
      RunResult r = RunDuckpart({cmd, target});
      EXPECT_EQ(r.exit_code, 4) << cmd << ": " << r.out << r.err;  // busy
      EXPECT_EQ(
          r.err.rfind("duckpart: error: a duckpart process (pid " + std::to_string(getpid()) + ")",
                      0),
          0u)
          << r.err;
      EXPECT_TRUE(fs::exists(store.store() / "staging-1-1"));
    }
    RunResult v = RunDuckpart({"validate", target});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_NE(v.err.find("is writing to"), std::string::npos) << v.err;
  }
  RunResult v = RunDuckpart({"validate", target});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.err.find("an interrupted operation left 1 leftover"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("duckpart recover"), std::string::npos) << v.err;
  RunResult dry = RunDuckpart({"recover", target, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would roll back an unfinished run"), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find("rolled back"), std::string::npos) << "the past tense: " << dry.out;
  EXPECT_TRUE(fs::exists(store.store() / "staging-1-1"));
  RunResult r = RunDuckpart({"recover", target});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rolled back an unfinished run"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(store.store() / "staging-1-1"));
  EXPECT_EQ(RunDuckpart({"validate", target}).err, "");
}

TEST(Crash, RecoverAndCleanupSpeakJson) {
  TempDir dir;
  MakeDemo(dir / "a", 2000, 1);
  const std::string target = dir / "ds";
  ASSERT_EQ(RunDuckpart(RunArgs(dir / "a/demo.db", target, false)).exit_code, 0);
  std::vector<std::string> replace = RunArgs(dir / "a/demo.db", target, true);
  replace.insert(replace.end(), {"--version-grace", "0s"});  // v1 goes at once
  ASSERT_EQ(RunDuckpart(replace).exit_code, 0);
  store::DatasetStore store(target);
  fs::copy(store.VersionDir(2), store.VersionDir(1),
           fs::copy_options::recursive);  // an unremoved old version
  RunResult c = RunDuckpart({"cleanup", target, "--dry-run", "--json"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto j = nlohmann::json::parse(c.out);
  ASSERT_EQ(j["removed"].size(), 1u);
  EXPECT_EQ(j["removed"][0]["kind"], "superseded version");
  EXPECT_TRUE(fs::exists(store.VersionDir(1)));
  RunResult r = RunDuckpart({"recover", target, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["outcome"], "completed");
  EXPECT_EQ(j["version"], 2);
  EXPECT_FALSE(fs::exists(store.VersionDir(1)));
}

// Everything under a folder, as relative paths.
std::vector<std::string> Listing(const fs::path& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    out.push_back(e.path().lexically_relative(root).string());
  std::sort(out.begin(), out.end());
  return out;
}

void ExpectCleanFailure(const RunResult& r, const std::string& target) {
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(r.err.rfind("duckpart: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(fs::symlink_status(target))) << "something was published";
  const StoreStatus st = InspectStore(target);
  EXPECT_TRUE(st.Interrupted().empty()) << "the failed run left work behind";
  // A failed first run removes the store it made (lock, marker, spill folder): nothing is
  // left, so cleanup finds neither a dataset nor a store (exit 2).
  EXPECT_TRUE(Listing(fs::path(target).parent_path()).empty()) << "left by the failed run";
  RunResult c = RunDuckpart({"cleanup", target});
  EXPECT_EQ(c.exit_code, 2) << c.out << c.err;
}

TEST(DiskFull, ASpillCapTooSmallFailsCleanlyAndLeavesNothing) {
  TempDir dir;
  MakeDemo(dir / "a", 200'000, 1);
  fs::create_directories(dir / "out");
  const std::string target = dir / "out/ds";
  // Sorting 200k rows inside each partition in 20 MB must spill; 1 MB of spill is too little.
  RunResult r =
      RunDuckpart({"run", "--db", dir / "a/demo.db", "--table", "events", "--by", "month(ts)",
                   "--sort-by", "user_id,amount", "--to", target, "--memory-limit", "20MB",
                   "--threads", "1", "--max-temp-size", "1MB", "--quiet"});
  ExpectCleanFailure(r, target);
  EXPECT_NE(r.err.find("max_temp_directory_size"), std::string::npos) << r.err;
}

// A 2 MiB tmpfs, unmounted when the test ends; skipped where mounting is not allowed.
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& path) : path_(path) {
    fs::create_directories(path);
    mounted_ = ::mount("tmpfs", path.c_str(), "tmpfs", 0, "size=2m") == 0;
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }

 private:
  std::string path_;
  bool mounted_ = false;
};

TEST(DiskFull, AFullDiskFailsCleanlyAndLeavesNothing) {
  TempDir dir;
  SmallDisk disk(dir / "small");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)";
  MakeDemo(dir / "a", 200'000, 1);
  const std::string target = dir / "small/ds";
  RunResult r = RunDuckpart({"run", "--db", dir / "a/demo.db", "--table", "events", "--by",
                             "month(ts)", "--to", target, "--quiet"});
  ExpectCleanFailure(r, target);
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace duckpart::testing
