// Factories of the physical operators (internal to weir_exec; the planner is the
// public entry point). Each family lives in its own file; the classes are hidden in
// anonymous namespaces, LevelDB style.
//
// Partitioning of the result, per operator:
//   Scan             one partition per provider partition
//   Values           one partition
//   Project, Filter, Expand, Generate, LocalLimit: the child's partitions
//   UnionAll         the children's partitions, concatenated
//   Limit, Gather, Sort, global aggregate, set operations: one partition
//   HashExchange, grouped HashAggregate: `partitions`
//   HashJoin         the left (probe) child's partitions
//   Deduplicate      the child's partitions
//   Window           the child's partitions (the planner puts an exchange below)

#pragma once

#include <cstdint>
#include <vector>

#include "weir/exec/operator.h"
#include "weir/functions/aggregate.h"
#include "weir/functions/generator.h"
#include "weir/plan/logical_plan.h"

namespace weir::exec {

PhysicalOperatorPtr MakeScan(SchemaPtr schema, plan::TableProviderPtr table,
                             std::vector<int> columns);
PhysicalOperatorPtr MakeValues(SchemaPtr schema, std::vector<std::vector<Value>> rows);

PhysicalOperatorPtr MakeProject(PhysicalOperatorPtr child, std::vector<ExprPtr> exprs,
                                SchemaPtr schema);
// Keeps the rows where `predicate` is TRUE by adding a selection vector.
PhysicalOperatorPtr MakeFilter(PhysicalOperatorPtr child, ExprPtr predicate);
PhysicalOperatorPtr MakeExpand(PhysicalOperatorPtr child,
                               std::vector<std::vector<ExprPtr>> projections, SchemaPtr schema);
// Output: child columns `forwarded` (in that order), then the generator's columns.
// `args` are over the child's output.
PhysicalOperatorPtr MakeGenerate(PhysicalOperatorPtr child, GeneratorPtr generator,
                                 std::vector<ExprPtr> args, bool outer, std::vector<int> forwarded,
                                 SchemaPtr schema);

// Global LIMIT/OFFSET: one partition that reads the child's partitions in order.
// limit < 0: no limit.
PhysicalOperatorPtr MakeLimit(PhysicalOperatorPtr child, int64_t limit, int64_t offset);
// At most `limit` rows per partition (pushed below a global limit).
PhysicalOperatorPtr MakeLocalLimit(PhysicalOperatorPtr child, int64_t limit);
PhysicalOperatorPtr MakeUnionAll(std::vector<PhysicalOperatorPtr> children, SchemaPtr schema);

// Materializes the child in Prepare, split into `partitions` by a hash of `keys`
// (equal keys, NULLs included, land in the same partition).
PhysicalOperatorPtr MakeHashExchange(PhysicalOperatorPtr child, std::vector<ExprPtr> keys,
                                     int partitions);
// Materializes the child in Prepare as one partition.
PhysicalOperatorPtr MakeGather(PhysicalOperatorPtr child);

// Two-phase hash aggregate; output = group columns then one per aggregate. No groups:
// one partition and exactly one row.
PhysicalOperatorPtr MakeHashAggregate(PhysicalOperatorPtr child, std::vector<ExprPtr> groups,
                                      std::vector<AggregateCall> aggregates, SchemaPtr schema,
                                      int partitions);

// Deduplication (batch dropDuplicates): the first row of each distinct value of the
// `keys` columns, per partition, in input order. REQUIRES: rows with equal keys are
// in one child partition (the planner puts a hash exchange on the keys below).
PhysicalOperatorPtr MakeDeduplicate(PhysicalOperatorPtr child, std::vector<int> keys);

// Session window aggregation (plan::AggregateNode with session_window_group): output
// = the groups, groups[session_group] being each merged session, then one column per
// aggregate. REQUIRES: rows equal on the other groups are in one child partition.
PhysicalOperatorPtr MakeSessionWindowAggregate(PhysicalOperatorPtr child,
                                               std::vector<ExprPtr> groups, int session_group,
                                               std::vector<AggregateCall> aggregates,
                                               SchemaPtr schema);

struct JoinKey {
  ExprPtr left;            // over the left input
  ExprPtr right;           // over the right input
  bool null_safe = false;  // <=>: NULL matches NULL
};

struct JoinSpec {
  plan::JoinType type = plan::JoinType::kInner;
  std::vector<JoinKey> keys;  // empty: a nested-loop join
  ExprPtr residual;           // over left ++ right; may be null
  bool null_aware = false;    // NOT IN semantics for a left anti join
  // kExistence with IN's comparison (plan::JoinNode::mark): the last
  // num_mark_keys of `keys` are its equalities (never null-safe), the others the
  // correlation's; `mark` is their conjunction over left ++ right.
  int num_mark_keys = 0;
  ExprPtr mark;
};

// Hash join (nested loop when spec.keys is empty): the right input is built once in
// Prepare and probed by every partition of the left input.
PhysicalOperatorPtr MakeHashJoin(PhysicalOperatorPtr left, PhysicalOperatorPtr right, JoinSpec spec,
                                 SchemaPtr schema);

// ORDER BY; with limit >= 0 a top-N (rows [offset, offset + limit) of the order).
PhysicalOperatorPtr MakeSort(PhysicalOperatorPtr child, std::vector<plan::SortKey> keys,
                             int64_t limit = -1, int64_t offset = 0);

// Window functions within each partition of the child (REQUIRES: rows of one window
// partition are in one child partition).
PhysicalOperatorPtr MakeWindow(PhysicalOperatorPtr child, std::vector<ExprPtr> partition_by,
                               std::vector<plan::SortKey> order_by,
                               std::vector<plan::WindowFunctionCall> functions, SchemaPtr schema);

// INTERSECT [ALL] / EXCEPT [ALL] of two inputs with the same column types.
PhysicalOperatorPtr MakeSetOp(PhysicalOperatorPtr left, PhysicalOperatorPtr right,
                              plan::SetOpKind kind, bool all, SchemaPtr schema);

}  // namespace weir::exec
