// FROM items: named tables, CTE references, path tables, subqueries, joins, table
// functions and LATERAL VIEW.

#include "weir/functions/generator.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

namespace {

using sql::JoinType;
using sql::TableRef;
using sql::TableRefKind;

// Brings the columns' types and nullability in line with the plan's schema.
void SyncColumns(Relation* r) {
  const Schema& s = *r->plan->schema();
  for (int i = 0; i < s.num_fields() && i < r->width(); ++i) {
    r->columns[static_cast<size_t>(i)].type = s.field(i).type;
    r->columns[static_cast<size_t>(i)].nullable = s.field(i).nullable;
  }
}

// Applies `t AS x(a, b)`: the qualifier and the column names.
Result<Relation> ApplyAlias(Relation r, const std::string& qualifier,
                            const std::vector<std::string>& column_aliases, SourcePosition pos) {
  std::vector<ColumnInfo> visible;
  for (ColumnInfo& c : r.columns) {
    c.qualifier = qualifier;
    c.qualified_only = false;
  }
  if (!column_aliases.empty()) {
    int n = 0;
    for (const ColumnInfo& c : r.columns) n += c.internal ? 0 : 1;
    if (static_cast<size_t>(n) != column_aliases.size()) {
      return SqlError(
          "[_LEGACY_ERROR_TEMP_1028] Number of column aliases does not match number "
          "of columns. Number of column aliases: " +
              std::to_string(column_aliases.size()) + "; number of columns: " + std::to_string(n) +
              ".",
          pos);
    }
    size_t k = 0;
    for (ColumnInfo& c : r.columns) {
      if (!c.internal) c.name = column_aliases[k++];
    }
    r.plan = Rename(r.plan, NamesOf(r.columns));
  }
  return r;
}

// Whether a status carries a Spark error class ("[PATH_NOT_FOUND] ...").
bool HasErrorClass(const Status& st) { return st.message().starts_with("["); }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ".";
    out += names[i];
  }
  return out;
}

}  // namespace

Result<Relation> Binder::BindFrom(const std::vector<sql::TableRefPtr>& from) {
  if (from.empty()) {
    // SELECT without FROM reads one row with no columns (Spark's OneRowRelation).
    Relation r;
    r.plan = std::make_shared<ValuesNode>(MakeSchema({}), std::vector<std::vector<Value>>{{}});
    return r;
  }
  ASSIGN_OR_RAISE(Relation acc, BindTableRef(*from[0]));
  for (size_t i = 1; i < from.size(); ++i) {
    RETURN_NOT_OK(RefuseSessionTvf(acc, from[0]->position));
    ASSIGN_OR_RAISE(Relation next, BindTableRef(*from[i]));
    RETURN_NOT_OK(RefuseSessionTvf(next, from[i]->position));
    // A comma is an inner join without a condition, as in Spark.
    Relation joined;
    joined.plan = std::make_shared<JoinNode>(acc.plan, next.plan, JoinType::kInner, nullptr);
    joined.columns = std::move(acc.columns);
    joined.columns.insert(joined.columns.end(), next.columns.begin(), next.columns.end());
    acc = std::move(joined);
  }
  return acc;
}

Result<Relation> Binder::BindTableRef(const TableRef& ref) {
  switch (ref.kind) {
    case TableRefKind::kNamed:
      return BindNamedTable(ref);
    case TableRefKind::kSubquery: {
      // A FROM subquery does not see the enclosing query's columns (no LATERAL).
      ASSIGN_OR_RAISE(Relation r, BindQuery(*ref.subquery, nullptr, nullptr));
      return ApplyAlias(std::move(r), ref.alias, ref.column_aliases, ref.position);
    }
    case TableRefKind::kJoin: {
      ASSIGN_OR_RAISE(Relation r, BindJoin(ref));
      if (!ref.alias.empty()) {
        return ApplyAlias(std::move(r), ref.alias, ref.column_aliases, ref.position);
      }
      return r;
    }
    case TableRefKind::kTableFunction: {
      ASSIGN_OR_RAISE(Relation r, BindTableFunction(ref));
      return ApplyAlias(std::move(r), ref.alias, ref.column_aliases, ref.position);
    }
  }
  return Status::Internal("unknown table reference kind");
}

