#include "store/fault.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "duckpart/error.h"

namespace duckpart::store {
namespace {

struct FaultPlan {
  long long at = 0;  // 0: no fault
  bool crash = false;
  std::string trace;
  bool no_exchange = false;
};

const FaultPlan& Plan() {
  static const FaultPlan plan = [] {
    FaultPlan p;
    if (const char* at = std::getenv("DUCKPART_FAULT_AT")) p.at = std::atoll(at);
    if (const char* action = std::getenv("DUCKPART_FAULT_ACTION"))
      p.crash = std::strcmp(action, "crash") == 0;
    if (const char* trace = std::getenv("DUCKPART_FAULT_TRACE")) p.trace = trace;
    if (const char* ex = std::getenv("DUCKPART_FAULT_EXCHANGE"))
      p.no_exchange = std::strcmp(ex, "unsupported") == 0;
    return p;
  }();
  return plan;
}

std::mutex g_mu;
long long g_steps = 0;  // guarded by g_mu

}  // namespace

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kCreate:
      return "create";
    case StepKind::kWrite:
      return "write";
    case StepKind::kSync:
      return "sync";
    case StepKind::kRename:
      return "rename";
    case StepKind::kLink:
      return "link";
    case StepKind::kRemove:
      return "remove";
    case StepKind::kCommit:
      return "commit";
  }
  return "step";
}

void Step(StepKind kind, const std::string& what) {
  const FaultPlan& plan = Plan();
  if (plan.at == 0 && plan.trace.empty()) return;
  long long n;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    n = ++g_steps;
    if (!plan.trace.empty()) {
      if (std::FILE* f = std::fopen(plan.trace.c_str(), "a")) {
        std::fprintf(f, "%lld %s %s\n", n, StepKindName(kind), what.c_str());
        std::fclose(f);
      }
    }
  }
  if (n != plan.at) return;
  if (plan.crash) std::raise(SIGKILL);
  throw RuntimeFailure(FailureClass::kIo, std::string("injected failure at step ") +
                                              std::to_string(n) + " (" + StepKindName(kind) + " " +
                                              what + ")");
}

bool ExchangeUnsupported() { return Plan().no_exchange; }

}  // namespace duckpart::store
