// Failure classification and retries: injected failures, an injected clock.
#include "duckpart/retry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <new>
#include <system_error>

#include "db/database.h"
#include "db/error.h"
#include "duckpart/error.h"

namespace duckpart {
namespace {

using std::chrono::milliseconds;

db::DbError Oom() {
  return db::DbError(
      db::ErrorKind::kOutOfMemory,
      "Out of Memory Error: could not allocate block of size 256.0 KiB (9.4 MiB/9.5 MiB used)\n\n"
      "Possible solutions:\n* Reducing the number of threads");
}

// Records attempts, sleeps and log lines; fails the first `failures` attempts with `fail`.
struct Harness {
  RetryPolicy policy;
  std::vector<Attempt> attempts;
  std::vector<milliseconds> sleeps;
  std::vector<std::string> log;

  Harness() {
    policy.initial_threads = 8;
    policy.sleep = [this](milliseconds ms) { sleeps.push_back(ms); };
  }

  RunResult Run(int failures, const std::function<void()>& fail) {
    return RunWithRetries(
        [&](const Attempt& a) {
          attempts.push_back(a);
          if (static_cast<int>(attempts.size()) <= failures) fail();
          RunResult r;
          r.strategy = "ok";
          return r;
        },
        policy, [this](const std::string& line) { log.push_back(line); });
  }
};

TEST(Retry, SuccessNeedsOneAttemptAndNoWait) {
  Harness h;
  EXPECT_EQ(h.Run(0, [] {}).strategy, "ok");
  ASSERT_EQ(h.attempts.size(), 1u);
  EXPECT_EQ(h.attempts[0].number, 1);
  EXPECT_EQ(h.attempts[0].threads, 8);
  EXPECT_FALSE(h.attempts[0].force_sorted);
  EXPECT_EQ(h.attempts[0].flush_threshold, 0);
  EXPECT_TRUE(h.sleeps.empty());
  EXPECT_TRUE(h.log.empty());
}

TEST(Retry, OutOfMemoryIsRetriedWithFewerThreadsMoreSpillingAndBackoff) {
  Harness h;
  EXPECT_EQ(h.Run(2, [] { throw Oom(); }).strategy, "ok");
  ASSERT_EQ(h.attempts.size(), 3u);
  EXPECT_EQ(h.attempts[1].number, 2);
  EXPECT_EQ(h.attempts[1].threads, 4);
  EXPECT_EQ(h.attempts[2].threads, 2);
  EXPECT_TRUE(h.attempts[1].force_sorted);
  EXPECT_TRUE(h.attempts[2].force_sorted);
  EXPECT_GT(h.attempts[1].flush_threshold, h.attempts[2].flush_threshold);
  EXPECT_GT(h.attempts[1].max_open_files, h.attempts[2].max_open_files);
  EXPECT_EQ(h.sleeps, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000)}));
  // Each retry says why, and what changes.
  ASSERT_EQ(h.log.size(), 2u);
  EXPECT_NE(h.log[0].find("attempt 1 of 3 failed"), std::string::npos) << h.log[0];
  EXPECT_NE(h.log[0].find("out of memory"), std::string::npos) << h.log[0];
  EXPECT_NE(h.log[0].find("could not allocate block"), std::string::npos) << h.log[0];
  EXPECT_NE(h.log[0].find("4 threads"), std::string::npos) << h.log[0];
  EXPECT_NE(h.log[0].find("1.0 s"), std::string::npos) << h.log[0];
  EXPECT_EQ(h.log[0].find('\n'), std::string::npos) << "one line: " << h.log[0];
  EXPECT_NE(h.log[1].find("attempt 2 of 3 failed"), std::string::npos) << h.log[1];
  EXPECT_NE(h.attempts[1].retry_reason.find("out of memory"), std::string::npos);
}