Result<Relation> Binder::BindNamedTable(const TableRef& ref) {
  const std::vector<std::string>& names = ref.names;
  const std::string qualifier = !ref.alias.empty() ? ref.alias : names.back();
  if (names.size() == 1) {
    for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
      if (EqualsIgnoreCase(it->name, names[0])) {
        return ApplyAlias(it->relation, qualifier, ref.column_aliases, ref.position);
      }
    }
  }
  Result<LogicalPlanPtr> found = catalog_.ResolveRelation(names);
  if (!found.ok() && found.status().IsNotFound() && names.size() == 2) {
    // Spark's path tables: json.`/data/logs`.
    Result<TableProviderPtr> table = catalog_.ResolvePath(names[0], names[1]);
    if (table.ok()) {
      found = LogicalPlanPtr(ScanNode::All(*table));
    } else if (!table.status().IsNotFound() || HasErrorClass(table.status())) {
      // Only an unclassified NotFound means "not a file format" (Catalog::ResolvePath);
      // [PATH_NOT_FOUND] and every other error is the table reference's.
      return Positioned(table.status(), ref.position);
    }
  }
  if (!found.ok()) {
    if (!found.status().IsNotFound()) return Positioned(found.status(), ref.position);
    std::vector<std::string> candidates = catalog_.RelationNames();
    for (const CteEntry& c : ctes_) candidates.push_back(c.name);
    std::vector<std::string> lowered;
    for (const std::string& c : candidates) lowered.push_back(AsciiLower(c));
    std::string hint;
    if (auto close = ClosestName(AsciiLower(JoinNames(names)), lowered)) {
      hint = "did you mean '" + *close + "'?";
    }
    return SqlError(
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view " + QuoteId(names) + " cannot be found.",
        ref.position, hint);
  }
  Relation r;
  r.plan = *found;
  r.columns = ColumnsOf(*r.plan->schema(), qualifier);
  return ApplyAlias(std::move(r), qualifier, ref.column_aliases, ref.position);
}

