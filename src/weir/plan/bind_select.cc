// One SELECT block. Clauses are bound in Spark's order — FROM, WHERE, GROUP BY,
// SELECT, HAVING, QUALIFY, ORDER BY — and planned as
//   input -> [Expand] -> [Aggregate] -> [Filter HAVING] -> [Window...] ->
//   [Filter QUALIFY] -> Project -> [distinct Aggregate] -> [Sort] -> [Project]
// where the last Project drops the ORDER BY columns the SELECT list did not have.

#include "weir/functions/generator.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

namespace {

using sql::SqlExpr;
using sql::SqlExprKind;

bool IsGeneratorCall(const SqlExpr& e) {
  return e.kind == SqlExprKind::kFunction && !e.over && !e.names.empty() &&
         IsGenerator(AsciiLower(e.names.back()));
}

bool IsIntegerLiteral(const SqlExpr& e) {
  return e.kind == SqlExprKind::kLiteral && !e.value.is_null() &&
         (e.value.type().id() == TypeId::kInt32 || e.value.type().id() == TypeId::kInt64);
}

int64_t IntegerOf(const Value& v) {
  return v.type().id() == TypeId::kInt32 ? v.int32() : v.int64();
}

// The input columns `*` or `t.*` stands for.
Result<std::vector<int>> ExpandStar(const std::vector<ColumnInfo>& columns, const SqlExpr& star) {
  std::vector<int> out;
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnInfo& c = columns[i];
    if (c.internal) continue;
    if (star.names.empty()) {
      if (!c.qualified_only) out.push_back(static_cast<int>(i));
    } else if (!c.qualified_only && EqualsIgnoreCase(c.qualifier, star.names.back())) {
      out.push_back(static_cast<int>(i));
    }
  }
  if (out.empty() && !star.names.empty()) {
    std::string names;
    for (const ColumnInfo& c : columns) {
      if (c.internal || c.qualified_only) continue;
      names += (names.empty() ? "" : ", ") + QuoteId(c.name);
    }
    return SqlError("[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve " + QuoteId(star.names) +
                        ".* given input columns " + names + ".",
                    star.position);
  }
  return out;
}

// The qualifier an unaliased column item keeps, so that ORDER BY t.a still works.
std::string ItemQualifier(const std::vector<ColumnInfo>& input, const SqlExpr& e) {
  if (e.kind != SqlExprKind::kColumn) return "";
  auto m = ExprBinder::MatchColumn(input, e.names, e.position);
  if (!m.ok() || !*m || (*m)->consumed != e.names.size()) return "";
  return input[static_cast<size_t>((*m)->index)].qualifier;
}

}  // namespace

