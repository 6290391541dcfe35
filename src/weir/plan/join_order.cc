// The one join reordering weir does: an inner or cross join whose left input is
// known to be smaller than its right input swaps them, so the smaller input is the
// hash join's build side (the physical planner builds the right input). Only size
// estimates from scans and literal relations are used; a Project above the swapped
// join restores the column order, so the rewrite changes neither the schema nor the
// rows. Anything else keeps its order (a reorder of join chains needs statistics
// weir does not keep).

#include "weir/plan/optimizer_internal.h"

namespace weir::plan::internal {

namespace {

// Size estimate in bytes of a subtree, when it is cheap to know.
std::optional<int64_t> EstimateBytes(const LogicalPlan& plan) {
  switch (plan.kind()) {
    case LogicalKind::kScan: {
      const auto& scan = static_cast<const ScanNode&>(plan);
      std::optional<int64_t> table = scan.table()->EstimatedBytes();
      if (!table) return std::nullopt;
      // A scan reads only some columns: scale by the share of columns read.
      const int all = scan.table()->schema()->num_fields();
      if (all == 0) return *table;
      return *table * std::max<int64_t>(1, static_cast<int64_t>(scan.columns().size())) / all;
    }
    case LogicalKind::kValues: {
      const auto& values = static_cast<const ValuesNode&>(plan);
      return static_cast<int64_t>(values.rows().size()) *
             std::max(1, values.schema()->num_fields()) * 8;
    }
    case LogicalKind::kFilter:
    case LogicalKind::kProject:
    case LogicalKind::kSort:
    case LogicalKind::kDeduplicate:
      return EstimateBytes(*plan.child(0));
    case LogicalKind::kLimit: {
      const auto& limit = static_cast<const LimitNode&>(plan);
      std::optional<int64_t> child = EstimateBytes(*plan.child(0));
      if (limit.limit() >= 0) {
        const int64_t cap = limit.limit() * std::max(1, plan.schema()->num_fields()) * 8;
        return child ? std::min(*child, cap) : cap;
      }
      return child;
    }
    default:
      return std::nullopt;
  }
}

// Moves every column reference of `e` (over left ++ right) to right ++ left.
Result<ExprPtr> SwapSides(const ExprPtr& e, int left_width, int right_width) {
  return MapColumns(e, [&](const ColumnRefExpr& c) -> ExprPtr {
    const int i = c.index();
    const int moved = i < left_width ? i + right_width : i - left_width;
    return ColumnRef(moved, c.name(), c.type(), c.nullable());
  });
}

}  // namespace

Result<LogicalPlanPtr> ChooseBuildSides(const LogicalPlanPtr& plan) {
  return TransformUp(plan, [](const LogicalPlanPtr& node) -> Result<LogicalPlanPtr> {
    if (node->kind() != LogicalKind::kJoin) return node;
    const auto& join = static_cast<const JoinNode&>(*node);
    if (join.join_type() != JoinType::kInner && join.join_type() != JoinType::kCross) {
      return node;
    }
    const std::optional<int64_t> left = EstimateBytes(*join.child(0));
    const std::optional<int64_t> right = EstimateBytes(*join.child(1));
    if (!left || !right || *left >= *right) return node;
    const int lw = join.child(0)->schema()->num_fields();
    const int rw = join.child(1)->schema()->num_fields();
    ExprPtr condition;
    if (join.condition()) {
      ASSIGN_OR_RAISE(condition, SwapSides(join.condition(), lw, rw));
    }
    auto swapped = std::make_shared<JoinNode>(join.child(1), join.child(0), join.join_type(),
                                              std::move(condition));
    // Restore the original column order: left columns sit after the right ones now.
    std::vector<ExprPtr> exprs;
    std::vector<std::string> names;
    for (int i = 0; i < lw + rw; ++i) {
      const int from = i < lw ? i + rw : i - lw;
      exprs.push_back(ColumnRef(*swapped->schema(), from));
      names.push_back(node->schema()->field(i).name);
    }
    return LogicalPlanPtr(
        std::make_shared<ProjectNode>(std::move(swapped), std::move(exprs), std::move(names)));
  });
}

}  // namespace weir::plan::internal
