// End-to-end: the command layer as a user meets it. The command list, `help CMD`, unknown
// commands with the nearest name, usage errors in duckpart's words naming the command's
// own help, every command's examples and exit codes, JSON on failure, and the exit codes
// 4 (busy) and 130 (interrupted).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "db/database.h"
#include "support/dataset.h"
#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

const std::vector<std::string> kCommands = {"demo", "plan",    "run",     "validate", "query",
                                            "info", "recover", "cleanup", "backup",   "restore"};

size_t Lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// A small source that needs no database: 300 rows of a query.
std::vector<std::string> SmallRun(const std::string& to,
                                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {
      "run", "--query", "SELECT i AS id, i % 3 AS k FROM range(300) t(i)", "--by", "k", "--to",
      to,    "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

nlohmann::json ErrorJson(const RunResult& r) {
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j.contains("error")) << r.out;
  EXPECT_EQ(j["error"]["exit_code"], r.exit_code) << r.out;
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << r.out;
  return j["error"];
}

TEST(Commands, NoCommandPrintsTheCommandListAndExits2) {
  RunResult r = RunDuckpart({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  for (const auto& c : kCommands)
    EXPECT_NE(r.err.find("\n  " + c), std::string::npos) << c << "\n" << r.err;
  EXPECT_EQ(r.err.find("A subcommand is required"), std::string::npos) << r.err;
}

TEST(Commands, HelpCommandPrintsThatCommandsHelp) {
  RunResult r = RunDuckpart({"help", "run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("duckpart run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--by"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Subcommands:"), std::string::npos) << "the top-level help, not run's:\n"
                                                           << r.out;
  RunResult all = RunDuckpart({"help"});
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_NE(all.out.find("Subcommands:"), std::string::npos) << all.out;
}

TEST(Commands, UnknownCommandNamesTheNearestOne) {
  RunResult r = RunDuckpart({"valdate", "out/x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "duckpart: error: unknown command 'valdate' (did you mean 'validate'?) (see duckpart "
            "--help)\n");
  RunResult far = RunDuckpart({"ls"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_EQ(
      far.err.rfind("duckpart: error: unknown command 'ls'; the commands are: demo, plan, run,", 0),
      0u)
      << far.err;
  EXPECT_EQ(Lines(far.err), 1u) << far.err;
  RunResult help = RunDuckpart({"help", "compile"});
  EXPECT_EQ(help.exit_code, 2);
  EXPECT_NE(help.err.find("unknown command 'compile'"), std::string::npos) << help.err;
}

TEST(Commands, HelpOfAnUnknownCommandIsAnErrorNotTheTopLevelHelp) {
  RunResult r = RunDuckpart({"compile", "--help"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("unknown command 'compile'"), std::string::npos) << r.err;
}

TEST(Commands, EveryCommandsHelpHasExamplesAndTheExitCodes) {
  for (const auto& c : kCommands) {
    SCOPED_TRACE(c);
    RunResult r = RunDuckpart({c, "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Examples:\n  duckpart " + c + " "), std::string::npos) << r.out;
    for (const char* code : {"\n  0 ", "\n  1 ", "\n  2 ", "\n  3 ", "\n  4 ", "\n  130 "}) {
      EXPECT_NE(r.out.find(std::string("Exit codes:")), std::string::npos) << r.out;
      EXPECT_NE(r.out.find(code), std::string::npos) << code << "\n" << r.out;
    }
  }
}

TEST(UsageErrors, NameTheCommandsOwnHelp) {
  RunResult r = RunDuckpart({"run", "--query", "SELECT 1 AS k", "--to", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "duckpart: error: --by is required (see duckpart run --help)\n");
}

TEST(UsageErrors, AreInDuckpartsWords) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", "--by", "k", "--to", "a", "--to", "b"},
       "--to was given 2 times; give it once (see duckpart run --help)"},
      {{"plan", "--by", "k", "--query", "SELECT 1 AS k", "--threads", "-1"},
       "--threads '-1': give a number from 0 to 1024 (see duckpart plan --help)"},
      {{"plan", "--by", "k", "--query", "SELECT 1 AS k", "--threads", "many"},
       "--threads 'many': give a number from 0 to 1024 (see duckpart plan --help)"},
      {{"run", "--by", "k", "--to", "a", "--compression", "zip"},
       "--compression 'zip' is not one of: snappy, zstd, gzip, lz4, uncompressed, brotli (see "
       "duckpart run --help)"},
      {{"plan", "--by", "k", "--jsn"},
       "unknown option '--jsn' (did you mean --json?) (see duckpart plan --help)"},
      {{"plan", "--by", "k", "--memory-limit", "lots"},
       "--memory-limit: 'lots' is not a size; give a number and a unit, e.g. --memory-limit 512MB "
       "or 4GB "
       "(see duckpart plan --help)"},
      {{"validate", "a", "b"}, "unexpected argument 'b' (see duckpart validate --help)"},
  };
  for (const auto& c : cases) {
    RunResult r = RunDuckpart(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err, "duckpart: error: " + c.message + "\n");
  }
}

TEST(UsageErrors, AcceptedSizesStillWork) {
  TempDir dir;
  RunResult r = RunDuckpart(
      {"plan", "--query", "SELECT 1 AS k", "--by", "k", "--memory-limit", "1.5 GiB", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(JsonOnFailure, EveryKindOfFailurePrintsAnErrorObject) {
  TempDir dir;
  const std::vector<std::vector<std::string>> cases = {
      {"frobnicate", "--json"},
      {"plan", "--json"},
      {"run", "--json", "--db", dir / "missing.db", "--table", "t", "--by", "k", "--to", dir / "o"},
      {"validate", dir / "nothing", "--json"},
      {"info", dir / "nothing", "--json"},
      {"query", dir / "nothing", "SELECT 1", "--json"},
      {"recover", dir / "nothing/ds", "--json"},
      {"cleanup", dir / "nothing/ds", "--json"},
      {"backup", "--db", dir / "missing.db", "--table", "t", "--to", dir / "b.parquet", "--json"},
      {"restore", "--from", dir / "missing.parquet", "--db", dir / "x.db", "--table", "t",
       "--json"},
      {"demo", "--rows", "-5", "--dir", dir / "d", "--json"},
  };
  for (const auto& args : cases) {
    SCOPED_TRACE(args[0]);
    RunResult r = RunDuckpart(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    const auto e = ErrorJson(r);
    EXPECT_EQ(e["kind"], "usage");
    EXPECT_EQ("duckpart: error: " + e["message"].get<std::string>() + "\n", r.err);
  }
}

TEST(ExitCodes, ABusyDatasetExits4) {
  TempDir dir;
  const std::string ds = dir / "ds";
  ASSERT_EQ(RunDuckpart(SmallRun(ds)).exit_code, 0);
  HeldStoreLock lock(ds);
  RunResult r = RunDuckpart(SmallRun(ds, {"--replace", "--json"}));
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(ErrorJson(r)["kind"], "busy");
  EXPECT_NE(r.err.find("another duckpart process is writing to"), std::string::npos) << r.err;
  RunResult rec = RunDuckpart({"recover", ds});
  EXPECT_EQ(rec.exit_code, 4) << rec.err;
}

TEST(ExitCodes, ADatabaseLockedByAnotherProcessExits4) {
  TempDir dir;
  const std::string file = dir / "parts.db";
  ASSERT_EQ(RunDuckpart({"run", "--query", "SELECT i AS id, i % 3 AS k FROM range(30) t(i)", "--by",
                         "k", "--to-db", file, "--schema", "s", "--quiet"})
                .exit_code,
            0);
  db::Database writer(db::DatabaseOptions{.path = file});  // holds DuckDB's lock on the file
  RunResult r = RunDuckpart({"info", "--to-db", file, "--json"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(ErrorJson(r)["kind"], "busy");
  EXPECT_NE(r.err.find("is in use by another process (PID "), std::string::npos) << r.err;
}

// The run plans 30 million generated rows, then takes the store's lock and writes them (for
// many seconds on one thread): the signal lands in the write, the moment the lock is seen.
TEST(ExitCodes, CtrlCExits130) {
  TempDir dir;
  const std::string ds = dir / "ds";
  ChildProcess child({"run", "--query", "SELECT i AS id, i % 97 AS k FROM range(30000000) t(i)",
                      "--by", "k", "--to", ds, "--threads", "1", "--json"},
                     dir / "out", dir / "err");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(50);
  const std::string lock = (StoreOf(ds) / "lock").string();
  while (child.Running() && ReadFile(lock) != std::to_string(child.pid()) + "\n" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(child.Running()) << ReadFile(dir / "err");
  child.Signal(SIGINT);
  EXPECT_EQ(child.Wait(), 130) << ReadFile(dir / "err");
  EXPECT_NE(ReadFile(dir / "err").find("interrupted"), std::string::npos) << ReadFile(dir / "err");
  const auto j = nlohmann::json::parse(ReadFile(dir / "out"));
  EXPECT_EQ(j["error"]["kind"], "interrupted");
  EXPECT_EQ(j["error"]["exit_code"], 130);
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(ds)));
}

TEST(Internals, AMissingFileGlobIsNamedWithoutDuckpartsSql) {
  TempDir dir;
  RunResult r = RunDuckpart({"plan", "--from", dir / "nothing/*.parquet", "--by", "k"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no file matches"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("DESCRIBE"), std::string::npos) << r.err;
}

TEST(Internals, ASourceQueryTypoShowsNoInternalSql) {
  RunResult r = RunDuckpart({"plan", "--query", "SELEC 1 AS k", "--by", "k"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("syntax error at or near"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("DESCRIBE"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("LINE 1"), std::string::npos) << r.err;
  EXPECT_EQ(Lines(r.err), 1u) << r.err;
}

}  // namespace
}  // namespace duckpart::testing