Result<Relation> Binder::BindSelect(const sql::QueryNode& node,
                                    const std::vector<sql::SortItem>* order, bool* ordered,
                                    const OuterScope* outer, Correlation* corr) {
  SelectState st(node);
  ASSIGN_OR_RAISE(st.input, BindFrom(node.from));
  for (const sql::LateralView& lv : node.lateral_views) {
    ASSIGN_OR_RAISE(st.input, BindLateralView(std::move(st.input), lv));
  }

  // WHERE: IN / EXISTS conjuncts become semi / anti joins; in a correlated
  // subquery, conjuncts over outer columns are pulled up to the caller.
  std::vector<ExprPtr> pulled;
  if (node.where) {
    ASSIGN_OR_RAISE(auto rest, ApplyPredicateSubqueries(this, *node.where, &st.input, outer));
    ExprBinder wb(this, &st.input, Clause::kWhere);
    wb.set_outer(outer);
    wb.set_allow_subquery_joins(true);
    std::vector<ExprPtr> keep;
    for (const SqlExpr* c : rest) {
      ASSIGN_OR_RAISE(ExprPtr p, BindCondition(wb, *c));
      std::vector<ExprPtr> parts;
      SplitConjuncts(p, &parts);
      for (ExprPtr& x : parts) {
        if (corr != nullptr && ContainsRef(x, BinderRefExpr::RefKind::kOuter)) {
          pulled.push_back(std::move(x));
        } else {
          keep.push_back(std::move(x));
        }
      }
    }
    if (!keep.empty()) {
      ASSIGN_OR_RAISE(ExprPtr pred, AndAll(keep));
      st.input.plan = std::make_shared<FilterNode>(st.input.plan, pred);
    }
  }
  // The inner columns the pulled predicates read: the subquery outputs them too.
  std::vector<int> corr_columns;
  for (const ExprPtr& p : pulled) {
    VisitExpr(p, [&](const Expr& x) {
      if (x.kind() != ExprKind::kColumnRef) return;
      const int i = static_cast<const ColumnRefExpr&>(x).index();
      if (std::find(corr_columns.begin(), corr_columns.end(), i) == corr_columns.end()) {
        corr_columns.push_back(i);
      }
    });
  }

  // The SELECT list with stars expanded.
  for (const sql::SelectItem& item : node.select_list) {
    if (item.expr->kind == SqlExprKind::kStar) {
      ASSIGN_OR_RAISE(std::vector<int> cols, ExpandStar(st.input.columns, *item.expr));
      for (int c : cols) st.expanded.push_back({&item, c});
    } else {
      st.expanded.push_back({&item, -1});
    }
  }

  st.aggregating = node.group_by.has_value() || node.having != nullptr;
  for (const sql::SelectItem& item : node.select_list) {
    st.aggregating = st.aggregating || ContainsAggregate(*item.expr);
  }
  // window() / session_window(): Spark's TimeWindowing over the input.
  RETURN_NOT_OK(ApplyTimeWindow(this, &st, outer));
  if (st.aggregating) {
    RETURN_NOT_OK(BindGroupBy(this, &st, outer, corr_columns));
  }
  RETURN_NOT_OK(CheckSessionGrouping(st));

  // The binder SELECT items (and the fallback of ORDER BY) use.
  std::unique_ptr<ExprBinder> binder;
  if (st.aggregating) {
    binder = std::make_unique<AggregateBinder>(this, &st, Clause::kSelect, false);
  } else {
    binder = std::make_unique<ExprBinder>(this, &st.input, Clause::kSelect);
    binder->set_allow_subquery_joins(true);
  }
  binder->set_outer(outer);
  binder->set_windows(&st.windows, &node.windows);
  binder->set_select_aliases(&st.item_columns, &st.items);

  bool generated = false;
  for (const SelectState::ExpandedItem& x : st.expanded) {
    const sql::SelectItem& item = *x.item;
    if (x.star_column >= 0) {
      ExprPtr e;
      if (st.aggregating) {
        ASSIGN_OR_RAISE(
            e, static_cast<AggregateBinder&>(*binder).InputColumn(x.star_column, *item.expr));
      } else {
        e = ColumnRef(x.star_column, st.input.columns[static_cast<size_t>(x.star_column)].name,
                      st.input.columns[static_cast<size_t>(x.star_column)].type,
                      st.input.columns[static_cast<size_t>(x.star_column)].nullable);
      }
      ColumnInfo info = st.input.columns[static_cast<size_t>(x.star_column)];
      info.type = e->type();
      info.nullable = e->nullable();
      st.items.push_back(std::move(e));
      st.item_columns.push_back(std::move(info));
      continue;
    }
    const SqlExpr& ast = *item.expr;
    if (IsGeneratorCall(ast)) {
      // A generator in the SELECT list: a Generate below the projection.
      if (st.aggregating) {
        return SqlError(
            "[UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS] The generator is not "
            "supported: together with aggregate functions in \"" +
                sql::ExprName(ast) + "\".",
            ast.position);
      }
      if (generated) {
        return SqlError(
            "[UNSUPPORTED_GENERATOR.MULTI_GENERATOR] The generator is not supported: "
            "only one generator allowed per SELECT clause.",
            ast.position);
      }
      generated = true;
      std::vector<std::string> aliases = item.aliases;
      if (aliases.empty() && !item.alias.empty()) aliases.push_back(item.alias);
      const int before = st.input.width();
      std::vector<ExprPtr> args;
      for (const auto& c : ast.children) {
        ASSIGN_OR_RAISE(ExprPtr a, binder->Bind(*c));
        args.push_back(std::move(a));
      }
      const std::string name = AsciiLower(ast.names.back());
      auto gen = ResolveGenerator(name, args);
      if (!gen.ok()) return Positioned(gen.status(), ast.position);
      const std::vector<Field>& fields = (*gen)->output_fields();
      std::vector<std::string> names;
      if (!aliases.empty()) {
        if (aliases.size() != fields.size()) {
          return SqlError(
              "[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the AS "
              "clause does not match the number of columns output by the UDTF. "
              "Expected " +
                  std::to_string(fields.size()) + " aliases, but got " +
                  std::to_string(aliases.size()) + ".",
              ast.position);
        }
        names = aliases;
      } else {
        for (const Field& f : fields) names.push_back(f.name);
      }
      st.input.plan = std::make_shared<GenerateNode>(st.input.plan, *gen, std::move(args),
                                                     name.ends_with("_outer"), names);
      const Schema& gs = *st.input.plan->schema();
      for (size_t i = 0; i < fields.size(); ++i) {
        const Field& f = gs.field(before + static_cast<int>(i));
        st.input.columns.push_back(ColumnInfo{"", f.name, f.type, f.nullable, false, true});
        st.items.push_back(ColumnRef(gs, before + static_cast<int>(i)));
        st.item_columns.push_back(ColumnInfo{"", f.name, f.type, f.nullable});
      }
      continue;
    }
    ASSIGN_OR_RAISE(ExprPtr e, binder->Bind(ast));
    ColumnInfo info;
    info.name = !item.alias.empty() ? item.alias : ItemName(ast, e);
    info.qualifier = item.alias.empty() ? ItemQualifier(st.input.columns, ast) : "";
    info.type = e->type();
    info.nullable = e->nullable();
    st.items.push_back(std::move(e));
    st.item_columns.push_back(std::move(info));
  }

  // HAVING, over the aggregate's output (may name SELECT aliases).
  // IN / EXISTS conjuncts become semi / anti joins over the aggregate.
  ExprPtr having;
  std::vector<HavingSubquery> having_subqueries;
  if (node.having) {
    AggregateBinder hb(this, &st, Clause::kHaving, true);
    hb.set_outer(outer);
    ASSIGN_OR_RAISE(auto rest, BindHavingSubqueries(this, hb, *node.having, &having_subqueries));
    std::vector<ExprPtr> conds;
    for (const SqlExpr* c : rest) {
      ASSIGN_OR_RAISE(ExprPtr p, BindCondition(hb, *c));
      conds.push_back(std::move(p));
    }
    if (!conds.empty()) {
      ASSIGN_OR_RAISE(having, AndAll(conds));
    }
    if (having && ContainsRef(having, BinderRefExpr::RefKind::kWindow)) {
      return SqlError("[UNSUPPORTED_EXPR_FOR_OPERATOR] Window functions are not allowed in HAVING.",
                      node.having->position);
    }
  }
  ExprPtr qualify;
  if (node.qualify) {
    ASSIGN_OR_RAISE(qualify, BindCondition(*binder, *node.qualify));
  }

  // ORDER BY: output columns (names, aliases, ordinals, expressions over them)
  // first, else expressions over the input, added as hidden columns.
  std::vector<SortKey> keys;
  std::vector<ExprPtr> hidden;
  const int n_items = static_cast<int>(st.items.size());
  if (order != nullptr && !order->empty()) {
    *ordered = true;
    Relation output;
    output.columns = st.item_columns;
    for (const sql::SortItem& s : *order) {
      SortKey key;
      key.ascending = s.ascending;
      key.nulls_first = s.nulls_first.value_or(s.ascending);
      if (IsIntegerLiteral(*s.expr)) {
        const int64_t k = IntegerOf(s.expr->value);
        if (k < 1 || k > n_items) {
          return SqlError("[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position " + std::to_string(k) +
                              " is not in select list (valid range is [1, " +
                              std::to_string(n_items) + "]).",
                          s.expr->position);
        }
        const ColumnInfo& c = st.item_columns[static_cast<size_t>(k - 1)];
        key.expr = ColumnRef(static_cast<int>(k - 1), c.name, c.type, c.nullable);
        keys.push_back(std::move(key));
        continue;
      }
      ExprBinder ob(this, &output, Clause::kOrderBy);
      auto on_output = ob.Bind(*s.expr);
      if (on_output.ok()) {
        key.expr = *on_output;
      } else if (node.distinct) {
        return on_output.status();
      } else {
        std::unique_ptr<ExprBinder> fb;
        if (st.aggregating) {
          fb = std::make_unique<AggregateBinder>(this, &st, Clause::kOrderBy, true);
        } else {
          fb = std::make_unique<ExprBinder>(this, &st.input, Clause::kOrderBy);
        }
        fb->set_outer(outer);
        fb->set_windows(&st.windows, &node.windows);
        ASSIGN_OR_RAISE(ExprPtr e, fb->Bind(*s.expr));
        const int index = n_items + static_cast<int>(hidden.size());
        key.expr = ColumnRef(index, sql::ExprName(*s.expr), e->type(), e->nullable());
        hidden.push_back(std::move(e));
      }
      keys.push_back(std::move(key));
    }
  }

  // The plan.
  LogicalPlanPtr plan = st.input.plan;
  std::vector<ExprPtr> outputs = st.items;
  if (st.aggregating) {
    ASSIGN_OR_RAISE(plan, BuildAggregate(st));
    // IN / EXISTS in the SELECT list or inside HAVING: existence joins over it.
    std::vector<ExprPtr*> refs = {&having, &qualify};
    for (ExprPtr& o : outputs) refs.push_back(&o);
    for (ExprPtr& h : hidden) refs.push_back(&h);
    for (PendingWindowCall& w : st.windows) {
      for (ExprPtr& a : w.call.args) refs.push_back(&a);
      for (ExprPtr& a : w.call.aggregate.args) refs.push_back(&a);
      refs.push_back(&w.call.aggregate.filter);
      for (ExprPtr& a : w.partition_by) refs.push_back(&a);
      for (SortKey& k : w.order_by) refs.push_back(&k.expr);
    }
    ASSIGN_OR_RAISE(plan, ApplyExistenceJoins(this, plan, st.existence, refs));
    if (having) plan = std::make_shared<FilterNode>(plan, having);
    ASSIGN_OR_RAISE(plan, ApplyHavingSubqueries(this, plan, having_subqueries));
  }
  std::vector<std::string> names = NamesOf(st.item_columns);
  // Correlation: the inner columns the pulled predicates read, after the items.
  std::vector<int> corr_output;
  for (int c : corr_columns) {
    ExprPtr e;
    if (st.aggregating) {
      AggregateBinder ab(this, &st, Clause::kSelect, false);
      ASSIGN_OR_RAISE(e, ab.InputColumn(c, *node.select_list[0].expr));
    } else {
      e = ColumnRef(c, st.input.columns[static_cast<size_t>(c)].name,
                    st.input.columns[static_cast<size_t>(c)].type,
                    st.input.columns[static_cast<size_t>(c)].nullable);
    }
    corr_output.push_back(static_cast<int>(outputs.size()));
    outputs.push_back(std::move(e));
    names.push_back(st.input.columns[static_cast<size_t>(c)].name);
  }
  const int n_kept = static_cast<int>(outputs.size());
  for (ExprPtr& h : hidden) {
    outputs.push_back(h);
    names.push_back("__order_" + std::to_string(outputs.size()));
  }
  // ORDER BY keys index items then hidden columns; shift hidden past the correlation.
  for (SortKey& k : keys) {
    ASSIGN_OR_RAISE(k.expr, RewriteExpr(k.expr, [&](const ExprPtr& x) -> Result<ExprPtr> {
                      if (x->kind() != ExprKind::kColumnRef) return ExprPtr();
                      const auto& r = static_cast<const ColumnRefExpr&>(*x);
                      if (r.index() < n_items) return ExprPtr();
                      return ColumnRef(r.index() - n_items + n_kept, r.name(), r.type(),
                                       r.nullable());
                    }));
  }
  if (!st.windows.empty()) {
    std::vector<ExprPtr*> refs;
    for (ExprPtr& o : outputs) refs.push_back(&o);
    if (qualify) refs.push_back(&qualify);
    ASSIGN_OR_RAISE(plan, BuildWindows(plan, st.windows, std::move(refs)));
  } else if (qualify) {
    return SqlError("[INVALID_SQL_SYNTAX] QUALIFY needs a window function in the query.",
                    node.qualify->position);
  }
  if (qualify) plan = std::make_shared<FilterNode>(plan, qualify);
  plan = std::make_shared<ProjectNode>(plan, outputs, names);
  if (node.distinct) {
    std::vector<ExprPtr> all;
    for (int i = 0; i < plan->schema()->num_fields(); ++i)
      all.push_back(ColumnRef(*plan->schema(), i));
    plan =
        std::make_shared<AggregateNode>(plan, std::move(all), std::vector<AggregateCall>{}, names);
  }
  if (!keys.empty()) plan = std::make_shared<SortNode>(plan, std::move(keys));
  if (!hidden.empty()) {
    std::vector<ExprPtr> keep;
    for (int i = 0; i < n_kept; ++i) keep.push_back(ColumnRef(*plan->schema(), i));
    plan = std::make_shared<ProjectNode>(
        plan, std::move(keep), std::vector<std::string>(names.begin(), names.begin() + n_kept));
  }

  Relation out;
  out.plan = plan;
  out.columns = st.item_columns;
  for (int i = n_items; i < n_kept; ++i) {
    const Field& f = plan->schema()->field(i);
    out.columns.push_back(ColumnInfo{"", f.name, f.type, f.nullable, false, true});
  }
  for (int i = 0; i < n_items; ++i) {
    out.columns[static_cast<size_t>(i)].nullable = plan->schema()->field(i).nullable;
  }

  if (corr != nullptr) {
    corr->visible_columns = n_items;
    corr->aggregated = st.aggregating;
    for (const ExprPtr& p : pulled) {
      // Inner column c -> its output column; outer references stay placeholders.
      ASSIGN_OR_RAISE(ExprPtr q, RewriteExpr(p, [&](const ExprPtr& x) -> Result<ExprPtr> {
                        if (x->kind() != ExprKind::kColumnRef) return ExprPtr();
                        const auto& r = static_cast<const ColumnRefExpr&>(*x);
                        const auto it =
                            std::find(corr_columns.begin(), corr_columns.end(), r.index());
                        const int k = corr_output[static_cast<size_t>(it - corr_columns.begin())];
                        return ColumnRef(*plan->schema(), k);
                      }));
      corr->predicates.push_back(std::move(q));
      corr->all_equalities = corr->all_equalities && [&] {
        if (p->kind() != ExprKind::kCall) return false;
        const auto& call = static_cast<const CallExpr&>(*p);
        if (call.function().name() != "=" || p->children().size() != 2) return false;
        const bool l_outer = ContainsRef(p->child(0), BinderRefExpr::RefKind::kOuter);
        const bool r_outer = ContainsRef(p->child(1), BinderRefExpr::RefKind::kOuter);
        bool l_inner = false, r_inner = false;
        VisitExpr(p->child(0), [&](const Expr& x) { l_inner |= x.kind() == ExprKind::kColumnRef; });
        VisitExpr(p->child(1), [&](const Expr& x) { r_inner |= x.kind() == ExprKind::kColumnRef; });
        return (l_outer && !l_inner && r_inner && !r_outer) ||
               (r_outer && !r_inner && l_inner && !l_outer);
      }();
    }
    if (st.aggregating && !pulled.empty() && !st.items.empty()) {
      // The value on no match (Spark's count bug): aggregates on empty input.
      const int g = st.group_outputs();
      bool ok = true;
      auto empty = RewriteExpr(st.items[0], [&](const ExprPtr& x) -> Result<ExprPtr> {
        if (x->kind() != ExprKind::kColumnRef) return ExprPtr();
        const int i = static_cast<const ColumnRefExpr&>(*x).index();
        if (i < g) {
          ok = false;
          return ExprPtr();
        }
        const std::string& fn = st.aggregates[static_cast<size_t>(i - g)].function->name();
        if (fn == "count" || fn == "count_if") return Literal(Value::Int64(0));
        return Literal(Value::Null(x->type()));
      });
      if (ok && empty.ok() && (*empty)->foldable()) {
        auto v = FoldToValue(*empty, node.position);
        if (v.ok() && !v->is_null()) corr->empty_value = *v;
      }
    }
  }
  return out;
}

}  // namespace weir::plan::internal
