#include "ops/driver.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "db/database.h"
#include "duckpart/error.h"
#include "ops/failure.h"
#include "ops/failure_log.h"
#include "ops/memory_sampler.h"
#include "plan/workspace_access.h"

namespace duckpart {

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kPlan:
      return "plan";
    case Phase::kStage:
      return "stage";
    case Phase::kWrite:
      return "write";
    case Phase::kVerify:
      return "verify";
    case Phase::kCommit:
      return "commit";
  }
  return "plan";
}

double Outcome::seconds(Phase phase) const {
  double s = 0;
  for (const auto& p : phases) {
    if (p.phase == phase) s += p.seconds;
  }
  return s;
}

namespace ops {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A thread beside the attempt: once the token is cancelled it interrupts the running
// DuckDB query (and every later one: DuckDB forgets an interrupt that arrives between two
// queries), and it reports progress. Disarm() ends the interrupts for good: after it
// returns, no Interrupt() reaches the connection, so the commit is never cut short.
class Watcher {
 public:
  Watcher(db::Connection& conn, const OperationControl& control, const WorkMeter& meter)
      : conn_(conn), control_(control), meter_(meter) {
    if (control_.cancel || control_.on_progress) thread_ = std::thread([this] { Loop(); });
  }
  ~Watcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  void Enter(Phase phase) {
    std::lock_guard<std::mutex> lock(mu_);
    phase_ = phase;
    phase_start_ = Clock::now();
  }
  void Disarm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = false;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      if (armed_ && control_.cancel && control_.cancel->cancelled()) conn_.Interrupt();
      if (control_.on_progress) {
        ProgressSnapshot snap{phase_, Since(phase_start_), conn_.Progress()};
        meter_.Fill(snap);
        lock.unlock();
        control_.on_progress(snap);
        lock.lock();
      }
      wake_.wait_for(lock, std::chrono::milliseconds(100));
    }
  }

  db::Connection& conn_;
  const OperationControl& control_;
  const WorkMeter& meter_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;                             // guarded by mu_
  bool armed_ = true;                             // guarded by mu_
  Phase phase_ = Phase::kPlan;                    // guarded by mu_
  Clock::time_point phase_start_ = Clock::now();  // guarded by mu_
  std::thread thread_;
};

bool Cancelled(const OperationControl& control) {
  return control.cancel && control.cancel->cancelled();
}

// Runs the phases of one attempt in order and records their times.
class Attempt {
 public:
  Attempt(Workspace& ws, const DriveOptions& options, Target& target)
      : options_(options),
        meter_(target.meter()),
        watcher_(WorkspaceConnection(ws), options.control, target.meter()) {}

  // Runs one phase that works through `rows` rows (0: one that counts none).
  template <typename F>
  void Run(Phase phase, int64_t rows, F&& work) {
    if (Cancelled(options_.control))
      throw Interrupted(std::string("interrupted before ") + PhaseName(phase));
    meter_.Begin(rows);
    watcher_.Enter(phase);
    if (options_.control.on_phase) options_.control.on_phase(phase);
    const auto start = Clock::now();
    try {
      work();
    } catch (...) {
      ThrowTranslated(std::current_exception(), options_.control.cancel);
    }
    Done(phase, Since(start));
  }
  // Records a finished phase and tells the caller, with the phase's last counters.
  void Done(Phase phase, double seconds) {
    outcome_.phases.push_back({phase, seconds});
    for (auto& step : meter_.TakeSteps(phase)) outcome_.steps.push_back(std::move(step));
    if (!options_.control.on_phase_done) return;
    ProgressSnapshot snap{phase, seconds, std::nullopt};
    meter_.Fill(snap);
    options_.control.on_phase_done(snap);
  }
  WorkMeter& meter() { return meter_; }
  Watcher& watcher() { return watcher_; }
  Outcome& outcome() { return outcome_; }

 private:
  const DriveOptions& options_;
  WorkMeter& meter_;
  Watcher watcher_;
  Outcome outcome_;
};

void CommitPhase(Attempt& attempt, Target& target, Change& change,
                 const OperationControl& control) {
  // Cancels are honoured up to here: from now on the publish runs to its end.
  attempt.watcher().Disarm();
  if (Cancelled(control)) throw Interrupted("interrupted before commit");
  attempt.meter().Begin(0);
  attempt.watcher().Enter(Phase::kCommit);
  if (control.on_phase) control.on_phase(Phase::kCommit);
  const auto start = Clock::now();
  try {
    target.Commit(change);
  } catch (...) {
    // A commit that reports a failure may still have happened: ask the target.
    if (!target.Committed(change)) ThrowTranslated(std::current_exception(), nullptr);
    attempt.outcome().warnings.push_back(
        "the commit reported a failure after publishing; the new version is in place");
  }
  attempt.Done(Phase::kCommit, Since(start));
}

}  // namespace

