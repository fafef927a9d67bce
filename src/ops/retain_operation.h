// The `retain` operation: a new version without the partitions a retention window drops;
// every other partition is shared with the base version unchanged (nothing is written).
#pragma once

#include <vector>

#include "duckpart/retain.h"
#include "ops/append_operation.h"
#include "ops/target.h"

namespace duckpart::ops {

class RetainOperation : public Operation {
 public:
  RetainOperation(BaseLoader load_base, RetainWindow window, bool allow_empty)
      : load_base_(std::move(load_base)), window_(std::move(window)), allow_empty_(allow_empty) {}
  // Throws InputError (nothing changed) for a bad window (retain_window.h), one that drops
  // nothing, or one that drops every partition without allow_empty.
  Change Plan(Workspace& ws, WorkMeter& /*meter*/) override;
  // The partitions the last Plan dropped, as the base version listed them.
  const std::vector<Partition>& dropped() const { return dropped_; }

 private:
  const BaseLoader load_base_;
  const RetainWindow window_;
  const bool allow_empty_;
  std::vector<Partition> dropped_;
};

// The partitions of `m` the window drops; throws InputError as RetainOperation::Plan does
// (except for dropping nothing, which returns an empty list).
std::vector<Partition> DroppedPartitions(db::Connection& conn, const Manifest& m,
                                         const RetainWindow& window, bool allow_empty);

}  // namespace duckpart::ops
