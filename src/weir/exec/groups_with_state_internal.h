// What the batch and the streaming [flat]mapGroupsWithState operators share
// (internal to weir_exec): one partition's rows grouped by key, and calling the user
// function.
//
// Thread-safety: a GroupedPartition is used by one task.

#pragma once

#include <cstdint>
#include <vector>

#include "weir/exec/group_table.h"
#include "weir/exec/groups_with_state.h"

namespace weir::exec {

// The rows of one partition, grouped by key: group g (0 <= g < num_groups(), in the
// order keys first appear) is rows [offsets[g], offsets[g + 1]) of `rows`, which
// keeps the input order within a group.
struct GroupedPartition {
  Batch rows;                          // dense
  std::vector<int64_t> offsets;        // num_groups() + 1 entries
  std::vector<ColumnPtr> key_columns;  // one row per group
  KeyEncoder encoder;                  // encoder.key(g): group g's key as bytes

  uint32_t num_groups() const {
    return offsets.empty() ? 0 : static_cast<uint32_t>(offsets.size() - 1);
  }
  GroupRows Rows(uint32_t g) const { return GroupRows(&rows, offsets[g], offsets[g + 1]); }
  // Group g's key, one value per key expression.
  std::vector<Value> Key(uint32_t g) const;
};

// Groups the logical rows of `batches` (all of `schema`) by `keys`.
Status GroupPartition(const std::vector<Batch>& batches, const SchemaPtr& schema,
                      const std::vector<ExprPtr>& keys, EvalContext& ectx, GroupedPartition* out);

// Calls `fn`; an exception it throws becomes an error (STYLE.md: exceptions never
// cross an operator boundary).
Status CallGroupsFunction(const GroupsFunction& fn, const std::vector<Value>& key,
                          const GroupRows& rows, GroupStateCore& state, GroupOutput& out);

// All batches of partition `p` of `child` (prepared).
Result<std::vector<Batch>> DrainPartition(PhysicalOperator& child, ExecContext& ctx, int p);

}  // namespace weir::exec
