// The rules of Optimize (optimizer.h), one file each:
//   optimizer.cc  the driver and constant folding
//   push_down.cc  filter push-down
//   prune.cc      projection pruning
//   top_k.cc      bounded top-K aggregation

#pragma once

#include <functional>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/eval_context.h"
#include "weir/plan/logical_plan.h"

namespace weir::plan::internal {

// Folds every expression; a filter that folds to TRUE disappears, one that folds
// to FALSE or NULL becomes an empty relation of its schema.
Result<LogicalPlanPtr> FoldPlanConstants(const LogicalPlanPtr& plan, EvalContext& ctx);

// Moves filters towards the scans (see optimizer.h).
Result<LogicalPlanPtr> PushDownFilters(const LogicalPlanPtr& plan);

// Reads and computes only the columns some ancestor uses.
Result<LogicalPlanPtr> PruneColumns(const LogicalPlanPtr& plan);

// join_order.cc: an inner or cross join whose left input is known to be smaller swaps
// its inputs, so the smaller one is the hash join's build side.
Result<LogicalPlanPtr> ChooseBuildSides(const LogicalPlanPtr& plan);

// top_k.cc: a collect_list read only as element_at(sort_array(list, asc), i) with
// literal 1 <= i <= K becomes the internal aggregate that keeps the first K
// elements in that order (functions/aggregates_topk.h).
Result<LogicalPlanPtr> BoundTopK(const LogicalPlanPtr& plan);

// Helpers shared by the rules.

// The input column indices `e` reads.
void ColumnsRead(const ExprPtr& e, std::vector<int>* out);
// `e` with ColumnRef(i) replaced by `fn(i)` (fn returns the replacement).
Result<ExprPtr> MapColumns(const ExprPtr& e,
                           const std::function<ExprPtr(const ColumnRefExpr&)>& fn);
// True when `e` holds no plan-level placeholder (scalar subquery, binder reference)
// and is deterministic.
bool Pushable(const ExprPtr& e);

}  // namespace weir::plan::internal
