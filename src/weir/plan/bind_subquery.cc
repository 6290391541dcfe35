// Expression subqueries.
//
// - An uncorrelated scalar subquery is a ScalarSubqueryExpr the planner runs first.
// - IN (subquery) and EXISTS as WHERE conjuncts (possibly under NOT) become left
//   semi / anti joins (Spark's RewritePredicateSubquery); NOT IN over one column
//   of an uncorrelated subquery is the null-aware anti join.
// - Anywhere else in WHERE, HAVING or the SELECT list (under OR, CASE, NOT, as a
//   value) they become an existence join (Spark's ExistenceJoin, also from
//   RewritePredicateSubquery) adding a BOOLEAN `exists` column, which replaces the
//   predicate. For IN the join carries the comparison (JoinNode::mark) and the
//   column is IN's three-valued result; NOT IN is NOT of it. In an aggregating
//   SELECT or HAVING the join is over the Aggregate (the subquery uncorrelated).
// - A correlated subquery's WHERE conjuncts over outer columns are pulled up into
//   the join condition (PullupCorrelatedPredicates); a correlated scalar subquery
//   must aggregate and correlate by equalities, and becomes a left outer join with
//   the aggregate grouped by the inner correlation columns
//   (RewriteCorrelatedScalarSubquery), minding the count bug: on no match the value
//   is the aggregate over no rows (0 for count), not NULL.

#include "weir/expr/cast.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

