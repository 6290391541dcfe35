// The two phases of hash aggregation, shared by the batch HashAggregate and the
// streaming StatefulAggregate (internal to weir_exec).
//
// AggregationCore::Build runs the input's partitions on the pool; each task keeps
// its own GroupTable and AggregateStates (partial aggregation, no locks) and, per
// batch, maps all rows to group ids in one pass, then makes one Update call per
// aggregate with the per-row state pointers. The partial tables are then
// "exchanged" in memory: final partition p takes the groups whose key hash falls in
// p from every partial table and Merges their states into its own table; no state is
// serialized because both phases run in this process.
//
// A global aggregate (no group keys) keeps one state per task and merges them into
// one partition with exactly one group.
//
// FILTER (WHERE ...) is applied here: the aggregate's Update sees only the rows where
// the filter is TRUE. DISTINCT is inside the resolved function (ResolveAggregate wraps
// it in a set-of-tuples aggregate), so it needs nothing from the operator.
//
// Thread-safety: Build runs tasks on the pool; afterwards each table is used by one
// task at a time.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/exec/aggregate_states.h"
#include "weir/exec/group_table.h"
#include "weir/exec/operator.h"
#include "weir/functions/aggregate.h"

namespace weir::exec {

// The partial (or final) aggregation state of one task or partition.
struct AggTable {
  AggTable(std::vector<DataType> key_types, const std::vector<AggregateCall>* calls)
      : groups(std::move(key_types), /*code_strings=*/true), states(calls) {}
  GroupTable groups;
  AggregateStates states;
  // Per-batch scratch.
  std::vector<uint32_t> group_ids;
  std::vector<uint8_t*> rows;
  std::vector<uint8_t*> ptrs;
};

class AggregationCore {
 public:
  // partitions: of the output (1 for a global aggregate, whatever is passed).
  AggregationCore(std::vector<ExprPtr> groups, std::vector<AggregateCall> aggregates,
                  int partitions);

  const std::vector<ExprPtr>& groups() const { return groups_; }
  const std::vector<AggregateCall>& aggregates() const { return aggregates_; }
  const std::vector<DataType>& key_types() const { return key_types_; }
  int partitions() const { return partitions_; }
  // The partition of a group with this key hash (GroupTable::group_hash).
  int PartitionOf(uint64_t hash) const {
    return static_cast<int>((hash >> 32) % static_cast<uint64_t>(partitions_));
  }

  // Aggregates every partition of `child` (prepared) into tables(): one per output
  // partition, holding the groups of that partition.
  Status Build(PhysicalOperator& child, ExecContext& ctx);
  // The groups Build's input is expected to hold in all (0: unknown), to size its
  // tables up front.
  void ExpectGroups(int64_t groups) { expected_groups_ = groups; }
  std::vector<std::unique_ptr<AggTable>>& tables() { return final_; }

  // state(out, fg) := state(out, fg) (+) state(in, g), for every aggregate.
  Status MergeGroup(EvalContext& ectx, AggTable& out, uint32_t fg, const AggTable& in,
                    uint32_t g) const;

  // "count(1), sum(x)": the aggregate calls, for Describe().
  std::string AggregateList() const;

  // The aggregate result columns of `states` (one state row per output row, in
  // order), appended to *cols.
  Status FinalizeStates(EvalContext& ectx, const AggregateStates& states,
                        const std::vector<uint32_t>& rows, std::vector<ColumnPtr>* cols) const;
  // The same for state rows given by address (each laid out as `layout`'s rows, so
  // they may come from several AggregateStates of these aggregates).
  Status FinalizeStateRows(EvalContext& ectx, const AggregateStates& layout,
                           const std::vector<const uint8_t*>& rows,
                           std::vector<ColumnPtr>* cols) const;

 private:
  Status Consume(ExecContext& ctx, AggTable* t, const Batch& b) const;

  std::vector<ExprPtr> groups_;
  std::vector<AggregateCall> aggregates_;
  int partitions_;
  std::vector<DataType> key_types_;
  // For aggregate a: the first aggregate with the same FILTER (resp. the same
  // argument list), whose evaluation a batch reuses; a itself when none is earlier.
  // (q15-style queries repeat each FILTER and argument several times.)
  std::vector<size_t> same_filter_;
  std::vector<size_t> same_args_;
  std::vector<std::unique_ptr<AggTable>> final_;
  int64_t expected_groups_ = 0;  // see ExpectGroups
};

}  // namespace weir::exec
