// Queries: WITH, set operations, VALUES, ORDER BY and LIMIT / OFFSET; and the
// entry points of binder.h.

#include "weir/plan/binder.h"

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan {

namespace internal {

namespace {

using sql::SqlExpr;
using sql::SqlExprKind;

std::string_view SetOpName(sql::SetOpKind op) {
  switch (op) {
    case sql::SetOpKind::kUnion:
      return "UNION";
    case sql::SetOpKind::kIntersect:
      return "INTERSECT";
    case sql::SetOpKind::kExcept:
      return "EXCEPT";
  }
  return "?";
}

// Children of a chain of UNION ALL, flattened (Spark's CombineUnions).
void FlattenUnionAll(const sql::QueryNode& node, std::vector<const sql::QueryNode*>* out) {
  for (const sql::QueryNode* c : {node.left.get(), node.right.get()}) {
    if (c->kind == sql::QueryNodeKind::kSetOp && c->set_op == sql::SetOpKind::kUnion && c->all) {
      FlattenUnionAll(*c, out);
    } else {
      out->push_back(c);
    }
  }
}

// The plan with its columns cast to `types` (a Project when any differs).
Result<LogicalPlanPtr> CastColumns(const LogicalPlanPtr& plan, const std::vector<DataType>& types) {
  const Schema& s = *plan->schema();
  bool same = true;
  for (int i = 0; i < s.num_fields(); ++i)
    same = same && s.field(i).type == types[static_cast<size_t>(i)];
  if (same) return plan;
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (int i = 0; i < s.num_fields(); ++i) {
    ASSIGN_OR_RAISE(ExprPtr e, Cast(ColumnRef(s, i), types[static_cast<size_t>(i)]));
    exprs.push_back(std::move(e));
    names.push_back(s.field(i).name);
  }
  return LogicalPlanPtr(std::make_shared<ProjectNode>(plan, std::move(exprs), std::move(names)));
}

// TypeCoercion.findWiderTypeWithoutStringPromotionForTwo, which Spark 3.5's inline
// tables use: the tightest common type, else the wider decimal (or DOUBLE for a
// DECIMAL meeting a DOUBLE), element-wise for ARRAY, MAP and STRUCT — but never
// STRING for a STRING meeting a number or a date, as WiderType would give.
std::optional<DataType> WiderTypeWithoutStringPromotion(const DataType& a, const DataType& b) {
  if (auto t = TightestCommonType(a, b)) return t;
  const TypeId x = a.id(), y = b.id();
  if (x != y && (x == TypeId::kString || y == TypeId::kString)) return std::nullopt;
  if (!a.is_nested()) return WiderType(a, b);
  if (x != y) return std::nullopt;
  switch (x) {
    case TypeId::kArray: {
      auto e = WiderTypeWithoutStringPromotion(a.element_type(), b.element_type());
      if (!e) return std::nullopt;
      return DataType::Array(*e, a.contains_null() || b.contains_null());
    }
    case TypeId::kMap: {
      auto k = WiderTypeWithoutStringPromotion(a.key_type(), b.key_type());
      auto v = WiderTypeWithoutStringPromotion(a.value_type(), b.value_type());
      if (!k || !v) return std::nullopt;
      return DataType::Map(*k, *v, a.value_contains_null() || b.value_contains_null());
    }
    case TypeId::kStruct: {
      const std::vector<Field>& fa = a.fields();
      const std::vector<Field>& fb = b.fields();
      if (fa.size() != fb.size()) return std::nullopt;
      std::vector<Field> fields;
      for (size_t i = 0; i < fa.size(); ++i) {
        if (!EqualsIgnoreCase(fa[i].name, fb[i].name)) return std::nullopt;
        auto t = WiderTypeWithoutStringPromotion(fa[i].type, fb[i].type);
        if (!t) return std::nullopt;
        fields.push_back({fa[i].name, *t, fa[i].nullable || fb[i].nullable});
      }
      return DataType::Struct(std::move(fields));
    }
    default:
      return std::nullopt;
  }
}

// Restores the CTE stack when a WITH goes out of scope.
struct CteScope {
  std::vector<Binder::CteEntry>* ctes;
  size_t mark;
  ~CteScope() { ctes->resize(mark); }
};

}  // namespace

Result<Relation> Binder::BindQuery(const sql::Query& q, const OuterScope* outer,
                                   Correlation* corr) {
  CteScope scope{&ctes_, ctes_.size()};
  for (const sql::CommonTableExpr& cte : q.ctes) {
    // A CTE sees the CTEs before it, not the enclosing query's columns.
    ASSIGN_OR_RAISE(Relation r, BindQuery(*cte.query, nullptr, nullptr));
    for (ColumnInfo& c : r.columns) c.qualifier = cte.name;
    if (!cte.column_aliases.empty()) {
      int n = 0;
      for (const ColumnInfo& c : r.columns) n += c.internal ? 0 : 1;
      if (static_cast<size_t>(n) != cte.column_aliases.size()) {
        return SqlError(
            "[_LEGACY_ERROR_TEMP_1028] Number of column aliases does not match "
            "number of columns. Number of column aliases: " +
                std::to_string(cte.column_aliases.size()) +
                "; number of columns: " + std::to_string(n) + ".",
            cte.position);
      }
      size_t k = 0;
      for (ColumnInfo& c : r.columns) {
        if (!c.internal) c.name = cte.column_aliases[k++];
      }
      r.plan = Rename(r.plan, NamesOf(r.columns));
    }
    for (size_t i = scope.mark; i < ctes_.size(); ++i) {
      if (EqualsIgnoreCase(ctes_[i].name, cte.name)) {
        return SqlError("[DUPLICATED_CTE_NAMES] CTE definition can't have duplicate names: " +
                            QuoteId(cte.name) + ".",
                        cte.position);
      }
    }
    ctes_.push_back(CteEntry{cte.name, std::move(r)});
  }

  bool ordered = false;
  ASSIGN_OR_RAISE(Relation rel, BindQueryNode(*q.body, &q.order_by, &ordered, outer, corr));
  if (!q.order_by.empty() && !ordered) {
    // ORDER BY over a set operation / VALUES: names and ordinals of its output.
    std::vector<SortKey> keys;
    for (const sql::SortItem& s : q.order_by) {
      SortKey key;
      key.ascending = s.ascending;
      key.nulls_first = s.nulls_first.value_or(s.ascending);
      if (s.expr->kind == SqlExprKind::kLiteral && !s.expr->value.is_null() &&
          (s.expr->value.type().id() == TypeId::kInt32 ||
           s.expr->value.type().id() == TypeId::kInt64)) {
        const int64_t k = s.expr->value.type().id() == TypeId::kInt32 ? s.expr->value.int32()
                                                                      : s.expr->value.int64();
        if (k < 1 || k > rel.width()) {
          return SqlError("[ORDER_BY_POS_OUT_OF_RANGE] ORDER BY position " + std::to_string(k) +
                              " is not in select list (valid range is [1, " +
                              std::to_string(rel.width()) + "]).",
                          s.expr->position);
        }
        key.expr = ColumnRef(*rel.plan->schema(), static_cast<int>(k - 1));
      } else {
        ExprBinder b(this, &rel, Clause::kOrderBy);
        ASSIGN_OR_RAISE(key.expr, b.Bind(*s.expr));
      }
      keys.push_back(std::move(key));
    }
    rel.plan = std::make_shared<SortNode>(rel.plan, std::move(keys));
  }
  if (q.limit || q.offset) {
    if (corr != nullptr && !corr->predicates.empty()) {
      return Status::Unsupported(
                 "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] LIMIT / OFFSET in a "
                 "correlated subquery is not supported.")
          .WithPosition(q.limit ? q.limit->position : q.offset->position);
    }
    int64_t limit = -1, offset = 0;
    if (q.limit) {
      ASSIGN_OR_RAISE(limit, BindConstantInt(*q.limit, "limit", &rel));
    }
    if (q.offset) {
      ASSIGN_OR_RAISE(offset, BindConstantInt(*q.offset, "offset", &rel));
    }
    rel.plan = std::make_shared<LimitNode>(rel.plan, limit, offset);
  }
  return rel;
}

Result<Relation> Binder::BindQueryNode(const sql::QueryNode& node,
                                       const std::vector<sql::SortItem>* order, bool* ordered,
                                       const OuterScope* outer, Correlation* corr) {
  switch (node.kind) {
    case sql::QueryNodeKind::kSelect:
      return BindSelect(node, order, ordered, outer, corr);
    case sql::QueryNodeKind::kSetOp:
      return BindSetOp(node);
    case sql::QueryNodeKind::kValues:
      return BindValues(node);
    case sql::QueryNodeKind::kQuery:
      return BindQuery(*node.query, outer, corr);
  }
  return Status::Internal("unknown query node kind");
}

Result<Relation> Binder::BindSetOp(const sql::QueryNode& node) {
  std::vector<const sql::QueryNode*> inputs;
  if (node.set_op == sql::SetOpKind::kUnion && node.all) {
    FlattenUnionAll(node, &inputs);
  } else {
    inputs = {node.left.get(), node.right.get()};
  }
  std::vector<Relation> rels;
  for (const sql::QueryNode* in : inputs) {
    bool ordered = false;
    ASSIGN_OR_RAISE(Relation r, BindQueryNode(*in, nullptr, &ordered, nullptr, nullptr));
    rels.push_back(std::move(r));
  }
  const std::string_view op = SetOpName(node.set_op);
  const int n = rels[0].width();
  std::vector<DataType> types;
  for (const ColumnInfo& c : rels[0].columns) types.push_back(c.type);
  for (size_t k = 1; k < rels.size(); ++k) {
    if (rels[k].width() != n) {
      return SqlError("[NUM_COLUMNS_MISMATCH] " + std::string(op) +
                          " can only be performed on inputs with the same number of columns, but "
                          "the first input has " +
                          std::to_string(n) + " columns and the " +
                          OrdinalNumber(static_cast<int>(k)) + " input has " +
                          std::to_string(rels[k].width()) + " columns.",
                      inputs[k]->position);
    }
    for (int i = 0; i < n; ++i) {
      const DataType& t = rels[k].columns[static_cast<size_t>(i)].type;
      std::optional<DataType> w = WiderType(types[static_cast<size_t>(i)], t);
      if (!w) {
        return SqlError("[INCOMPATIBLE_COLUMN_TYPE] " + std::string(op) +
                            " can only be performed on inputs with compatible column types. The " +
                            OrdinalNumber(i) + " column of the " +
                            OrdinalNumber(static_cast<int>(k)) + " table is " + QuoteType(t) +
                            " type which is not compatible with " +
                            QuoteType(types[static_cast<size_t>(i)]) +
                            " at the same column of the first table.",
                        inputs[k]->position);
      }
      types[static_cast<size_t>(i)] = *w;
    }
  }
  std::vector<LogicalPlanPtr> children;
  for (size_t k = 0; k < rels.size(); ++k) {
    LogicalPlanPtr p = Rename(rels[k].plan, NamesOf(rels[k].columns));
    ASSIGN_OR_RAISE(p, CastColumns(p, types));
    children.push_back(std::move(p));
  }
  const SetOpKind kind = node.set_op == sql::SetOpKind::kUnion       ? SetOpKind::kUnion
                         : node.set_op == sql::SetOpKind::kIntersect ? SetOpKind::kIntersect
                                                                     : SetOpKind::kExcept;
  Relation out;
  if (kind == SetOpKind::kUnion) {
    out.plan = std::make_shared<SetOpNode>(SetOpKind::kUnion, true, std::move(children));
    if (!node.all) {
      // UNION DISTINCT: a distinct aggregate over UNION ALL, as Spark's Distinct.
      const Schema& s = *out.plan->schema();
      std::vector<ExprPtr> groups;
      std::vector<std::string> names;
      for (int i = 0; i < s.num_fields(); ++i) {
        groups.push_back(ColumnRef(s, i));
        names.push_back(s.field(i).name);
      }
      out.plan = std::make_shared<AggregateNode>(out.plan, std::move(groups),
                                                 std::vector<AggregateCall>{}, std::move(names));
    }
  } else {
    out.plan = std::make_shared<SetOpNode>(kind, node.all, std::move(children));
  }
  out.columns = ColumnsOf(*out.plan->schema(), "");
  return out;
}

Result<Relation> Binder::BindValues(const sql::QueryNode& node) {
  if (node.rows.empty()) {
    return SqlError("[INVALID_INLINE_TABLE] Invalid inline table: it has no rows.", node.position);
  }
  const size_t n = node.rows[0].size();
  std::vector<std::vector<ExprPtr>> cells;
  Relation none;
  ExprBinder b(this, &none, Clause::kOther);
  for (size_t r = 0; r < node.rows.size(); ++r) {
    const auto& row = node.rows[r];
    if (row.size() != n) {
      return SqlError(
          "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH] Invalid inline table. Inline "
          "table expected " +
              std::to_string(n) + " columns but found " + std::to_string(row.size()) +
              " columns in row " + std::to_string(r) + ".",
          row.empty() ? node.position : row[0]->position);
    }
    std::vector<ExprPtr> bound;
    for (const auto& c : row) {
      ASSIGN_OR_RAISE(ExprPtr e, b.Bind(*c));
      if (!e->foldable()) {
        return SqlError(
            "[INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE] "
            "Invalid inline table. Cannot evaluate the expression \"" +
                sql::ExprName(*c) + "\" in inline table definition.",
            c->position);
      }
      bound.push_back(std::move(e));
    }
    cells.push_back(std::move(bound));
  }
  std::vector<std::string> names;
  std::vector<DataType> types(n, DataType::Null());
  for (size_t i = 0; i < n; ++i) {
    names.push_back("col" + std::to_string(i + 1));
    for (const auto& row : cells) {
      std::optional<DataType> w = WiderTypeWithoutStringPromotion(types[i], row[i]->type());
      if (!w) {
        return SqlError(
            "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline "
            "table. Found incompatible types in the column " +
                QuoteId(names[i]) + " for inline table.",
            node.position);
      }
      types[i] = *w;
    }
  }
  // Literal rows of the column types are a LocalRelation; anything else (casts,
  // current_date()) is a projection per row, UNION ALL'ed.
  bool literal = true;
  std::vector<std::vector<Value>> rows;
  std::vector<bool> nullable(n, false);
  for (const auto& row : cells) {
    std::vector<Value> values;
    for (size_t i = 0; i < n && literal; ++i) {
      if (row[i]->kind() != ExprKind::kLiteral) {
        literal = false;
        break;
      }
      const Value& v = static_cast<const LiteralExpr&>(*row[i]).value();
      if (v.is_null()) {
        values.push_back(Value::Null(types[i]));
        nullable[i] = true;
      } else if (v.type() == types[i]) {
        values.push_back(v);
      } else if (v.type().is_numeric() && types[i].is_numeric()) {
        // Widening a numeric literal does not depend on the session.
        auto cast = Cast(row[i], types[i]);
        auto folded = cast.ok() ? FoldToValue(*cast, node.position) : Result<Value>(cast.status());
        if (!folded.ok() || folded->type() != types[i]) {
          literal = false;
        } else {
          values.push_back(*folded);
        }
      } else {
        literal = false;
      }
    }
    if (!literal) break;
    rows.push_back(std::move(values));
  }
  Relation out;
  if (literal) {
    std::vector<Field> fields;
    for (size_t i = 0; i < n; ++i) fields.push_back(Field{names[i], types[i], nullable[i]});
    out.plan = std::make_shared<ValuesNode>(MakeSchema(std::move(fields)), std::move(rows));
  } else {
    auto one = std::make_shared<ValuesNode>(MakeSchema({}), std::vector<std::vector<Value>>{{}});
    std::vector<LogicalPlanPtr> parts;
    for (auto& row : cells) {
      for (size_t i = 0; i < n; ++i) {
        ASSIGN_OR_RAISE(row[i], Cast(row[i], types[i]));
      }
      parts.push_back(std::make_shared<ProjectNode>(one, row, names));
    }
    out.plan = parts.size() == 1
                   ? parts[0]
                   : std::make_shared<SetOpNode>(SetOpKind::kUnion, true, std::move(parts));
  }
  out.columns = ColumnsOf(*out.plan->schema(), "");
  return out;
}

Result<Value> Binder::FoldToValue(const ExprPtr& e, SourcePosition pos) {
  EvalOptions eo;
  eo.ansi = options_.resolve.ansi;
  EvalContext ctx(eo);
  auto folded = FoldConstants(e, ctx);
  if (!folded.ok()) return Positioned(folded.status(), pos);
  if ((*folded)->kind() != ExprKind::kLiteral) {
    return SqlError(
        "[INVALID_SQL_SYNTAX] Expected a constant expression, got \"" + e->ToString() + "\".", pos);
  }
  return static_cast<const LiteralExpr&>(**folded).value();
}

Result<int64_t> Binder::BindConstantInt(const SqlExpr& e, std::string_view what, Relation* input) {
  Relation none;
  ExprBinder b(this, input != nullptr ? input : &none, Clause::kOther);
  ASSIGN_OR_RAISE(ExprPtr x, b.Bind(e));
  const std::string head = "[INVALID_LIMIT_LIKE_EXPRESSION.";
  const std::string expr =
      "The " + std::string(what) + " like expression \"" + sql::ExprName(e) + "\" is invalid. ";
  if (!x->foldable()) {
    return SqlError(head + "IS_UNFOLDABLE] " + expr + "The " + std::string(what) +
                        " expression must evaluate to a constant value.",
                    e.position);
  }
  if (x->type().id() != TypeId::kInt32 && x->type().id() != TypeId::kNull) {
    return SqlError(head + "DATA_TYPE] " + expr + "The " + std::string(what) +
                        " expression must be integer type, but got " + QuoteType(x->type()) + ".",
                    e.position);
  }
  ASSIGN_OR_RAISE(Value v, FoldToValue(x, e.position));
  if (v.is_null()) {
    return SqlError(head + "IS_NULL] " + expr + "The evaluated " + std::string(what) +
                        " expression must not be null.",
                    e.position);
  }
  const int64_t n = v.int32();
  if (n < 0) {
    return SqlError(head + "IS_NEGATIVE] " + expr + "The " + std::string(what) +
                        " expression must be equal to or greater than 0, but got " +
                        std::to_string(n) + ".",
                    e.position);
  }
  return n;
}

}  // namespace internal

Result<LogicalPlanPtr> BindQuery(const sql::Query& query, const Catalog& catalog,
                                 const BindOptions& options) {
  internal::Binder binder(catalog, options);
  ASSIGN_OR_RAISE(internal::Relation r, binder.BindQuery(query, nullptr, nullptr));
  return internal::Rename(r.plan, internal::NamesOf(r.columns));
}

namespace {

class NoCatalog final : public Catalog {
 public:
  Result<LogicalPlanPtr> ResolveRelation(const std::vector<std::string>&) const override {
    return Status::NotFound("no catalog");
  }
  Result<TableProviderPtr> ResolvePath(std::string_view, std::string_view) const override {
    return Status::NotFound("no catalog");
  }
  std::vector<std::string> RelationNames() const override { return {}; }
};

}  // namespace

Result<ExprPtr> BindExpression(const sql::SqlExpr& expr, const Schema& input,
                               const BindOptions& options) {
  if (internal::ContainsSubquery(expr)) {
    return internal::SqlError(
        "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY] Subqueries are not "
        "allowed in this expression.",
        expr.position);
  }
  NoCatalog catalog;
  internal::Binder binder(catalog, options);
  internal::Relation rel;
  rel.columns = internal::ColumnsOf(input, "");
  internal::ExprBinder b(&binder, &rel, internal::Clause::kOther);
  return b.Bind(expr);
}

}  // namespace weir::plan