namespace {

using sql::SqlExpr;
using sql::SqlExprKind;

// Rejects outer references the pull-up could not handle.
Status CheckNoOuterRefs(const Relation& r, const SqlExpr& e) {
  const bool left = PlanAnyExpr(
      r.plan, [](const ExprPtr& x) { return ContainsRef(x, BinderRefExpr::RefKind::kOuter); });
  if (!left) return Status::OK();
  return Status::Unsupported(
             "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.ACCESSING_OUTER_QUERY_COLUMN_IS_NOT_"
             "ALLOWED] Accessing outer query column is not allowed in this location: weir "
             "supports outer columns only in conjuncts of the subquery's own WHERE clause.")
      .WithPosition(e.position);
}

int VisibleColumns(const Relation& r) {
  int n = 0;
  for (const ColumnInfo& c : r.columns) n += c.internal ? 0 : 1;
  return n;
}

// The pulled predicates over outer ++ subquery: subquery column j -> width + j,
// outer reference k -> column k.
Result<std::vector<ExprPtr>> JoinPredicates(const Correlation& corr, const Relation& outer,
                                            const Relation& sub) {
  const int w = outer.width();
  std::vector<ExprPtr> out;
  for (const ExprPtr& p : corr.predicates) {
    ASSIGN_OR_RAISE(ExprPtr q, RewriteExpr(p, [&](const ExprPtr& x) -> Result<ExprPtr> {
                      if (x->kind() == ExprKind::kColumnRef) {
                        const auto& r = static_cast<const ColumnRefExpr&>(*x);
                        return ColumnRef(w + r.index(), r.name(), r.type(), r.nullable());
                      }
                      const BinderRefExpr* ref = AsBinderRef(*x);
                      if (ref != nullptr && ref->ref_kind() == BinderRefExpr::RefKind::kOuter) {
                        const ColumnInfo& c = outer.columns[static_cast<size_t>(ref->id())];
                        return ColumnRef(ref->id(), c.name, c.type, c.nullable);
                      }
                      return ExprPtr();
                    }));
    out.push_back(std::move(q));
  }
  (void)sub;
  return out;
}

void AppendInternal(Relation* input, const Relation& sub, bool nullable) {
  for (const ColumnInfo& c : sub.columns) {
    ColumnInfo h = c;
    h.internal = true;
    h.nullable = h.nullable || nullable;
    input->columns.push_back(h);
  }
}

// The semi / anti join of `left IN (sub)`, `w` columns wide on the left; `preds`:
// the pulled correlation predicates over left ++ sub.
Result<LogicalPlanPtr> InJoin(Binder* binder, LogicalPlanPtr left, int w,
                              const std::vector<ExprPtr>& lhs, const Relation& sub,
                              std::vector<ExprPtr> preds, bool negated, const SqlExpr& x) {
  const Schema& ss = *sub.plan->schema();
  std::vector<ExprPtr> eqs;
  for (size_t i = 0; i < lhs.size(); ++i) {
    const Field& f = ss.field(static_cast<int>(i));
    ASSIGN_OR_RAISE(
        ExprPtr eq,
        ResolveCall("=", {lhs[i], ColumnRef(w + static_cast<int>(i), f.name, f.type, f.nullable)},
                    binder->options(), x.position));
    eqs.push_back(std::move(eq));
  }
  ASSIGN_OR_RAISE(ExprPtr in_cond, AndAll(eqs));
  if (!negated) {
    preds.insert(preds.begin(), in_cond);
    ASSIGN_OR_RAISE(ExprPtr cond, AndAll(preds));
    return LogicalPlanPtr(std::make_shared<JoinNode>(left, sub.plan, JoinType::kLeftSemi, cond));
  }
  if (preds.empty() && lhs.size() == 1) {
    return LogicalPlanPtr(std::make_shared<JoinNode>(left, sub.plan, JoinType::kLeftAnti, in_cond,
                                                     /*null_aware=*/true));
  }
  // NOT IN in general: a row is dropped when some subquery row makes the IN
  // condition TRUE or NULL (Spark's rewrite: cond OR isnull(cond)).
  ASSIGN_OR_RAISE(ExprPtr unknown_or_true, Or(in_cond, IsNull(in_cond)));
  preds.push_back(unknown_or_true);
  ASSIGN_OR_RAISE(ExprPtr cond, AndAll(preds));
  return LogicalPlanPtr(std::make_shared<JoinNode>(left, sub.plan, JoinType::kLeftAnti, cond));
}

// The existence join of `left IN (sub)` (lhs non-empty) or `EXISTS (sub)` (lhs
// empty), `w` columns wide on the left; `preds`: the pulled correlation predicates
// over left ++ sub.
Result<LogicalPlanPtr> ExistenceJoin(Binder* binder, LogicalPlanPtr left, int w,
                                     const std::vector<ExprPtr>& lhs, const Relation& sub,
                                     const std::vector<ExprPtr>& preds, const SqlExpr& x) {
  const Schema& ss = *sub.plan->schema();
  ExprPtr mark, cond;
  if (!lhs.empty()) {
    std::vector<ExprPtr> eqs;
    for (size_t i = 0; i < lhs.size(); ++i) {
      const Field& f = ss.field(static_cast<int>(i));
      ASSIGN_OR_RAISE(
          ExprPtr eq,
          ResolveCall("=", {lhs[i], ColumnRef(w + static_cast<int>(i), f.name, f.type, f.nullable)},
                      binder->options(), x.position));
      eqs.push_back(std::move(eq));
    }
    ASSIGN_OR_RAISE(mark, AndAll(eqs));
  }
  if (!preds.empty()) {
    ASSIGN_OR_RAISE(cond, AndAll(preds));
  }
  return LogicalPlanPtr(std::make_shared<JoinNode>(std::move(left), sub.plan, JoinType::kExistence,
                                                   std::move(cond), false, std::move(mark)));
}

// The IN subquery's column count must match its left operands.
Status CheckInLength(const SqlExpr& x, const std::vector<const SqlExpr*>& values,
                     const Relation& sub) {
  const int visible = VisibleColumns(sub);
  if (static_cast<int>(values.size()) == visible) return Status::OK();
  std::string l, r;
  for (size_t i = 0; i < values.size(); ++i) {
    l += (i > 0 ? ", " : "") + QuoteId(sql::ExprName(*values[i]));
  }
  int k = 0;
  for (const ColumnInfo& c : sub.columns) {
    if (c.internal) continue;
    r += (k++ > 0 ? ", " : "") + QuoteId(c.name);
  }
  return SqlError(
      "[DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH] Cannot resolve \"" + sql::ExprName(x) +
          "\" due to data type mismatch: The number of columns in the left hand "
          "side of an IN subquery does not match the number of columns in the "
          "output of subquery. Left hand side columns(length: " +
          std::to_string(values.size()) + "): [" + l +
          "], right hand side columns(length: " + std::to_string(visible) + "): [" + r + "].",
      x.position);
}

std::vector<const SqlExpr*> InOperands(const SqlExpr& x) {
  const SqlExpr& operand = *x.children[0];
  std::vector<const SqlExpr*> values;
  if (operand.kind == SqlExprKind::kRow) {
    for (const auto& c : operand.children) values.push_back(c.get());
  } else {
    values.push_back(&operand);
  }
  return values;
}

Status ApplyExists(Binder* binder, const SqlExpr& x, bool negated, Relation* input,
                   const OuterScope* outer) {
  OuterScope scope{&input->columns, outer};
  Correlation corr;
  ASSIGN_OR_RAISE(Relation sub, binder->BindQuery(*x.subquery, &scope, &corr));
  RETURN_NOT_OK(CheckNoOuterRefs(sub, x));
  ASSIGN_OR_RAISE(std::vector<ExprPtr> preds, JoinPredicates(corr, *input, sub));
  ExprPtr cond;
  if (!preds.empty()) {
    ASSIGN_OR_RAISE(cond, AndAll(preds));
  }
  input->plan = std::make_shared<JoinNode>(
      input->plan, sub.plan, negated ? JoinType::kLeftAnti : JoinType::kLeftSemi, cond);
  return Status::OK();
}

Status ApplyIn(Binder* binder, const SqlExpr& x, bool negated, Relation* input,
               const OuterScope* outer) {
  const std::vector<const SqlExpr*> values = InOperands(x);
  std::vector<ExprPtr> lhs;
  {
    ExprBinder b(binder, input, Clause::kWhere);
    b.set_outer(outer);
    for (const SqlExpr* v : values) {
      ASSIGN_OR_RAISE(ExprPtr e, b.Bind(*v));
      lhs.push_back(std::move(e));
    }
  }
  OuterScope scope{&input->columns, outer};
  Correlation corr;
  ASSIGN_OR_RAISE(Relation sub, binder->BindQuery(*x.subquery, &scope, &corr));
  RETURN_NOT_OK(CheckNoOuterRefs(sub, x));
  RETURN_NOT_OK(CheckInLength(x, values, sub));
  ASSIGN_OR_RAISE(std::vector<ExprPtr> preds, JoinPredicates(corr, *input, sub));
  ASSIGN_OR_RAISE(input->plan, InJoin(binder, input->plan, input->width(), lhs, sub,
                                      std::move(preds), negated, x));
  return Status::OK();
}

void CollectConjuncts(const SqlExpr& e, std::vector<const SqlExpr*>* out) {
  if (e.kind == SqlExprKind::kBinary && e.binary_op == sql::BinaryOp::kAnd) {
    CollectConjuncts(*e.children[0], out);
    CollectConjuncts(*e.children[1], out);
  } else {
    out->push_back(&e);
  }
}

}  // namespace