Result<Relation> Binder::BindJoin(const TableRef& ref) {
  ASSIGN_OR_RAISE(Relation left, BindTableRef(*ref.left));
  RETURN_NOT_OK(RefuseSessionTvf(left, ref.left->position));
  ASSIGN_OR_RAISE(Relation right, BindTableRef(*ref.right));
  RETURN_NOT_OK(RefuseSessionTvf(right, ref.right->position));
  JoinType type = ref.join_type;
  const bool semi = type == JoinType::kLeftSemi || type == JoinType::kLeftAnti;
  Relation combined;
  combined.columns = left.columns;
  combined.columns.insert(combined.columns.end(), right.columns.begin(), right.columns.end());

  std::vector<std::string> using_names = ref.using_columns;
  if (ref.natural) {
    for (const ColumnInfo& l : left.columns) {
      if (l.internal || l.qualified_only) continue;
      for (const ColumnInfo& r : right.columns) {
        if (!r.internal && !r.qualified_only && EqualsIgnoreCase(l.name, r.name)) {
          using_names.push_back(l.name);
          break;
        }
      }
    }
  }

  if (!ref.natural && using_names.empty()) {
    ExprPtr cond;
    if (ref.on) {
      ExprBinder b(this, &combined, Clause::kJoinOn);
      ASSIGN_OR_RAISE(cond, BindCondition(b, *ref.on));
      if (type == JoinType::kCross) type = JoinType::kInner;
    }
    Relation out;
    out.plan = std::make_shared<JoinNode>(left.plan, right.plan, type, cond);
    out.columns = semi ? left.columns : combined.columns;
    SyncColumns(&out);
    return out;
  }

  // USING / NATURAL: equality of the named columns; they appear once, first.
  const int lw = left.width();
  std::vector<int> li, ri;
  std::vector<ExprPtr> eqs;
  for (const std::string& name : using_names) {
    ASSIGN_OR_RAISE(auto lm, ExprBinder::MatchColumn(left.columns, {name}, ref.position));
    if (!lm) {
      return SqlError(
          "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column " + QuoteId(name) +
              " cannot be resolved on the left side of the join. The left-side "
              "columns: [" +
              [&] {
                std::string s;
                for (const ColumnInfo& c : left.columns) {
                  if (c.internal) continue;
                  s += (s.empty() ? "" : ", ") + QuoteId(c.name);
                }
                return s;
              }() +
              "].",
          ref.position);
    }
    ASSIGN_OR_RAISE(auto rm, ExprBinder::MatchColumn(right.columns, {name}, ref.position));
    if (!rm) {
      return SqlError(
          "[UNRESOLVED_USING_COLUMN_FOR_JOIN] USING column " + QuoteId(name) +
              " cannot be resolved on the right side of the join. The right-side "
              "columns: [" +
              [&] {
                std::string s;
                for (const ColumnInfo& c : right.columns) {
                  if (c.internal) continue;
                  s += (s.empty() ? "" : ", ") + QuoteId(c.name);
                }
                return s;
              }() +
              "].",
          ref.position);
    }
    li.push_back(lm->index);
    ri.push_back(rm->index);
    const ColumnInfo& lc = left.columns[static_cast<size_t>(lm->index)];
    const ColumnInfo& rc = right.columns[static_cast<size_t>(rm->index)];
    ASSIGN_OR_RAISE(ExprPtr eq,
                    ResolveCall("=",
                                {ColumnRef(lm->index, lc.name, lc.type, lc.nullable),
                                 ColumnRef(lw + rm->index, rc.name, rc.type, rc.nullable)},
                                options_, ref.position));
    eqs.push_back(std::move(eq));
  }
  ASSIGN_OR_RAISE(ExprPtr cond, AndAll(eqs));
  if (type == JoinType::kCross) type = JoinType::kInner;
  auto join = std::make_shared<JoinNode>(left.plan, right.plan, type, cond);
  const Schema& js = *join->schema();

  std::vector<ExprPtr> exprs;
  Relation out;
  auto ref_of = [&](int i) { return ColumnRef(js, i); };
  for (size_t k = 0; k < li.size(); ++k) {
    ColumnInfo info = left.columns[static_cast<size_t>(li[k])];
    ExprPtr e = ref_of(li[k]);
    if (type == JoinType::kRightOuter) {
      info = right.columns[static_cast<size_t>(ri[k])];
      e = ref_of(lw + ri[k]);
    } else if (type == JoinType::kFullOuter) {
      ASSIGN_OR_RAISE(
          e, ResolveCall("coalesce", {ref_of(li[k]), ref_of(lw + ri[k])}, options_, ref.position));
      info.qualifier.clear();
    }
    info.name = left.columns[static_cast<size_t>(li[k])].name;
    exprs.push_back(std::move(e));
    out.columns.push_back(info);
  }
  auto used = [](const std::vector<int>& v, int i) {
    return std::find(v.begin(), v.end(), i) != v.end();
  };
  for (int i = 0; i < lw; ++i) {
    if (used(li, i)) continue;
    exprs.push_back(ref_of(i));
    out.columns.push_back(left.columns[static_cast<size_t>(i)]);
  }
  if (!semi) {
    for (int i = 0; i < right.width(); ++i) {
      if (used(ri, i)) continue;
      exprs.push_back(ref_of(lw + i));
      out.columns.push_back(right.columns[static_cast<size_t>(i)]);
    }
  }
  // The sides' own USING columns stay reachable as t1.a / t2.a, as in Spark.
  for (int i : li) {
    exprs.push_back(ref_of(i));
    ColumnInfo c = left.columns[static_cast<size_t>(i)];
    c.qualified_only = true;
    out.columns.push_back(c);
  }
  if (!semi) {
    for (int i : ri) {
      exprs.push_back(ref_of(lw + i));
      ColumnInfo c = right.columns[static_cast<size_t>(i)];
      c.qualified_only = true;
      out.columns.push_back(c);
    }
  }
  out.plan = std::make_shared<ProjectNode>(join, std::move(exprs), NamesOf(out.columns));
  SyncColumns(&out);
  return out;
}

