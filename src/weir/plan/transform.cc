// TransformExpressions and TransformUp (declared in logical_plan.h).

#include "weir/plan/logical_plan.h"

namespace weir::plan {

namespace {

using ExprFn = std::function<Result<ExprPtr>(const ExprPtr&)>;

Result<std::vector<ExprPtr>> MapAll(const std::vector<ExprPtr>& exprs, const ExprFn& fn) {
  std::vector<ExprPtr> out;
  out.reserve(exprs.size());
  for (const ExprPtr& e : exprs) {
    ASSIGN_OR_RAISE(ExprPtr r, fn(e));
    out.push_back(std::move(r));
  }
  return out;
}

Result<AggregateCall> MapCall(const AggregateCall& call, const ExprFn& fn) {
  AggregateCall out = call;
  ASSIGN_OR_RAISE(out.args, MapAll(call.args, fn));
  if (call.filter) {
    ASSIGN_OR_RAISE(out.filter, fn(call.filter));
  }
  return out;
}

Result<std::vector<SortKey>> MapKeys(const std::vector<SortKey>& keys, const ExprFn& fn) {
  std::vector<SortKey> out = keys;
  for (SortKey& k : out) {
    ASSIGN_OR_RAISE(k.expr, fn(k.expr));
  }
  return out;
}

std::vector<std::string> Names(const Schema& schema, int from = 0) {
  std::vector<std::string> names;
  for (int i = from; i < schema.num_fields(); ++i) names.push_back(schema.field(i).name);
  return names;
}

}  // namespace

Result<LogicalPlanPtr> TransformExpressions(const LogicalPlanPtr& plan, const ExprFn& fn) {
  switch (plan->kind()) {
    case LogicalKind::kScan: {
      const auto& n = static_cast<const ScanNode&>(*plan);
      ASSIGN_OR_RAISE(auto filters, MapAll(n.filters(), fn));
      return std::make_shared<ScanNode>(n.table(), n.columns(), std::move(filters));
    }
    case LogicalKind::kValues:
    case LogicalKind::kLimit:
    case LogicalKind::kSetOp:
    case LogicalKind::kWatermark:    // its column is an index, not an expression
    case LogicalKind::kDeduplicate:  // its keys are indices
    case LogicalKind::kExtension:    // opaque
      return plan;
    case LogicalKind::kProject: {
      const auto& n = static_cast<const ProjectNode&>(*plan);
      ASSIGN_OR_RAISE(auto exprs, MapAll(n.exprs(), fn));
      return std::make_shared<ProjectNode>(n.child(), std::move(exprs), Names(*n.schema()));
    }
    case LogicalKind::kFilter: {
      const auto& n = static_cast<const FilterNode&>(*plan);
      ASSIGN_OR_RAISE(ExprPtr p, fn(n.predicate()));
      return std::make_shared<FilterNode>(n.child(), std::move(p));
    }
    case LogicalKind::kAggregate: {
      const auto& n = static_cast<const AggregateNode&>(*plan);
      ASSIGN_OR_RAISE(auto groups, MapAll(n.groups(), fn));
      std::vector<AggregateCall> calls;
      for (const AggregateCall& c : n.aggregates()) {
        ASSIGN_OR_RAISE(AggregateCall mapped, MapCall(c, fn));
        calls.push_back(std::move(mapped));
      }
      return std::make_shared<AggregateNode>(n.child(), std::move(groups), std::move(calls),
                                             Names(*n.schema()), n.session_window_group());
    }
    case LogicalKind::kJoin: {
      const auto& n = static_cast<const JoinNode&>(*plan);
      ExprPtr cond, mark;
      if (n.condition()) {
        ASSIGN_OR_RAISE(cond, fn(n.condition()));
      }
      if (n.mark()) {
        ASSIGN_OR_RAISE(mark, fn(n.mark()));
      }
      return std::make_shared<JoinNode>(n.child(0), n.child(1), n.join_type(), std::move(cond),
                                        n.null_aware(), std::move(mark));
    }
    case LogicalKind::kSort: {
      const auto& n = static_cast<const SortNode&>(*plan);
      ASSIGN_OR_RAISE(auto keys, MapKeys(n.keys(), fn));
      return std::make_shared<SortNode>(n.child(), std::move(keys));
    }
    case LogicalKind::kWindow: {
      const auto& n = static_cast<const WindowNode&>(*plan);
      ASSIGN_OR_RAISE(auto partition, MapAll(n.partition_by(), fn));
      ASSIGN_OR_RAISE(auto order, MapKeys(n.order_by(), fn));
      std::vector<WindowFunctionCall> fns = n.functions();
      for (WindowFunctionCall& f : fns) {
        ASSIGN_OR_RAISE(f.args, MapAll(f.args, fn));
        if (f.kind == WindowFunctionKind::kAggregate) {
          ASSIGN_OR_RAISE(f.aggregate, MapCall(f.aggregate, fn));
        }
      }
      return std::make_shared<WindowNode>(n.child(), std::move(partition), std::move(order),
                                          std::move(fns),
                                          Names(*n.schema(), n.child()->schema()->num_fields()));
    }
    case LogicalKind::kGenerate: {
      const auto& n = static_cast<const GenerateNode&>(*plan);
      ASSIGN_OR_RAISE(auto args, MapAll(n.args(), fn));
      return std::make_shared<GenerateNode>(n.child(), n.generator(), std::move(args), n.outer(),
                                            n.generated_names(), n.forwarded());
    }
    case LogicalKind::kExpand: {
      const auto& n = static_cast<const ExpandNode&>(*plan);
      std::vector<std::vector<ExprPtr>> projections;
      for (const auto& p : n.projections()) {
        ASSIGN_OR_RAISE(auto mapped, MapAll(p, fn));
        projections.push_back(std::move(mapped));
      }
      return std::make_shared<ExpandNode>(n.child(), std::move(projections), n.schema());
    }
  }
  return Status::Internal("unknown logical plan node");
}

Result<LogicalPlanPtr> TransformUp(
    const LogicalPlanPtr& plan,
    const std::function<Result<LogicalPlanPtr>(const LogicalPlanPtr&)>& fn) {
  std::vector<LogicalPlanPtr> children;
  bool changed = false;
  for (const LogicalPlanPtr& c : plan->children()) {
    ASSIGN_OR_RAISE(LogicalPlanPtr t, TransformUp(c, fn));
    changed = changed || t != c;
    children.push_back(std::move(t));
  }
  const LogicalPlanPtr node = changed ? plan->WithChildren(std::move(children)) : plan;
  return fn(node);
}

}  // namespace weir::plan