Result<std::vector<const SqlExpr*>> ApplyPredicateSubqueries(Binder* binder, const SqlExpr& where,
                                                             Relation* input,
                                                             const OuterScope* outer) {
  std::vector<const SqlExpr*> conjuncts, rest;
  CollectConjuncts(where, &conjuncts);
  for (const SqlExpr* c : conjuncts) {
    const SqlExpr* x = c;
    bool negated = false;
    while (x->kind == SqlExprKind::kUnary && x->unary_op == sql::UnaryOp::kNot) {
      negated = !negated;
      x = x->children[0].get();
    }
    if (x->kind == SqlExprKind::kExists) {
      RETURN_NOT_OK(ApplyExists(binder, *x, negated != x->negated, input, outer));
    } else if (x->kind == SqlExprKind::kInSubquery) {
      RETURN_NOT_OK(ApplyIn(binder, *x, negated != x->negated, input, outer));
    } else {
      rest.push_back(c);
    }
  }
  return rest;
}

Result<std::vector<const SqlExpr*>> BindHavingSubqueries(Binder* binder, ExprBinder& hb,
                                                         const SqlExpr& having,
                                                         std::vector<HavingSubquery>* out) {
  std::vector<const SqlExpr*> conjuncts, rest;
  CollectConjuncts(having, &conjuncts);
  for (const SqlExpr* c : conjuncts) {
    const SqlExpr* x = c;
    bool negated = false;
    while (x->kind == SqlExprKind::kUnary && x->unary_op == sql::UnaryOp::kNot) {
      negated = !negated;
      x = x->children[0].get();
    }
    if (x->kind != SqlExprKind::kExists && x->kind != SqlExprKind::kInSubquery) {
      rest.push_back(c);
      continue;
    }
    HavingSubquery h;
    h.expr = x;
    h.negated = negated != x->negated;
    std::vector<const SqlExpr*> values;
    if (x->kind == SqlExprKind::kInSubquery) {
      values = InOperands(*x);
      for (const SqlExpr* v : values) {
        ASSIGN_OR_RAISE(ExprPtr e, hb.Bind(*v));
        h.lhs.push_back(std::move(e));
      }
    }
    // weir: a subquery of HAVING may not refer to the aggregate's columns.
    ASSIGN_OR_RAISE(h.sub, binder->BindQuery(*x->subquery, nullptr, nullptr));
    if (x->kind == SqlExprKind::kInSubquery) RETURN_NOT_OK(CheckInLength(*x, values, h.sub));
    out->push_back(std::move(h));
  }
  return rest;
}

