// End-to-end: the bash completion script and the man page, both made from the binary's
// own help, so they name every command and option it has.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/run_binary.h"

namespace duckpart::testing {
namespace {

namespace fs = std::filesystem;

// Runs a bash script with the binary's folder first on PATH; returns what it printed.
RunResult Bash(const std::string& script) {
  TempDir io;
  const std::string path = fs::path(DUCKPART_BINARY).parent_path().string();
  const std::string cmd = "PATH=" + ShellQuote(path) + ":\"$PATH\" bash -c " + ShellQuote(script) +
                          " >" + ShellQuote(io / "out") + " 2>" + ShellQuote(io / "err") +
                          " </dev/null";
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadFile(io / "out"), ReadFile(io / "err")};
}

std::string Complete(const std::string& words, int cword) {
  const std::string completion =
      std::string(DUCKPART_SOURCE_DIR) + "/scripts/duckpart-completion.bash";
  RunResult r = Bash("source " + ShellQuote(completion) + "; COMP_WORDS=(" + words +
                     "); COMP_CWORD=" + std::to_string(cword) +
                     "; _duckpart; printf '%s\\n' \"${COMPREPLY[@]}\"");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(Completion, CompletesCommandsAndEachCommandsOptions) {
  EXPECT_EQ(Complete("duckpart va", 1), "validate\n");
  const std::string all = Complete("duckpart ''", 1);
  for (const char* c : {"plan\n", "run\n", "info\n", "query\n", "help\n"})
    EXPECT_NE(all.find(c), std::string::npos) << all;
  EXPECT_EQ(all.find("Exit"), std::string::npos)
      << "words of the help's footer offered as commands:\n"
      << all;
  EXPECT_EQ(Complete("duckpart run --memory", 2), "--memory-limit\n");
  const std::string validate = Complete("duckpart validate --", 2);
  EXPECT_NE(validate.find("--to-db\n"), std::string::npos) << validate;
  EXPECT_EQ(validate.find("--replace\n"), std::string::npos)
      << "run's option offered for validate:\n"
      << validate;
  EXPECT_EQ(Complete("duckpart help qu", 2), "query\n");
}

TEST(ManPage, IsMadeFromEveryCommandsHelp) {
  if (std::system("command -v help2man >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "help2man is not installed";
  TempDir dir;
  const std::string script = std::string(DUCKPART_SOURCE_DIR) + "/scripts/make-manpage.sh";
  RunResult r = Bash(ShellQuote(script) + " " + ShellQuote(DUCKPART_BINARY) + " " +
                     ShellQuote(dir / "duckpart.1"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string page = ReadFile(dir / "duckpart.1");
  EXPECT_NE(page.find(".TH DUCKPART \"1\""), std::string::npos) << page.substr(0, 400);
  for (const char* c : {"duckpart run", "duckpart validate", "duckpart query", "duckpart info",
                        "duckpart restore"}) {
    EXPECT_NE(page.find(std::string(".SS \"") + c + "\""), std::string::npos) << c;
  }
  EXPECT_NE(page.find("\\-\\-memory\\-limit"), std::string::npos);
  EXPECT_NE(page.find("Exit codes"), std::string::npos);
}

}  // namespace
}  // namespace duckpart::testing
