// Physical planning: turns an (optimized) logical plan into operators.
//  - Scans get one partition per provider partition; projections, filters and
//    generators run inside their input's partitions.
//  - Aggregates are two-phase: a partial hash aggregate in every input partition,
//    then a hash exchange on the group keys and a final aggregate per partition; a
//    global aggregate merges into one partition.
//  - Joins with equality conditions are hash joins (the build side is the right input,
//    or the left for a right outer join); others are nested-loop joins.
//  - Sort is a parallel sort of each partition and a merge into one partition;
//    Sort + Limit is a top-N.
//  - Uncorrelated scalar subqueries are executed first and replaced by literals.
//
// Thread-safety: pure function of its inputs (subqueries are run on ctx.pool).

#pragma once

#include <functional>
#include <vector>

#include "weir/common/result.h"
#include "weir/exec/operator.h"
#include "weir/plan/logical_plan.h"

namespace weir::exec {

// Plans an extension node (plan::ExtensionNode) over its planned children;
// `partitions` is the planner's exchange partition count.
using ExtensionPlanner = std::function<Result<PhysicalOperatorPtr>(
    const plan::ExtensionNode& node, std::vector<PhysicalOperatorPtr> children, ExecContext& ctx,
    int partitions)>;

struct PlannerOptions {
  // Partitions of exchanges (hash aggregate, hash join). 0: the pool's thread count.
  int shuffle_partitions = 0;
  // Required when the plan has extension nodes (a streaming query's stateful
  // operators).
  ExtensionPlanner plan_extension;
};

Result<PhysicalOperatorPtr> PlanPhysical(const plan::LogicalPlanPtr& plan, ExecContext& ctx,
                                         const PlannerOptions& options = {});

}  // namespace weir::exec