Result<LogicalPlanPtr> ApplyHavingSubqueries(Binder* binder, LogicalPlanPtr plan,
                                             const std::vector<HavingSubquery>& subqueries) {
  for (const HavingSubquery& h : subqueries) {
    if (h.expr->kind == SqlExprKind::kExists) {
      plan = std::make_shared<JoinNode>(
          plan, h.sub.plan, h.negated ? JoinType::kLeftAnti : JoinType::kLeftSemi, nullptr);
      continue;
    }
    ASSIGN_OR_RAISE(plan, InJoin(binder, plan, plan->schema()->num_fields(), h.lhs, h.sub, {},
                                 h.negated, *h.expr));
  }
  return plan;
}

Result<ExprPtr> ExprBinder::BindPredicateSubquery(const SqlExpr& e) {
  const bool in = e.kind == SqlExprKind::kInSubquery;
  if (!allow_subquery_joins_ || input_->plan == nullptr) {
    return Status::Unsupported("[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] " +
                               std::string(in ? "IN" : "EXISTS") +
                               " (subquery) is supported only in WHERE, HAVING and the SELECT "
                               "list; found in " +
                               std::string(ClauseName(clause_)) + ".")
        .WithPosition(e.position);
  }
  std::vector<const SqlExpr*> values;
  std::vector<ExprPtr> lhs;
  if (in) {
    values = InOperands(e);
    for (const SqlExpr* v : values) {
      ASSIGN_OR_RAISE(ExprPtr l, Bind(*v));
      lhs.push_back(std::move(l));
    }
  }
  // After the operands: a correlated scalar subquery among them adds its own join.
  const int w = input_->width();
  OuterScope scope{&input_->columns, outer_};
  Correlation corr;
  ASSIGN_OR_RAISE(Relation sub, binder_->BindQuery(*e.subquery, &scope, &corr));
  RETURN_NOT_OK(CheckNoOuterRefs(sub, e));
  if (in) RETURN_NOT_OK(CheckInLength(e, values, sub));
  ASSIGN_OR_RAISE(std::vector<ExprPtr> preds, JoinPredicates(corr, *input_, sub));
  ASSIGN_OR_RAISE(input_->plan, ExistenceJoin(binder_, input_->plan, w, lhs, sub, preds, e));
  const Field& f = input_->plan->schema()->field(w);
  input_->columns.push_back(ColumnInfo{"", f.name, f.type, f.nullable, false, true});
  ExprPtr exists = ColumnRef(*input_->plan->schema(), w);
  if (!e.negated) return exists;
  return Not(std::move(exists));
}

Result<ExprPtr> AggregateBinder::BindPredicateSubquery(const SqlExpr& e) {
  const bool in = e.kind == SqlExprKind::kInSubquery;
  PendingExistence p;
  p.expr = &e;
  std::vector<const SqlExpr*> values;
  if (in) {
    values = InOperands(e);
    for (const SqlExpr* v : values) {
      ASSIGN_OR_RAISE(ExprPtr l, Bind(*v));
      p.lhs.push_back(std::move(l));
    }
  }
  // weir: a subquery over an aggregate may not refer to the aggregate's columns.
  ASSIGN_OR_RAISE(p.sub, binder_->BindQuery(*e.subquery, nullptr, nullptr));
  if (in) RETURN_NOT_OK(CheckInLength(e, values, p.sub));
  const int id = static_cast<int>(state_->existence.size());
  state_->existence.push_back(std::move(p));
  ExprPtr exists = std::make_shared<BinderRefExpr>(BinderRefExpr::RefKind::kExistence, id, "exists",
                                                   DataType::Boolean(), in);
  if (!e.negated) return exists;
  return Not(std::move(exists));
}

