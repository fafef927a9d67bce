#include "duckpart/recover.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <set>

#include "db/database.h"
#include "db/sql.h"
#include "duckpart/error.h"
#include "duckpart/manifest.h"
#include "ops/store_status.h"
#include "store/dataset_store.h"
#include "store/fs.h"
#include "util/format.h"

namespace duckpart {

namespace fs = std::filesystem;
using store::DatasetStore;
using store::StoreLock;
using Kind = StoreItem::Kind;
using ops::CheckRecoverable;
using ops::Describe;
using ops::Inspect;
using ops::RemoveAll;

namespace {

// What recover does with the leftovers: removes all but the unknown ones, and says
// whether that rolls back unpublished work or completes a published operation.
struct Removal {
  std::vector<StoreItem> remove;
  int unknown = 0;
  bool rolled_back = false, completed = false;
};

Removal PlanRemoval(const StoreStatus& now) {
  Removal p;
  for (const auto& item : now.leftovers) {
    if (item.kind == Kind::kUnknown) {
      ++p.unknown;
      continue;
    }
    if (item.kind == Kind::kUnpublishedVersion || (item.kind == Kind::kStaging && item.files > 0))
      p.rolled_back = true;
    if (item.kind == Kind::kLinkTemp && item.version && item.version != now.current_version)
      p.rolled_back = true;
    if (item.kind == Kind::kSupersededVersion) p.completed = true;
    p.remove.push_back(item);
  }
  return p;
}

void ListActions(const Removal& p, RecoverReport& r) {
  const std::string verb = r.dry_run ? "would remove " : "removed ";
  for (const auto& item : p.remove) r.actions.push_back(verb + Describe(item));
  if (!p.remove.empty() && r.before.lock_pid && !r.before.lock_pid_alive) {
    r.actions.push_back(
        fmt::format("the lock file names process {}, which is no longer running (its lock "
                    "ended with it: no stale lock to clear)",
                    *r.before.lock_pid));
  }
  if (p.unknown) {
    r.actions.push_back(fmt::format("left {} unknown entr{} in the store for `duckpart cleanup`",
                                    p.unknown, p.unknown == 1 ? "y" : "ies"));
  }
}

// The outcome in one word and one sentence; a dry run speaks in the conditional.
void Summarise(const Removal& p, const std::string& target, RecoverReport& r) {
  const std::string at =
      r.version ? fmt::format("is at version {}", *r.version) : "holds no dataset";
  const std::string q = "'" + target + "'";
  const auto say = [dry = r.dry_run](const char* done, const char* would) {
    return std::string(dry ? would : done);
  };
  if (p.remove.empty()) {
    r.outcome = "nothing to recover";
    r.summary = "nothing to recover: " + q + " " + at;
  } else if (p.rolled_back && p.completed) {
    r.outcome = "rolled back and completed";
    r.summary = say("rolled back", "would roll back") + " an unfinished run and " +
                say("completed", "complete") + " an earlier one: " + q + " " + at;
  } else if (p.rolled_back) {
    r.outcome = "rolled back";
    r.summary =
        say("rolled back", "would roll back") + " an unfinished run: " + q +
        (r.version ? fmt::format(" stays at version {}, its last committed version", *r.version)
                   : std::string(" holds no dataset, as before the run"));
  } else if (p.completed) {
    r.outcome = "completed";
    r.summary = say("completed", "would complete") + " an interrupted run: " + q + " " + at;
  } else {
    r.outcome = "cleaned up";
    r.summary = say("cleaned up", "would clean up") + " after an interrupted run: " + q + " " + at +
                (r.version ? ", its last committed version" : "");
  }
  if (r.dry_run && !p.remove.empty()) r.summary += " (dry run: nothing was changed)";
}

}  // namespace

RecoverReport Recover(const std::string& target, bool dry_run) {
  const DatasetStore ds(target);
  RecoverReport r;
  r.dry_run = dry_run;
  r.before = Inspect(target, true);
  CheckRecoverable(r.before, ds, "recover");
  std::optional<StoreLock> lock;
  StoreStatus now = r.before;
  if (!dry_run && r.before.store_exists) {
    lock.emplace(ds);
    now = Inspect(target, false);  // again, now that nothing can change under us
    now.lock_pid = r.before.lock_pid;
    now.lock_pid_alive = r.before.lock_pid_alive;
    CheckRecoverable(now, ds, "recover");
  }
  r.version = now.current_version;
  const Removal plan = PlanRemoval(now);
  ListActions(plan, r);
  if (!dry_run) RemoveAll(plan.remove, ds);
  Summarise(plan, target, r);
  return r;
}

}  // namespace duckpart
