// Small helpers of the binder (declared in binder_internal.h).

#include "weir/functions/aggregate.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

std::vector<ColumnInfo> ColumnsOf(const Schema& schema, const std::string& qualifier) {
  std::vector<ColumnInfo> out;
  for (const Field& f : schema.fields()) {
    out.push_back(ColumnInfo{qualifier, f.name, f.type, f.nullable, false, false});
  }
  return out;
}

std::string ExprKey(const ExprPtr& e) {
  switch (e->kind()) {
    case ExprKind::kColumnRef:
      return "#" + std::to_string(static_cast<const ColumnRefExpr&>(*e).index());
    case ExprKind::kLiteral:
      return "lit(" + e->ToString() + ":" + e->type().ToString() + ")";
    case ExprKind::kPlaceholder:
      if (const BinderRefExpr* r = AsBinderRef(*e)) {
        return "ref(" + std::to_string(static_cast<int>(r->ref_kind())) + "," +
               std::to_string(r->id()) + ")";
      }
      if (e->children().empty()) {
        // A scalar subquery: only itself is equal to itself.
        return "node@" + std::to_string(reinterpret_cast<uintptr_t>(e.get()));
      }
      break;
    default:
      break;
  }
  std::string key = std::to_string(static_cast<int>(e->kind())) + "{" + e->ToString() + ":" +
                    e->type().ToString() + "}(";
  for (const ExprPtr& c : e->children()) key += ExprKey(c) + ",";
  return key + ")";
}

Result<ExprPtr> RewriteExpr(const ExprPtr& e,
                            const std::function<Result<ExprPtr>(const ExprPtr&)>& fn) {
  ASSIGN_OR_RAISE(ExprPtr replaced, fn(e));
  if (replaced) return replaced;
  if (e->children().empty()) return e;
  std::vector<ExprPtr> children;
  bool changed = false;
  for (const ExprPtr& c : e->children()) {
    ASSIGN_OR_RAISE(ExprPtr n, RewriteExpr(c, fn));
    changed = changed || n != c;
    children.push_back(std::move(n));
  }
  return changed ? e->WithChildren(std::move(children)) : e;
}

void VisitExpr(const ExprPtr& e, const std::function<void(const Expr&)>& fn) {
  fn(*e);
  for (const ExprPtr& c : e->children()) VisitExpr(c, fn);
}

namespace {

template <typename Pred>
bool AnyAst(const sql::SqlExpr& e, const Pred& pred) {
  if (pred(e)) return true;
  if (e.kind == sql::SqlExprKind::kScalarSubquery || e.kind == sql::SqlExprKind::kExists) {
    return false;
  }
  for (const auto& c : e.children) {
    if (c && AnyAst(*c, pred)) return true;
  }
  if (e.case_operand && AnyAst(*e.case_operand, pred)) return true;
  for (const auto& [w, t] : e.when_then) {
    if (AnyAst(*w, pred) || AnyAst(*t, pred)) return true;
  }
  if (e.case_else && AnyAst(*e.case_else, pred)) return true;
  if (e.filter && AnyAst(*e.filter, pred)) return true;
  if (e.over) {
    for (const auto& p : e.over->partition_by) {
      if (AnyAst(*p, pred)) return true;
    }
    for (const auto& s : e.over->order_by) {
      if (AnyAst(*s.expr, pred)) return true;
    }
  }
  return false;
}

bool IsAggregateCall(const sql::SqlExpr& e) {
  return e.kind == sql::SqlExprKind::kFunction && !e.over && !e.names.empty() &&
         IsAggregateFunction(AsciiLower(e.names.back()));
}

}  // namespace

bool ContainsAggregate(const sql::SqlExpr& e) {
  // The arguments of a windowed aggregate may hold plain aggregates: sum(sum(x)) OVER ().
  return AnyAst(e, [](const sql::SqlExpr& x) { return IsAggregateCall(x); });
}

bool ContainsWindow(const sql::SqlExpr& e) {
  return AnyAst(e, [](const sql::SqlExpr& x) {
    return x.kind == sql::SqlExprKind::kFunction && x.over != nullptr;
  });
}

bool ContainsSubquery(const sql::SqlExpr& e) {
  return AnyAst(e, [](const sql::SqlExpr& x) {
    return x.kind == sql::SqlExprKind::kScalarSubquery || x.kind == sql::SqlExprKind::kExists ||
           x.kind == sql::SqlExprKind::kInSubquery;
  });
}

bool ContainsRef(const ExprPtr& e, BinderRefExpr::RefKind kind) {
  bool found = false;
  VisitExpr(e, [&](const Expr& x) {
    const BinderRefExpr* r = AsBinderRef(x);
    if (r != nullptr && r->ref_kind() == kind) found = true;
  });
  return found;
}

void SplitConjuncts(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (e->kind() == ExprKind::kAnd) {
    SplitConjuncts(e->child(0), out);
    SplitConjuncts(e->child(1), out);
  } else {
    out->push_back(e);
  }
}

Result<ExprPtr> AndAll(const std::vector<ExprPtr>& conjuncts) {
  if (conjuncts.empty()) return Literal(Value::Boolean(true));
  ExprPtr out = conjuncts[0];
  for (size_t i = 1; i < conjuncts.size(); ++i) {
    ASSIGN_OR_RAISE(out, And(out, conjuncts[i]));
  }
  return out;
}