Result<LogicalPlanPtr> ApplyExistenceJoins(Binder* binder, LogicalPlanPtr plan,
                                           const std::vector<PendingExistence>& pending,
                                           const std::vector<ExprPtr*>& exprs) {
  if (pending.empty()) return plan;
  std::vector<int> column;
  for (const PendingExistence& p : pending) {
    const int w = plan->schema()->num_fields();
    ASSIGN_OR_RAISE(plan, ExistenceJoin(binder, plan, w, p.lhs, p.sub, {}, *p.expr));
    column.push_back(w);
  }
  const Schema& s = *plan->schema();
  for (ExprPtr* e : exprs) {
    if (e == nullptr || *e == nullptr) continue;
    ASSIGN_OR_RAISE(*e, RewriteExpr(*e, [&](const ExprPtr& x) -> Result<ExprPtr> {
      const BinderRefExpr* r = AsBinderRef(*x);
      if (r == nullptr || r->ref_kind() != BinderRefExpr::RefKind::kExistence) {
        return ExprPtr();
      }
      return ColumnRef(s, column[static_cast<size_t>(r->id())]);
    }));
  }
  return plan;
}

Result<ExprPtr> ExprBinder::BindScalarSubquery(const SqlExpr& e) {
  OuterScope scope{&input_->columns, outer_};
  Correlation corr;
  ASSIGN_OR_RAISE(Relation sub, binder_->BindQuery(*e.subquery, &scope, &corr));
  RETURN_NOT_OK(CheckNoOuterRefs(sub, e));
  const int visible = VisibleColumns(sub);
  if (visible != 1) {
    return SqlError(
        "[INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_"
        "COLUMN] Invalid subquery: Scalar subquery must return only one column, but "
        "got " +
            std::to_string(visible) + ".",
        e.position);
  }
  if (corr.predicates.empty()) {
    return ExprPtr(std::make_shared<ScalarSubqueryExpr>(sub.plan));
  }
  if (!allow_subquery_joins_ || input_->plan == nullptr) {
    return Status::Unsupported(
               "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] A correlated scalar "
               "subquery is supported only in WHERE and in the SELECT list of a "
               "query without GROUP BY or aggregates; found in " +
               std::string(ClauseName(clause_)) + ".")
        .WithPosition(e.position);
  }
  if (!corr.aggregated) {
    return SqlError(
        "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.MUST_AGGREGATE_CORRELATED_SCALAR_"
        "SUBQUERY] Unsupported subquery expression: Correlated scalar subqueries must "
        "be aggregated to return at most one row.",
        e.position);
  }
  if (!corr.all_equalities) {
    return SqlError(
        "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_"
        "IN_PREDICATE] Unsupported subquery expression: Correlated column is not "
        "allowed in predicate: weir decorrelates aggregated scalar subqueries whose "
        "correlation conditions are all equalities (inner = outer).",
        e.position);
  }
  const int w = input_->width();
  ASSIGN_OR_RAISE(std::vector<ExprPtr> preds, JoinPredicates(corr, *input_, sub));
  ASSIGN_OR_RAISE(ExprPtr cond, AndAll(preds));
  input_->plan = std::make_shared<JoinNode>(input_->plan, sub.plan, JoinType::kLeftOuter, cond);
  AppendInternal(input_, sub, true);
  const Schema& js = *input_->plan->schema();
  ExprPtr value = ColumnRef(js, w);
  if (corr.empty_value) {
    // No matching row: the correlation key is NULL (an equality never matches NULL).
    ExprPtr key = ColumnRef(js, w + corr.visible_columns);
    ASSIGN_OR_RAISE(ExprPtr empty, Cast(Literal(*corr.empty_value), value->type()));
    ASSIGN_OR_RAISE(value, CaseWhen({{IsNull(key), empty}}, value));
  }
  return value;
}

}  // namespace weir::plan::internal
