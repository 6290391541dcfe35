// The driver of the logical rewrites, and constant folding.

#include "weir/plan/optimizer.h"

#include "weir/plan/optimizer_internal.h"
#include "weir/plan/plan_exprs.h"

namespace weir::plan {

namespace internal {

void ColumnsRead(const ExprPtr& e, std::vector<int>* out) {
  if (e->kind() == ExprKind::kColumnRef) {
    out->push_back(static_cast<const ColumnRefExpr&>(*e).index());
    return;
  }
  for (const ExprPtr& c : e->children()) ColumnsRead(c, out);
}

Result<ExprPtr> MapColumns(const ExprPtr& e,
                           const std::function<ExprPtr(const ColumnRefExpr&)>& fn) {
  if (e->kind() == ExprKind::kColumnRef) return fn(static_cast<const ColumnRefExpr&>(*e));
  if (e->children().empty()) return e;
  std::vector<ExprPtr> children;
  bool changed = false;
  for (const ExprPtr& c : e->children()) {
    ASSIGN_OR_RAISE(ExprPtr m, MapColumns(c, fn));
    changed = changed || m != c;
    children.push_back(std::move(m));
  }
  return changed ? e->WithChildren(std::move(children)) : e;
}

bool Pushable(const ExprPtr& e) {
  if (!e->deterministic()) return false;
  bool ok = true;
  std::function<void(const ExprPtr&)> visit = [&](const ExprPtr& x) {
    // Placeholders other than the evaluable struct-field / try-cast / array-item
    // nodes are replaced by the planner; moving them is not worth the risk.
    if (x->kind() == ExprKind::kPlaceholder &&
        dynamic_cast<const GetFieldExpr*>(x.get()) == nullptr &&
        dynamic_cast<const TryCastExpr*>(x.get()) == nullptr &&
        dynamic_cast<const GetArrayItemExpr*>(x.get()) == nullptr) {
      ok = false;
    }
    for (const ExprPtr& c : x->children()) visit(c);
  };
  visit(e);
  return ok;
}

namespace {

// FoldConstants, keeping the expression as it is when folding fails (a constant
// that only fails when evaluated, e.g. in a CASE branch never taken, must not fail
// the query before it runs).
bool IsBoolLiteral(const ExprPtr& e, bool value) {
  if (e->kind() != ExprKind::kLiteral) return false;
  const Value& v = static_cast<const LiteralExpr&>(*e).value();
  return !v.is_null() && v.type().id() == TypeId::kBoolean && v.boolean() == value;
}

// TRUE AND x -> x, FALSE AND x -> FALSE, TRUE OR x -> TRUE, FALSE OR x -> x
// (Spark's BooleanSimplification), bottom-up.
ExprPtr SimplifyBoolean(const ExprPtr& e) {
  if (e->children().empty()) return e;
  std::vector<ExprPtr> children;
  bool changed = false;
  for (const ExprPtr& c : e->children()) {
    ExprPtr s = SimplifyBoolean(c);
    changed = changed || s != c;
    children.push_back(std::move(s));
  }
  if (e->kind() == ExprKind::kAnd || e->kind() == ExprKind::kOr) {
    const bool is_and = e->kind() == ExprKind::kAnd;
    for (int i = 0; i < 2; ++i) {
      const ExprPtr& x = children[static_cast<size_t>(i)];
      const ExprPtr& other = children[static_cast<size_t>(1 - i)];
      if (IsBoolLiteral(x, is_and)) return other;  // TRUE AND y, FALSE OR y
      if (IsBoolLiteral(x, !is_and)) return x;     // FALSE AND y, TRUE OR y
    }
  }
  return changed ? e->WithChildren(std::move(children)) : e;
}

Result<ExprPtr> SafeFold(const ExprPtr& e, EvalContext& ctx) {
  auto r = FoldConstants(e, ctx);
  if (!r.ok()) return e;
  return SimplifyBoolean(*r);
}

bool IsLiteralTrue(const ExprPtr& e) {
  if (e->kind() != ExprKind::kLiteral) return false;
  const Value& v = static_cast<const LiteralExpr&>(*e).value();
  return !v.is_null() && v.type().id() == TypeId::kBoolean && v.boolean();
}

bool IsLiteralFalseOrNull(const ExprPtr& e) {
  if (e->kind() != ExprKind::kLiteral) return false;
  const Value& v = static_cast<const LiteralExpr&>(*e).value();
  return v.is_null() || (v.type().id() == TypeId::kBoolean && !v.boolean());
}

}  // namespace

Result<LogicalPlanPtr> FoldPlanConstants(const LogicalPlanPtr& plan, EvalContext& ctx) {
  return TransformUp(plan, [&](const LogicalPlanPtr& node) -> Result<LogicalPlanPtr> {
    ASSIGN_OR_RAISE(LogicalPlanPtr folded,
                    TransformExpressions(node, [&](const ExprPtr& e) { return SafeFold(e, ctx); }));
    if (folded->kind() == LogicalKind::kFilter) {
      const auto& f = static_cast<const FilterNode&>(*folded);
      if (IsLiteralTrue(f.predicate())) return f.child();
      if (IsLiteralFalseOrNull(f.predicate())) {
        return LogicalPlanPtr(
            std::make_shared<ValuesNode>(f.schema(), std::vector<std::vector<Value>>{}));
      }
    }
    return folded;
  });
}

}  // namespace internal

Result<LogicalPlanPtr> Optimize(const LogicalPlanPtr& plan, EvalContext& ctx) {
  ASSIGN_OR_RAISE(LogicalPlanPtr p, internal::FoldPlanConstants(plan, ctx));
  ASSIGN_OR_RAISE(p, internal::PushDownFilters(p));
  // Push-down can combine conjuncts into foldable ones (a pushed TRUE, a FALSE meeting
  // a scan); fold once more.
  ASSIGN_OR_RAISE(p, internal::FoldPlanConstants(p, ctx));
  ASSIGN_OR_RAISE(p, internal::PruneColumns(p));
  ASSIGN_OR_RAISE(p, internal::ChooseBuildSides(p));
  ASSIGN_OR_RAISE(p, internal::BoundTopK(p));
  return p;
}

}  // namespace weir::plan
