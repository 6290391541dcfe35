// Logical rewrites, applied in order before physical planning:
//  1. constant folding (FoldConstants on every expression; a filter that folds to
//     TRUE disappears, one that folds to FALSE or NULL becomes an empty relation),
//  2. filter push-down (through projections, into the matching side of inner joins
//     and the preserved side of outer joins, below aggregates when the predicate only
//     reads grouping columns, into scans as hints),
//  3. projection pruning (scans read only the columns somebody uses),
//  4. join reordering only where trivially safe: a chain of inner joins keeps its
//     order, but the smaller side (by the provider's known row count) becomes the
//     build side.
// Every rewrite keeps the plan's output schema and its results.
//
// Thread-safety: pure functions.

#pragma once

#include "weir/common/result.h"
#include "weir/expr/eval_context.h"
#include "weir/plan/logical_plan.h"

namespace weir::plan {

Result<LogicalPlanPtr> Optimize(const LogicalPlanPtr& plan, EvalContext& ctx);

}  // namespace weir::plan