Result<Relation> Binder::BindTableFunction(const TableRef& ref) {
  const std::string name = AsciiLower(ref.names.empty() ? std::string() : ref.names.back());
  if (name == "tumble" || name == "hop" || name == "session" || name == "cumulate") {
    return BindWindowTableFunction(ref, name);
  }
  if (name != "range") {
    return SqlError("[UNRESOLVABLE_TABLE_VALUED_FUNCTION] Could not resolve " + QuoteId(ref.names) +
                        " to a table-valued function. Please make sure that " + QuoteId(ref.names) +
                        " is defined as a table-valued function and that all required parameters "
                        "are provided correctly.",
                    ref.position, "weir's table functions: range, TUMBLE, HOP, SESSION");
  }
  const auto& args = ref.function_args;
  if (args.empty() || args.size() > 4) {
    return SqlError(
        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `range` requires [1, 2, 3, 4] "
        "parameters but the actual number is " +
            std::to_string(args.size()) + ".",
        ref.position);
  }
  std::vector<int64_t> v;
  for (const sql::TableFunctionArg& a : args) {
    if (a.kind != sql::TableFunctionArg::Kind::kExpr) {
      return SqlError("[UNSUPPORTED_FEATURE.TABLE_ARGUMENT] range() takes integer arguments only.",
                      a.position);
    }
    Relation none;
    ExprBinder b(this, &none, Clause::kOther);
    ASSIGN_OR_RAISE(ExprPtr e, b.Bind(*a.expr));
    if (e->type().id() != TypeId::kInt32 && e->type().id() != TypeId::kInt64) {
      return SqlError(
          "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"range\" due to "
          "data type mismatch: the arguments of range() must be integers, but \"" +
              sql::ExprName(*a.expr) + "\" is " + QuoteType(e->type()) + ".",
          a.position);
    }
    ASSIGN_OR_RAISE(Value val, FoldToValue(e, a.position));
    if (val.is_null()) {
      return SqlError(
          "[DATATYPE_MISMATCH.UNEXPECTED_NULL] The arguments of range() must not be "
          "NULL.",
          a.position);
    }
    v.push_back(val.type().id() == TypeId::kInt32 ? val.int32() : val.int64());
  }
  int64_t start = 0, end = 0, step = 1;
  int partitions = 1;
  if (v.size() == 1) {
    end = v[0];
  } else {
    start = v[0];
    end = v[1];
    if (v.size() >= 3) step = v[2];
    if (v.size() == 4) {
      if (v[3] < 1 || v[3] > 1'000'000) {
        return SqlError("[INVALID_PARAMETER_VALUE] range(): numPartitions must be positive.",
                        args[3].position);
      }
      partitions = static_cast<int>(v[3]);
    }
  }
  if (step == 0) {
    return SqlError("[FAILED_FUNCTION_CALL] range(): the step must not be 0.", ref.position);
  }
  Relation r;
  r.plan = std::make_shared<ScanNode>(std::make_shared<RangeTable>(start, end, step, partitions),
                                      std::vector<int>{0});
  r.columns = ColumnsOf(*r.plan->schema(), "");
  return r;
}

Result<Relation> Binder::BindLateralView(Relation input, const sql::LateralView& view) {
  const sql::SqlExpr& g = *view.generator;
  const std::string name = AsciiLower(g.names.empty() ? std::string() : g.names.back());
  if (g.kind != sql::SqlExprKind::kFunction || !IsGenerator(name)) {
    return SqlError(
        "[UNSUPPORTED_GENERATOR.NOT_GENERATOR] The generator is not supported: " + QuoteId(name) +
            " is expected to be a generator. However, its class is not one.",
        view.position,
        "LATERAL VIEW needs explode, posexplode, json_tuple or "
        "their _outer variants");
  }
  std::vector<ExprPtr> args;
  {
    ExprBinder b(this, &input, Clause::kSelect);
    for (const auto& c : g.children) {
      ASSIGN_OR_RAISE(ExprPtr a, b.Bind(*c));
      args.push_back(std::move(a));
    }
  }
  auto gen = ResolveGenerator(name, args);
  if (!gen.ok()) return Positioned(gen.status(), g.position);
  const std::vector<Field>& fields = (*gen)->output_fields();
  std::vector<std::string> names;
  if (!view.column_aliases.empty()) {
    if (view.column_aliases.size() != fields.size()) {
      return SqlError(
          "[UDTF_ALIAS_NUMBER_MISMATCH] The number of aliases supplied in the AS "
          "clause does not match the number of columns output by the UDTF. Expected " +
              std::to_string(fields.size()) + " aliases, but got " +
              std::to_string(view.column_aliases.size()) + ".",
          view.position);
    }
    names = view.column_aliases;
  } else {
    for (const Field& f : fields) names.push_back(f.name);
  }
  const bool outer = view.outer || name.ends_with("_outer");
  Relation out;
  out.plan = std::make_shared<GenerateNode>(input.plan, *gen, std::move(args), outer, names);
  out.columns = std::move(input.columns);
  out.session_tvf = input.session_tvf;  // the generated columns come after its columns
  for (size_t i = 0; i < fields.size(); ++i) {
    out.columns.push_back(ColumnInfo{view.table_alias, names[i], fields[i].type, true});
  }
  SyncColumns(&out);
  return out;
}

}  // namespace weir::plan::internal
