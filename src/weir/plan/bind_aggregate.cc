// GROUP BY, aggregate calls, HAVING and GROUPING SETS / ROLLUP / CUBE.
//
// Grouping expressions are bound over the input; every SELECT / HAVING / ORDER BY
// expression is then bound top-down by AggregateBinder: a subtree equal to a
// grouping expression becomes that group column of the Aggregate's output, an
// aggregate call becomes its aggregate column, and a column reference left over is
// MISSING_AGGREGATION (Spark's CheckAnalysis).
//
// Grouping sets are Spark's Expand: each input row is repeated once per set, with
// the columns the set does not group by set to NULL and a grouping id whose bit
// (n-1-j) is 1 when group j is not in the set; the Aggregate groups by the nulled
// columns and the id.

#include "weir/expr/cast.h"
#include "weir/functions/aggregate.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

namespace {

using sql::SqlExpr;
using sql::SqlExprKind;

bool IsIntegerLiteral(const SqlExpr& e) {
  return e.kind == SqlExprKind::kLiteral && !e.value.is_null() &&
         (e.value.type().id() == TypeId::kInt32 || e.value.type().id() == TypeId::kInt64);
}

// Spark's cube: (a, b) -> (a, b), (a), (b), ().
std::vector<std::vector<int>> CubeSets(int n, int from = 0) {
  if (from == n) return {{}};
  std::vector<std::vector<int>> rest = CubeSets(n, from + 1);
  std::vector<std::vector<int>> out;
  for (const auto& s : rest) {
    std::vector<int> with{from};
    with.insert(with.end(), s.begin(), s.end());
    out.push_back(std::move(with));
  }
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace

Status BindGroupBy(Binder* binder, SelectState* st, const OuterScope* outer,
                   const std::vector<int>& extra) {
  const sql::QueryNode& node = st->node;
  ExprBinder plain(binder, &st->input, Clause::kGroupBy);
  plain.set_outer(outer);

  // With grouping sets, expressions that bind alike (`s`, `S`, `(s)`) are one grouping
  // column, as Spark's GroupingSets takes the distinct flattened expressions.
  const bool dedupe = node.group_by && node.group_by->kind != sql::GroupingKind::kPlain;
  std::vector<int> expr_group;  // gb.exprs[i] -> its group index (grouping sets)
  auto add_group = [&](ExprPtr e, std::string name) {
    std::string key = ExprKey(e);
    if (dedupe) {
      const auto it = std::find(st->group_keys.begin(), st->group_keys.end(), key);
      if (it != st->group_keys.end()) {
        expr_group.push_back(static_cast<int>(it - st->group_keys.begin()));
        return;
      }
    }
    expr_group.push_back(static_cast<int>(st->groups.size()));
    st->group_keys.push_back(std::move(key));
    st->groups.push_back(std::move(e));
    st->group_names.push_back(std::move(name));
  };
  // Binds a SELECT item (by ordinal or alias) as a grouping expression.
  auto add_item = [&](const SelectState::ExpandedItem& x, const SqlExpr& where) -> Status {
    if (x.star_column >= 0) {
      const ColumnInfo& c = st->input.columns[static_cast<size_t>(x.star_column)];
      add_group(ColumnRef(x.star_column, c.name, c.type, c.nullable), c.name);
      return Status::OK();
    }
    const SqlExpr& ast = *x.item->expr;
    if (ContainsAggregate(ast)) {
      return SqlError("[GROUP_BY_POS_AGGREGATE] GROUP BY " + sql::ExprName(where) +
                          " refers to an expression " + sql::ExprName(ast) +
                          " that contains an aggregate function. Aggregate functions are not "
                          "allowed in GROUP BY.",
                      where.position);
    }
    ASSIGN_OR_RAISE(ExprPtr e, plain.Bind(ast));
    add_group(e, ItemName(ast, e));
    return Status::OK();
  };

  if (node.group_by) {
    const sql::GroupBy& gb = *node.group_by;
    if (gb.all) {
      // GROUP BY ALL: every SELECT item without an aggregate.
      for (const SelectState::ExpandedItem& x : st->expanded) {
        if (x.star_column < 0 && ContainsAggregate(*x.item->expr)) continue;
        if (x.star_column < 0 && ContainsWindow(*x.item->expr)) continue;
        RETURN_NOT_OK(add_item(x, *x.item->expr));
      }
    }
    expr_group.clear();
    for (const auto& g : gb.exprs) {
      if (IsIntegerLiteral(*g)) {
        // spark.sql.groupByOrdinal: a position in the SELECT list.
        const int64_t k =
            g->value.type().id() == TypeId::kInt32 ? g->value.int32() : g->value.int64();
        if (k < 1 || k > static_cast<int64_t>(st->expanded.size())) {
          return SqlError("[GROUP_BY_POS_OUT_OF_RANGE] GROUP BY position " + std::to_string(k) +
                              " is not in select list (valid range is [1, " +
                              std::to_string(st->expanded.size()) + "]).",
                          g->position);
        }
        RETURN_NOT_OK(add_item(st->expanded[static_cast<size_t>(k - 1)], *g));
        continue;
      }
      if (g->kind == SqlExprKind::kColumn && g->names.size() == 1) {
        // spark.sql.groupByAliases: a SELECT alias the input does not have.
        ASSIGN_OR_RAISE(auto m, ExprBinder::MatchColumn(st->input.columns, g->names, g->position));
        if (!m) {
          const SelectState::ExpandedItem* alias = nullptr;
          for (const SelectState::ExpandedItem& x : st->expanded) {
            if (x.star_column < 0 && !x.item->alias.empty() &&
                EqualsIgnoreCase(x.item->alias, g->names[0])) {
              alias = &x;
              break;
            }
          }
          if (alias != nullptr) {
            RETURN_NOT_OK(add_item(*alias, *g));
            continue;
          }
        }
      }
      ASSIGN_OR_RAISE(ExprPtr e, plain.Bind(*g));
      add_group(e, ItemName(*g, e));
    }
    const int n = static_cast<int>(gb.exprs.size());
    switch (gb.kind) {
      case sql::GroupingKind::kPlain:
        break;
      case sql::GroupingKind::kRollup:
        for (int k = n; k >= 0; --k) {
          std::vector<int> s;
          for (int j = 0; j < k; ++j) s.push_back(j);
          st->grouping_sets.push_back(std::move(s));
        }
        break;
      case sql::GroupingKind::kCube:
        if (n > 12) {
          return SqlError(
              "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping sets size cannot be greater "
              "than 4096.",
              node.group_by->exprs[0]->position);
        }
        st->grouping_sets = CubeSets(n);
        break;
      case sql::GroupingKind::kGroupingSets:
        st->grouping_sets = gb.sets;
        for (const auto& s : st->grouping_sets) {
          for (int j : s) {
            if (j < 0 || j >= n) return Status::Internal("grouping set index out of range");
          }
        }
        if (st->grouping_sets.empty()) st->grouping_sets.push_back({});
        break;
    }
    if (!st->grouping_sets.empty()) {
      // Positions in gb.exprs -> group indexes.
      for (auto& set : st->grouping_sets) {
        std::vector<int> mapped;
        for (int j : set) {
          const int g = expr_group[static_cast<size_t>(j)];
          if (std::find(mapped.begin(), mapped.end(), g) == mapped.end()) mapped.push_back(g);
        }
        set = std::move(mapped);
      }
    }
    if (!st->grouping_sets.empty() && gb.all) {
      return SqlError("[UNSUPPORTED_FEATURE] GROUP BY ALL cannot be combined with grouping sets.",
                      node.position);
    }
    if (st->groups.size() > 63 && !st->grouping_sets.empty()) {
      return SqlError(
          "[GROUPING_SIZE_LIMIT_EXCEEDED] Grouping sets size cannot be greater than "
          "64.",
          node.position);
    }
  }
  if (!extra.empty()) {
    if (!st->grouping_sets.empty()) {
      return Status::Unsupported("a correlated subquery with GROUPING SETS is not supported")
          .WithPosition(node.position);
    }
    for (int c : extra) {
      const ColumnInfo& info = st->input.columns[static_cast<size_t>(c)];
      ExprPtr e = ColumnRef(c, info.name, info.type, info.nullable);
      if (std::find(st->group_keys.begin(), st->group_keys.end(), ExprKey(e)) ==
          st->group_keys.end()) {
        add_group(e, info.name);
      }
    }
  }
  return Status::OK();
}

Result<LogicalPlanPtr> BuildAggregate(const SelectState& st) {
  std::vector<std::string> names;
  if (st.grouping_sets.empty()) {
    names = st.group_names;
    names.insert(names.end(), st.aggregate_names.begin(), st.aggregate_names.end());
    if (st.input.session_tvf || (st.input.time_window && st.input.time_window->session)) {
      return BuildSessionAggregate(st, names);
    }
    return LogicalPlanPtr(
        std::make_shared<AggregateNode>(st.input.plan, st.groups, st.aggregates, names));
  }
  const Schema& in = *st.input.plan->schema();
  const int w = in.num_fields();
  const int n = static_cast<int>(st.groups.size());
  std::vector<Field> fields = in.fields();
  for (int j = 0; j < n; ++j) {
    fields.push_back(Field{st.group_names[static_cast<size_t>(j)],
                           st.groups[static_cast<size_t>(j)]->type(), true});
  }
  fields.push_back(Field{"spark_grouping_id", DataType::Int64(), false});
  std::vector<std::vector<ExprPtr>> projections;
  for (const std::vector<int>& set : st.grouping_sets) {
    std::vector<ExprPtr> p;
    for (int i = 0; i < w; ++i) p.push_back(ColumnRef(in, i));
    int64_t gid = 0;
    for (int j = 0; j < n; ++j) {
      const ExprPtr& g = st.groups[static_cast<size_t>(j)];
      if (std::find(set.begin(), set.end(), j) != set.end()) {
        p.push_back(g);
      } else {
        p.push_back(Literal(Value::Null(g->type())));
        gid |= int64_t{1} << (n - 1 - j);
      }
    }
    p.push_back(Literal(Value::Int64(gid)));
    projections.push_back(std::move(p));
  }
  SchemaPtr schema = MakeSchema(std::move(fields));
  auto expand = std::make_shared<ExpandNode>(st.input.plan, std::move(projections), schema);
  std::vector<ExprPtr> groups;
  for (int j = 0; j <= n; ++j) groups.push_back(ColumnRef(*schema, w + j));
  names = st.group_names;
  names.push_back("spark_grouping_id");
  names.insert(names.end(), st.aggregate_names.begin(), st.aggregate_names.end());
  return LogicalPlanPtr(
      std::make_shared<AggregateNode>(expand, std::move(groups), st.aggregates, names));
}

// AggregateBinder ----------------------------------------------------------------

std::optional<int> AggregateBinder::FindGroup(const ExprPtr& bound) const {
  const std::string key = ExprKey(bound);
  for (size_t j = 0; j < state_->group_keys.size(); ++j) {
    if (state_->group_keys[j] == key) return static_cast<int>(j);
  }
  return std::nullopt;
}

ExprPtr AggregateBinder::GroupRef(int j) const {
  const ExprPtr& g = state_->groups[static_cast<size_t>(j)];
  return ColumnRef(j, state_->group_names[static_cast<size_t>(j)], g->type(),
                   g->nullable() || !state_->grouping_sets.empty());
}

Status AggregateBinder::Missing(const SqlExpr& e) const {
  const std::string name = sql::ExprName(e);
  if (!state_->node.group_by) {
    return SqlError(
        "[MISSING_GROUP_BY] The query does not include a GROUP BY clause. Add GROUP "
        "BY or turn it into the window functions using OVER clauses.",
        e.position, "wrap " + name + " in an aggregate function such as first()");
  }
  return SqlError("[MISSING_AGGREGATION] The non-aggregating expression \"" + name +
                      "\" is based on columns which are not participating in the GROUP BY "
                      "clause.",
                  e.position,
                  "add " + name + " to GROUP BY, or wrap it in first() (or first_value)");
}

Result<ExprPtr> AggregateBinder::InputColumn(int index, const SqlExpr& where) {
  const ColumnInfo& c = state_->input.columns[static_cast<size_t>(index)];
  if (auto j = FindGroup(ColumnRef(index, c.name, c.type, c.nullable))) return GroupRef(*j);
  SqlExpr col(SqlExprKind::kColumn);
  col.names = {c.name};
  col.position = where.position;
  return Missing(col);
}

Result<ExprPtr> AggregateBinder::Bind(const SqlExpr& e) {
  if (!state_->groups.empty() && e.kind != SqlExprKind::kLiteral && !ContainsAggregate(e) &&
      !ContainsWindow(e) && !ContainsSubquery(e)) {
    ExprBinder plain(binder_, input_, clause_);
    plain.set_outer(outer_);
    auto bound = plain.Bind(e);
    if (bound.ok()) {
      if (auto j = FindGroup(*bound)) return GroupRef(*j);
    }
  }
  return BindNode(e);
}

Result<ExprPtr> AggregateBinder::BindColumn(const SqlExpr& e) {
  ASSIGN_OR_RAISE(auto m, MatchColumn(input_->columns, e.names, e.position));
  if (allow_aliases_ && e.names.size() == 1) {
    // HAVING / ORDER BY may name a SELECT alias (Spark resolves them against the
    // aggregate's output).
    for (size_t i = 0; i < state_->item_columns.size(); ++i) {
      if (EqualsIgnoreCase(state_->item_columns[i].name, e.names[0])) return state_->items[i];
    }
  }
  if (m) {
    // A field of a grouped struct column (`window.start` with GROUP BY window(...)).
    const ColumnInfo& c = state_->input.columns[static_cast<size_t>(m->index)];
    if (auto j = FindGroup(ColumnRef(m->index, c.name, c.type, c.nullable))) {
      return ApplyFields(GroupRef(*j), e.names, m->consumed, e.position);
    }
    return Missing(e);
  }
  // A correlated reference is a constant of the group.
  return ExprBinder::BindColumn(e);
}

Result<ExprPtr> AggregateBinder::BindAggregateCall(const SqlExpr& e) {
  if (clause_ == Clause::kAggregateArg) return ExprBinder::BindAggregateCall(e);
  const std::string name = AsciiLower(e.names.back());
  ExprBinder args_binder(binder_, input_, Clause::kAggregateArg);
  args_binder.set_outer(outer_);
  std::vector<ExprPtr> args;
  if (e.star_arg) {
    if (name != "count") {
      return SqlError(
          "[INVALID_SQL_SYNTAX] '*' is only allowed in count(*), not in " + name + "(*).",
          e.position);
    }
    args.push_back(Literal(Value::Int32(1)));  // count(*) is count(1), as in Spark
  }
  for (const auto& c : e.children) {
    ASSIGN_OR_RAISE(ExprPtr a, args_binder.Bind(*c));
    args.push_back(std::move(a));
  }
  ExprPtr filter;
  if (e.filter) {
    ASSIGN_OR_RAISE(filter, BindCondition(args_binder, *e.filter));
  }
  if (e.ignore_nulls.has_value() && *e.ignore_nulls) {
    if (name == "first" || name == "last" || name == "first_value" || name == "last_value" ||
        name == "any_value") {
      args.push_back(Literal(Value::Boolean(true)));
    }
  }
  auto call = ResolveAggregate(name, std::move(args), e.distinct, filter);
  if (!call.ok()) return Positioned(call.status(), e.position);
  std::string key = name + (e.distinct ? " distinct(" : "(");
  for (const ExprPtr& a : call->args) key += ExprKey(a) + ",";
  key += ")";
  if (call->filter) key += " filter " + ExprKey(call->filter);
  const int g = state_->group_outputs();
  const bool nullable =
      !(call->function->name() == "count" || call->function->name() == "count_if");
  for (size_t k = 0; k < state_->aggregate_keys.size(); ++k) {
    if (state_->aggregate_keys[k] == key) {
      return ColumnRef(g + static_cast<int>(k), state_->aggregate_names[k],
                       call->function->result_type(), nullable);
    }
  }
  const std::string agg_name = sql::ExprName(e);
  const int index = g + static_cast<int>(state_->aggregates.size());
  ExprPtr ref = ColumnRef(index, agg_name, call->function->result_type(), nullable);
  state_->aggregates.push_back(*std::move(call));
  state_->aggregate_names.push_back(agg_name);
  state_->aggregate_keys.push_back(std::move(key));
  return ref;
}

Result<ExprPtr> AggregateBinder::GroupingCall(const SqlExpr& e, std::vector<ExprPtr> args) {
  if (state_->grouping_sets.empty()) return ExprBinder::GroupingCall(e, std::move(args));
  const BindOptions& options = binder_->options();
  const int n = static_cast<int>(state_->groups.size());
  ExprPtr gid = ColumnRef(n, "spark_grouping_id", DataType::Int64(), false);
  const bool is_id = AsciiLower(e.names.back()) == "grouping_id";
  if (is_id && args.empty()) return gid;
  if (!is_id && args.size() != 1) {
    return SqlError(
        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `grouping` requires 1 parameters but "
        "the actual number is " +
            std::to_string(args.size()) + ".",
        e.position);
  }
  // grouping(c) = (gid >> (n-1-j)) & 1, computed with div and %.
  std::vector<ExprPtr> bits;
  for (size_t i = 0; i < args.size(); ++i) {
    const ExprPtr& a = args[i];
    int j = -1;
    if (a->kind() == ExprKind::kColumnRef) j = static_cast<const ColumnRefExpr&>(*a).index();
    if (j < 0 || j >= n) {
      std::string cols;
      for (int k = 0; k < n; ++k) cols += (k > 0 ? ", " : "") + state_->group_names[k];
      return SqlError("[GROUPING_COLUMN_MISMATCH] Column of grouping (" +
                          sql::ExprName(*e.children[i]) + ") can't be found in grouping columns " +
                          cols + ".",
                      e.children[i]->position);
    }
    ASSIGN_OR_RAISE(ExprPtr shifted,
                    ResolveCall("div", {gid, Literal(Value::Int64(int64_t{1} << (n - 1 - j)))},
                                options, e.position));
    ASSIGN_OR_RAISE(ExprPtr bit,
                    ResolveCall("%", {shifted, Literal(Value::Int64(2))}, options, e.position));
    bits.push_back(std::move(bit));
  }
  if (!is_id) return Cast(bits[0], DataType::Int32());
  ExprPtr acc;
  const int k = static_cast<int>(bits.size());
  for (int i = 0; i < k; ++i) {
    ASSIGN_OR_RAISE(ExprPtr term, ResolveCall("*",
                                              {bits[static_cast<size_t>(i)],
                                               Literal(Value::Int64(int64_t{1} << (k - 1 - i)))},
                                              options, e.position));
    if (acc) {
      ASSIGN_OR_RAISE(acc, ResolveCall("+", {acc, term}, options, e.position));
    } else {
      acc = term;
    }
  }
  return acc;
}

}  // namespace weir::plan::internal