Outcome DriveOnce(Workspace& ws, Operation& op, Target& target, const DriveOptions& options,
                  Change* committed) {
  const auto start = Clock::now();
  Attempt attempt(ws, options, target);
  MemorySampler sampler(WorkspaceDatabase(ws));
  Change change;
  // Before any phase: bad input changes nothing and reports no progress.
  try {
    target.Check();
  } catch (...) {
    ThrowTranslated(std::current_exception(), options.control.cancel);
  }
  attempt.Run(Phase::kPlan, 0, [&] {
    change = op.Plan(ws, attempt.meter());
    target.CheckPlan(change);
  });
  change.started = start;
  attempt.Run(Phase::kStage, 0, [&] { target.Stage(change); });
  attempt.Run(Phase::kWrite, RowsToWrite(change), [&] { target.Write(change); });
  sampler.Sample();
  if (options.verify)
    attempt.Run(Phase::kVerify, RowsToVerify(change), [&] { target.Verify(change); });
  RecordMemory(sampler, MemoryLimitBytes(ws.engine().memory_limit), change.record);
  CommitPhase(attempt, target, change, options.control);
  Outcome& out = attempt.outcome();
  WarnMemory(sampler.peak(), change.record.memory_limit_bytes, out.warnings);
  out.committed = true;
  out.cancelled_during_commit = Cancelled(options.control);
  out.version = change.version;
  target.Finish(change, out.warnings);
  out.total_seconds = Since(start);
  if (committed) *committed = std::move(change);
  return out;
}

namespace {

void DriveWithRetries(const SourceOptions& source, const EngineOptions& engine, Operation& op,
                      const TargetFactory& make_target, const DriveOptions& options,
                      const CommittedCallback& on_committed, const RetryPolicy& policy,
                      Outcome& outcome) {
  RunVoidWithRetries(
      [&](const duckpart::Attempt& a) {
        EngineOptions e = engine;
        if (a.threads > 0) e.threads = a.threads;
        Workspace ws(source, e);
        if (const std::string sql = AttemptSettingsSql(a); !sql.empty())
          WorkspaceConnection(ws).Execute(sql);
        std::unique_ptr<Target> target = make_target(ws, a);
        Change change;
        outcome = DriveOnce(ws, op, *target, options, &change);
        outcome.attempts = a.number;
        if (on_committed) on_committed(*target, change, outcome);
      },
      policy, options.control.on_warning);
}

// DriveWithRetries; a failure once an attempt reached its stage phase is logged in the
// dataset's store (ops/failure_log.h). One before it (bad input, a refusal of the plan)
// changed nothing, and leaves nothing behind, not even a log line.
void DriveAndLog(const SourceOptions& source, const EngineOptions& engine, Operation& op,
                 const TargetFactory& make_target, const DriveOptions& options,
                 const CommittedCallback& on_committed, const RetryPolicy& policy,
                 Outcome& outcome) {
  const auto start = Clock::now();
  bool staged = false;
  DriveOptions watched = options;
  watched.control.on_phase = [&staged, &options](Phase phase) {
    if (phase != Phase::kPlan) staged = true;
    if (options.control.on_phase) options.control.on_phase(phase);
  };
  try {
    DriveWithRetries(source, engine, op, make_target, watched, on_committed, policy, outcome);
  } catch (const Error& e) {
    if (staged && !options.failure_log.empty())
      LogFailure(options.failure_log, options.operation, e, Since(start));
    throw;
  }
}

}  // namespace

Outcome Drive(const SourceOptions& source, const EngineOptions& engine, Operation& op,
              const TargetFactory& make_target, const DriveOptions& options,
              const CommittedCallback& on_committed) {
  const auto start = Clock::now();
  const OperationControl& control = options.control;
  if (control.max_attempts < 1 || control.max_attempts > kMaxAttempts) {
    throw InputError("attempts must be between 1 and " + std::to_string(kMaxAttempts) + ", not " +
                     std::to_string(control.max_attempts));
  }
  RetryPolicy policy;
  policy.max_attempts = control.max_attempts;
  policy.initial_threads = engine.threads;
  policy.interrupted = [&control] { return Cancelled(control); };
  policy.space_path = options.space_path;
  policy.outcome_note = options.outcome_note;
  Outcome outcome;
  DriveAndLog(source, engine, op, make_target, options, on_committed, policy, outcome);
  outcome.total_seconds = Since(start);
  return outcome;
}

}  // namespace ops
}  // namespace duckpart