std::string QuoteId(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string QuoteId(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ".";
    out += QuoteId(parts[i]);
  }
  return out;
}

std::string ItemName(const sql::SqlExpr& e, const ExprPtr& bound) {
  if (IsTimeWindowCall(e) && bound->kind() == ExprKind::kColumnRef) {
    // Spark names it after the attribute TimeWindowing adds: `window`, `session_window`.
    return static_cast<const ColumnRefExpr&>(*bound).name();
  }
  if (e.kind == sql::SqlExprKind::kColumn || e.kind == sql::SqlExprKind::kField) {
    // Spark names a column by its name in the schema, not as the query spelled it.
    if (bound->kind() == ExprKind::kColumnRef) {
      return static_cast<const ColumnRefExpr&>(*bound).name();
    }
    if (const auto* f = dynamic_cast<const GetFieldExpr*>(bound.get())) return f->field_name();
  }
  return sql::ExprName(e);
}

std::vector<std::string> NamesOf(const std::vector<ColumnInfo>& columns) {
  std::vector<std::string> out;
  for (const ColumnInfo& c : columns) out.push_back(c.name);
  return out;
}

LogicalPlanPtr Rename(const LogicalPlanPtr& plan, const std::vector<std::string>& names) {
  const Schema& s = *plan->schema();
  bool same = static_cast<int>(names.size()) == s.num_fields();
  for (int i = 0; same && i < s.num_fields(); ++i) same = s.field(i).name == names[i];
  if (same) return plan;
  std::vector<ExprPtr> exprs;
  for (int i = 0; i < s.num_fields(); ++i) exprs.push_back(ColumnRef(s, i));
  return std::make_shared<ProjectNode>(plan, std::move(exprs), names);
}

std::string OrdinalNumber(int i) {
  static const char* kNames[] = {"first", "second", "third"};
  if (i >= 0 && i < 3) return kNames[i];
  const int n = i + 1;
  const int mod100 = n % 100;
  const char* suffix = (mod100 >= 11 && mod100 <= 13) ? "th"
                       : n % 10 == 1                  ? "st"
                       : n % 10 == 2                  ? "nd"
                       : n % 10 == 3                  ? "rd"
                                                      : "th";
  return std::to_string(n) + suffix;
}

namespace {

void CollectNodeExprs(const LogicalPlan& plan, std::vector<ExprPtr>* out) {
  auto add = [&](const std::vector<ExprPtr>& v) { out->insert(out->end(), v.begin(), v.end()); };
  auto add_call = [&](const AggregateCall& c) {
    add(c.args);
    if (c.filter) out->push_back(c.filter);
  };
  switch (plan.kind()) {
    case LogicalKind::kScan:
      add(static_cast<const ScanNode&>(plan).filters());
      break;
    case LogicalKind::kProject:
      add(static_cast<const ProjectNode&>(plan).exprs());
      break;
    case LogicalKind::kFilter:
      out->push_back(static_cast<const FilterNode&>(plan).predicate());
      break;
    case LogicalKind::kAggregate: {
      const auto& n = static_cast<const AggregateNode&>(plan);
      add(n.groups());
      for (const AggregateCall& c : n.aggregates()) add_call(c);
      break;
    }
    case LogicalKind::kJoin: {
      const auto& j = static_cast<const JoinNode&>(plan);
      if (j.condition()) out->push_back(j.condition());
      if (j.mark()) out->push_back(j.mark());
      break;
    }
    case LogicalKind::kSort:
      for (const SortKey& k : static_cast<const SortNode&>(plan).keys()) out->push_back(k.expr);
      break;
    case LogicalKind::kWindow: {
      const auto& n = static_cast<const WindowNode&>(plan);
      add(n.partition_by());
      for (const SortKey& k : n.order_by()) out->push_back(k.expr);
      for (const WindowFunctionCall& f : n.functions()) {
        add(f.args);
        if (f.kind == WindowFunctionKind::kAggregate) add_call(f.aggregate);
      }
      break;
    }
    case LogicalKind::kGenerate:
      add(static_cast<const GenerateNode&>(plan).args());
      break;
    case LogicalKind::kExpand:
      for (const auto& p : static_cast<const ExpandNode&>(plan).projections()) add(p);
      break;
    case LogicalKind::kValues:
    case LogicalKind::kLimit:
    case LogicalKind::kSetOp:
    case LogicalKind::kWatermark:
    case LogicalKind::kDeduplicate:
    case LogicalKind::kExtension:
      break;
  }
}

}  // namespace

bool PlanAnyExpr(const LogicalPlanPtr& plan, const std::function<bool(const ExprPtr&)>& pred) {
  std::vector<ExprPtr> exprs;
  CollectNodeExprs(*plan, &exprs);
  for (const ExprPtr& e : exprs) {
    if (pred(e)) return true;
  }
  for (const LogicalPlanPtr& c : plan->children()) {
    if (PlanAnyExpr(c, pred)) return true;
  }
  return false;
}

}  // namespace weir::plan::internal