TEST(Retry, OutOfMemoryEverywhereStopsAfterMaxAttemptsAsARuntimeFailure) {
  Harness h;
  try {
    h.Run(100, [] { throw Oom(); });
    FAIL() << "no exception";
  } catch (const RuntimeFailure& e) {
    EXPECT_EQ(e.code(), ExitCode::kRuntime);
    EXPECT_NE(std::string(e.what()).find("out of memory after 3 attempts"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing was published"), std::string::npos) << e.what();
  }
  EXPECT_EQ(h.attempts.size(), 3u);
  EXPECT_EQ(h.sleeps.size(), 2u);
}

TEST(Retry, BackoffIsExponentialAndCapped) {
  Harness h;
  h.policy.max_attempts = 6;
  h.policy.initial_backoff = milliseconds(500);
  h.policy.backoff_factor = 3;
  h.policy.max_backoff = milliseconds(10000);
  EXPECT_THROW(h.Run(100, [] { throw Oom(); }), RuntimeFailure);
  EXPECT_EQ(h.attempts.size(), 6u);
  EXPECT_EQ(h.sleeps,
            (std::vector<milliseconds>{milliseconds(500), milliseconds(1500), milliseconds(4500),
                                       milliseconds(10000), milliseconds(10000)}));
  EXPECT_EQ(BackoffBefore(h.policy, 1), milliseconds(0));
  EXPECT_EQ(BackoffBefore(h.policy, 2), milliseconds(500));
}

TEST(Retry, ThreadsHalveDownToOne) {
  RetryPolicy p;
  p.initial_threads = 3;
  EXPECT_EQ(MakeAttempt(p, 1).threads, 3);
  EXPECT_EQ(MakeAttempt(p, 2).threads, 1);
  EXPECT_EQ(MakeAttempt(p, 5).threads, 1);
  p.initial_threads = 0;  // all cores: the first attempt keeps DuckDB's default
  EXPECT_EQ(MakeAttempt(p, 1).threads, 0);
  EXPECT_GE(MakeAttempt(p, 2).threads, 1);
  EXPECT_EQ(MakeAttempt(p, 2).flush_threshold, 32768);
  EXPECT_EQ(MakeAttempt(p, 3).flush_threshold, 8192);
  EXPECT_EQ(MakeAttempt(p, 40).flush_threshold, 1024);
  EXPECT_GE(MakeAttempt(p, 40).max_open_files, 8);
}

TEST(Retry, MaxAttemptsOneMeansNoRetry) {
  Harness h;
  h.policy.max_attempts = 1;
  EXPECT_THROW(h.Run(1, [] { throw Oom(); }), RuntimeFailure);
  EXPECT_EQ(h.attempts.size(), 1u);
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(Retry, BadAllocIsRetriedLikeOutOfMemory) {
  Harness h;
  EXPECT_EQ(h.Run(1, [] { throw std::bad_alloc(); }).strategy, "ok");
  EXPECT_EQ(h.attempts.size(), 2u);
}

TEST(Retry, IoErrorStopsAtOnce) {
  Harness h;
  try {
    h.Run(1, [] {
      throw db::DbError(db::ErrorKind::kIo,
                        "IO Error: Could not read file \"x\": Input/output error");
    });
    FAIL() << "no exception";
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("Input/output error"), std::string::npos) << e.what();
  }
  EXPECT_EQ(h.attempts.size(), 1u);
  EXPECT_TRUE(h.sleeps.empty());
  EXPECT_TRUE(h.log.empty());
}

TEST(Retry, DiskFullStopsAtOnceAndSaysHowMuchSpaceWasNeeded) {
  Harness h;
  h.policy.space_needed = [] { return int64_t{3} << 30; };
  h.policy.space_path = std::filesystem::temp_directory_path().string();
  try {
    h.Run(1, [] {
      throw db::DbError(
          db::ErrorKind::kIo,
          "IO Error: Could not write file \"/x/data_0.parquet\": No space left on device");
    });
    FAIL() << "no exception";
  } catch (const RuntimeFailure& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("out of disk space"), std::string::npos) << what;
    EXPECT_NE(what.find("needs about 3.0 GiB"), std::string::npos) << what;
    EXPECT_NE(what.find("is free on the file system of"), std::string::npos) << what;
  }
  EXPECT_EQ(h.attempts.size(), 1u);
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(Retry, TheSpillCapIsDiskFullNotOutOfMemory) {
  Harness h;
  EXPECT_THROW(h.Run(1,
                     [] {
                       throw db::DbError(
                           db::ErrorKind::kOutOfMemory,
                           "Out of Memory Error: failed to offload data block of size 256.0 KiB "
                           "(928.0 KiB/976.5 KiB used).\nThis limit was set by the "
                           "'max_temp_directory_size' setting.");
                     }),
               RuntimeFailure);
  EXPECT_EQ(h.attempts.size(), 1u);
}

TEST(Retry, FileSystemErrorsAreClassified) {
  const std::filesystem::filesystem_error full("rename",
                                               std::make_error_code(std::errc::no_space_on_device));
  const std::filesystem::filesystem_error denied(
      "rename", std::make_error_code(std::errc::permission_denied));
  EXPECT_EQ(ClassifyFailure(full), FailureClass::kDiskFull);
  EXPECT_EQ(ClassifyFailure(denied), FailureClass::kIo);
  Harness h;
  EXPECT_THROW(h.Run(1, [&] { throw full; }), RuntimeFailure);
  EXPECT_EQ(h.attempts.size(), 1u);
}

TEST(Retry, IntegrityFailureIsNeverRetriedAndKeepsItsExitCode) {
  Harness h;
  try {
    h.Run(1, [] { throw CheckFailed("the written data does not match the source"); });
    FAIL() << "no exception";
  } catch (const CheckFailed& e) {
    EXPECT_EQ(e.code(), ExitCode::kCheckFailed);
    EXPECT_STREQ(e.what(), "the written data does not match the source");
  }
  EXPECT_EQ(h.attempts.size(), 1u);
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(Retry, InvalidInputIsNeverRetried) {
  Harness h;
  EXPECT_THROW(h.Run(1, [] { throw InputError("unknown column 'ts2'"); }), InputError);
  EXPECT_EQ(h.attempts.size(), 1u);
  Harness b;
  try {
    b.Run(1, [] { throw db::DbError(db::ErrorKind::kBinder, "Binder Error: no column x"); });
    FAIL() << "no exception";
  } catch (const db::DbError& e) {
    EXPECT_EQ(e.kind(), db::ErrorKind::kBinder);  // as it was
  }
  EXPECT_EQ(b.attempts.size(), 1u);
  EXPECT_TRUE(b.sleeps.empty());
}

TEST(Retry, InterruptStopsCleanly) {
  Harness h;
  try {
    h.Run(1, [] { throw db::DbError(db::ErrorKind::kInterrupt, "INTERRUPT Error: Interrupted!"); });
    FAIL() << "no exception";
  } catch (const RuntimeFailure& e) {
    EXPECT_EQ(std::string(e.what()).rfind("interrupted", 0), 0u) << e.what();
  }
  EXPECT_EQ(h.attempts.size(), 1u);
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(Retry, CtrlCDuringARetryableFailureStopsWithoutRetrying) {
  Harness h;
  bool interrupted = false;
  h.policy.interrupted = [&] { return interrupted; };
  EXPECT_THROW(h.Run(5,
                     [&] {
                       interrupted = true;  // Ctrl-C arrived while the attempt failed
                       throw Oom();
                     }),
               RuntimeFailure);
  EXPECT_EQ(h.attempts.size(), 1u);
  EXPECT_TRUE(h.sleeps.empty());
}

TEST(Retry, CtrlCDuringTheBackoffStopsBeforeTheNextAttempt) {
  Harness h;
  bool interrupted = false;
  h.policy.interrupted = [&] { return interrupted; };
  h.policy.sleep = [&](milliseconds ms) {
    h.sleeps.push_back(ms);
    interrupted = true;
  };
  try {
    h.Run(5, [] { throw Oom(); });
    FAIL() << "no exception";
  } catch (const RuntimeFailure& e) {
    EXPECT_EQ(std::string(e.what()).rfind("interrupted", 0), 0u) << e.what();
  }
  EXPECT_EQ(h.attempts.size(), 1u);
  EXPECT_EQ(h.sleeps.size(), 1u);
}

TEST(Retry, RealSleepIsUsedWhenNoneIsInjected) {
  RetryPolicy p;
  p.initial_backoff = milliseconds(20);
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  RunVoidWithRetries(
      [&](const Attempt&) {
        if (++calls == 1) throw Oom();
      },
      p, {});
  EXPECT_EQ(calls, 2);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(20));
}

TEST(Retry, ClassifiesDuckDbErrorKinds) {
  using K = db::ErrorKind;
  auto c = [](K k, const char* msg = "x") { return ClassifyFailure(db::DbError(k, msg)); };
  EXPECT_EQ(c(K::kOutOfMemory), FailureClass::kOutOfMemory);
  EXPECT_EQ(c(K::kIo), FailureClass::kIo);
  EXPECT_EQ(c(K::kIo, "write: Disk quota exceeded"), FailureClass::kDiskFull);
  EXPECT_EQ(c(K::kInterrupt), FailureClass::kInterrupted);
  EXPECT_EQ(c(K::kParser), FailureClass::kInvalidInput);
  EXPECT_EQ(c(K::kBinder), FailureClass::kInvalidInput);
  EXPECT_EQ(c(K::kCatalog), FailureClass::kInvalidInput);
  EXPECT_EQ(c(K::kConversion), FailureClass::kInvalidInput);
  EXPECT_EQ(c(K::kInternal), FailureClass::kOther);
  EXPECT_EQ(ClassifyFailure(CheckFailed("x")), FailureClass::kIntegrity);
  EXPECT_EQ(ClassifyFailure(InputError("x")), FailureClass::kInvalidInput);
  // duckpart's own errors carry their class; the message is never read.
  EXPECT_EQ(ClassifyFailure(Interrupted("stopped")), FailureClass::kInterrupted);
  EXPECT_EQ(ClassifyFailure(RuntimeFailure("the word interrupted in a message")),
            FailureClass::kOther);
  EXPECT_EQ(ClassifyFailure(RuntimeFailure(FailureClass::kDiskFull, "cannot write 'x'")),
            FailureClass::kDiskFull);
  EXPECT_EQ(ClassifyFailure(std::runtime_error("boom")), FailureClass::kOther);
  EXPECT_EQ(ClassifyFailure(std::make_exception_ptr(42)), FailureClass::kOther);
  for (auto f : {FailureClass::kOutOfMemory, FailureClass::kDiskFull, FailureClass::kIo,
                 FailureClass::kInterrupted, FailureClass::kIntegrity, FailureClass::kInvalidInput,
                 FailureClass::kOther}) {
    EXPECT_EQ(IsRetryable(f), f == FailureClass::kOutOfMemory) << FailureClassName(f);
  }
}

TEST(Retry, AttemptSettingsApplyToARunAndToARealSession) {
  RetryPolicy p;
  p.initial_threads = 4;
  const Attempt a = MakeAttempt(p, 3, "out of memory: x");
  EngineOptions engine;
  RunOptions run;
  ApplyAttempt(a, engine, run);
  EXPECT_EQ(engine.threads, 1);
  EXPECT_EQ(run.sorted_write_threshold, 0);  // sorted whatever the partition count
  EXPECT_EQ(AttemptSettingsSql(MakeAttempt(p, 1)), "");
  // The settings exist in the DuckDB we link.
  db::Database database(db::DatabaseOptions{});
  db::Connection conn(database);
  ASSERT_NO_THROW(conn.Execute(AttemptSettingsSql(a)));
  EXPECT_EQ(
      conn.Query("SELECT current_setting('partitioned_write_flush_threshold')").GetInt64(0, 0),
      a.flush_threshold);
  EXPECT_EQ(conn.Query("SELECT current_setting('partitioned_write_max_open_files')").GetInt64(0, 0),
            a.max_open_files);
}

}  // namespace
}  // namespace duckpart
