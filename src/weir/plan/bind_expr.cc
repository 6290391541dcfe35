// ExprBinder: one expression over one scope (see binder_internal.h).

#include <algorithm>

#include "weir/expr/cast.h"
#include "weir/expr/coercion.h"
#include "weir/functions/aggregate.h"
#include "weir/functions/generator.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder_internal.h"

namespace weir::plan::internal {

namespace {

using sql::SqlExpr;
using sql::SqlExprKind;

Result<ExprPtr> Negate(Result<ExprPtr> e, bool negated) {
  if (!e.ok() || !negated) return e;
  return Not(*e);
}

// Spark's EvalMode: which rules CAST follows.
enum class CastMode : uint8_t { kLegacy, kAnsi, kTry };

// The analysis error of a refused cast: Cast.typeCheckFailureInCast and
// Cast.typeCheckFailureMessage of Spark 3.5. The non-ANSI cast never suggests
// anything; the ANSI cast and TRY_CAST name the functions that convert between
// numbers and dates or timestamps, and the ANSI cast names the config that would
// allow a cast the non-ANSI rules accept.
std::string CastMismatch(const std::string& expr_sql, const DataType& from, const DataType& to,
                         CastMode mode) {
  const std::string head = "Cannot resolve \"" + expr_sql + "\" due to data type mismatch: ";
  const std::string src = QuoteType(from), dst = QuoteType(to);
  auto without = [&] {
    return "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] " + head + "cannot cast " + src + " to " +
           dst + ".";
  };
  if (mode == CastMode::kLegacy) return without();
  auto functions = [&](const char* names) {
    return "[DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION] " + head + "cannot cast " + src + " to " +
           dst + ". To convert values from " + src + " to " + dst + ", you can use the functions " +
           names + " instead.";
  };
  const TypeId f = from.id(), t = to.id();
  if (from.is_numeric() && t == TypeId::kTimestamp) {
    return functions("`TIMESTAMP_SECONDS`/`TIMESTAMP_MILLIS`/`TIMESTAMP_MICROS`");
  }
  if (f == TypeId::kTimestamp && to.is_numeric()) {
    return functions("`UNIX_SECONDS`/`UNIX_MILLIS`/`UNIX_MICROS`");
  }
  if (from.is_numeric() && t == TypeId::kDate) return functions("`DATE_FROM_UNIX_DATE`");
  if (f == TypeId::kDate && to.is_numeric()) return functions("`UNIX_DATE`");
  if (mode == CastMode::kAnsi && CanCast(from, to, /*ansi=*/false)) {
    return "[DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION] " + head + "cannot cast " + src + " to " +
           dst + " with ANSI mode on. If you have to cast " + src + " to " + dst +
           ", you can set \"spark.sql.ansi.enabled\" as 'false'.";
  }
  return without();
}

}  // namespace

// Dispatch ----------------------------------------------------------------------

Result<ExprPtr> ExprBinder::Bind(const SqlExpr& e) { return BindNode(e); }

Result<ExprPtr> ExprBinder::BindNode(const SqlExpr& e) {
  const BindOptions& options = binder_->options();
  switch (e.kind) {
    case SqlExprKind::kColumn:
      return BindColumn(e);
    case SqlExprKind::kStar:
      return SqlError("[INVALID_USAGE_OF_STAR_OR_REGEX] Invalid usage of '*' in " +
                          std::string(ClauseName(clause_)) + ".",
                      e.position);
    case SqlExprKind::kLiteral:
      return Literal(e.value);
    case SqlExprKind::kUnary: {
      ASSIGN_OR_RAISE(ExprPtr x, Bind(*e.children[0]));
      switch (e.unary_op) {
        case sql::UnaryOp::kNot: {
          ASSIGN_OR_RAISE(x, ToBoolean(std::move(x), e));
          return Not(std::move(x));
        }
        case sql::UnaryOp::kMinus:
          return ResolveCall("-", {std::move(x)}, options, e.position);
        case sql::UnaryOp::kPlus:
          return ResolveCall("+", {std::move(x)}, options, e.position);
        case sql::UnaryOp::kBitNot:
          return ResolveCall("~", {std::move(x)}, options, e.position);
      }
      break;
    }
    case SqlExprKind::kBinary: {
      ASSIGN_OR_RAISE(ExprPtr l, Bind(*e.children[0]));
      ASSIGN_OR_RAISE(ExprPtr r, Bind(*e.children[1]));
      if (e.binary_op == sql::BinaryOp::kAnd || e.binary_op == sql::BinaryOp::kOr) {
        ASSIGN_OR_RAISE(l, ToBoolean(std::move(l), e));
        ASSIGN_OR_RAISE(r, ToBoolean(std::move(r), e));
        return e.binary_op == sql::BinaryOp::kAnd ? And(l, r) : Or(l, r);
      }
      return ResolveCall(sql::BinaryOpName(e.binary_op), {std::move(l), std::move(r)}, options,
                         e.position);
    }
    case SqlExprKind::kFunction:
      return BindFunction(e);
    case SqlExprKind::kCase:
      return BindCase(e);
    case SqlExprKind::kCast:
      return BindCast(e);
    case SqlExprKind::kIsNull: {
      ASSIGN_OR_RAISE(ExprPtr x, Bind(*e.children[0]));
      return e.negated ? IsNotNull(std::move(x)) : IsNull(std::move(x));
    }
    case SqlExprKind::kIsBool: {
      ASSIGN_OR_RAISE(ExprPtr x, Bind(*e.children[0]));
      ASSIGN_OR_RAISE(x, ToBoolean(std::move(x), e));
      if (e.bool_test == sql::BoolTest::kUnknown) {
        return e.negated ? IsNotNull(std::move(x)) : IsNull(std::move(x));
      }
      // Spark: x IS TRUE is x <=> TRUE.
      ExprPtr lit = Literal(Value::Boolean(e.bool_test == sql::BoolTest::kTrue));
      return Negate(ResolveCall("<=>", {std::move(x), std::move(lit)}, options, e.position),
                    e.negated);
    }
    case SqlExprKind::kIsDistinctFrom: {
      ASSIGN_OR_RAISE(ExprPtr l, Bind(*e.children[0]));
      ASSIGN_OR_RAISE(ExprPtr r, Bind(*e.children[1]));
      // IS NOT DISTINCT FROM is <=>; IS DISTINCT FROM its negation.
      return Negate(ResolveCall("<=>", {std::move(l), std::move(r)}, options, e.position),
                    !e.negated);
    }
    case SqlExprKind::kBetween: {
      std::vector<ExprPtr> args;
      for (const auto& c : e.children) {
        ASSIGN_OR_RAISE(ExprPtr a, Bind(*c));
        args.push_back(std::move(a));
      }
      return Negate(ResolveCall("between", std::move(args), options, e.position), e.negated);
    }
    case SqlExprKind::kInList: {
      const SqlExpr& operand = *e.children[0];
      if (operand.kind == SqlExprKind::kRow) {
        // (a, b) IN ((1, 2), (3, 4)): OR of the rows' AND of equalities.
        ExprPtr any;
        for (size_t i = 1; i < e.children.size(); ++i) {
          const SqlExpr& item = *e.children[i];
          if (item.kind != SqlExprKind::kRow || item.children.size() != operand.children.size()) {
            return SqlError("[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"" +
                                sql::ExprName(e) +
                                "\" due to data type mismatch: every IN list element must be a "
                                "row of " +
                                std::to_string(operand.children.size()) + " values.",
                            item.position);
          }
          std::vector<ExprPtr> eqs;
          for (size_t k = 0; k < operand.children.size(); ++k) {
            ASSIGN_OR_RAISE(ExprPtr l, Bind(*operand.children[k]));
            ASSIGN_OR_RAISE(ExprPtr r, Bind(*item.children[k]));
            ASSIGN_OR_RAISE(ExprPtr eq, ResolveCall("=", {l, r}, options, item.position));
            eqs.push_back(std::move(eq));
          }
          ASSIGN_OR_RAISE(ExprPtr all, AndAll(eqs));
          if (any) {
            ASSIGN_OR_RAISE(any, Or(any, all));
          } else {
            any = all;
          }
        }
        return Negate(any, e.negated);
      }
      std::vector<ExprPtr> args;
      for (const auto& c : e.children) {
        ASSIGN_OR_RAISE(ExprPtr a, Bind(*c));
        args.push_back(std::move(a));
      }
      return Negate(ResolveCall("in", std::move(args), options, e.position), e.negated);
    }
    case SqlExprKind::kInSubquery:
    case SqlExprKind::kExists:
      return BindPredicateSubquery(e);
    case SqlExprKind::kScalarSubquery:
      return BindScalarSubquery(e);
    case SqlExprKind::kLike:
      return BindLike(e);
    case SqlExprKind::kSubscript:
      return BindSubscript(e);
    case SqlExprKind::kField: {
      ASSIGN_OR_RAISE(ExprPtr base, Bind(*e.children[0]));
      return ApplyFields(std::move(base), e.names, 0, e.position);
    }
    case SqlExprKind::kRow:
      return SqlError(
          "[UNSUPPORTED_EXPR] A row constructor (a, b, ...) can only be the left "
          "operand of IN or a row of VALUES.",
          e.position);
    case SqlExprKind::kLambda:
      return Status::Unsupported("lambda functions (x -> ...) are not supported yet")
          .WithPosition(e.position);
  }
  return Status::Internal("unknown SQL expression kind");
}

// Functions ---------------------------------------------------------------------

Result<ExprPtr> ExprBinder::BindFunction(const SqlExpr& e) {
  const std::string name = AsciiLower(e.names.empty() ? std::string() : e.names.back());
  if (e.over) return BindWindowCall(e);
  if (name == "row_number" || name == "rank" || name == "dense_rank" || name == "percent_rank" ||
      name == "cume_dist" || name == "ntile" || name == "lag" || name == "lead" ||
      name == "nth_value") {
    // CheckAnalysis: a window function used without OVER.
    return SqlError("[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE] Window function \"" + sql::ExprName(e) +
                        "\" requires an OVER clause.",
                    e.position);
  }
  if (IsAggregateFunction(name)) return BindAggregateCall(e);
  if (IsTimeWindowCall(e)) return BindTimeWindowCall(e);
  if (name == "grouping" || name == "grouping_id") {
    std::vector<ExprPtr> args;
    for (const auto& c : e.children) {
      ASSIGN_OR_RAISE(ExprPtr a, Bind(*c));
      args.push_back(std::move(a));
    }
    return GroupingCall(e, std::move(args));
  }
  if (IsGenerator(name)) {
    return SqlError(
        "[UNSUPPORTED_GENERATOR.OUTSIDE_SELECT] The generator is not supported: "
        "outside the SELECT clause, but found \"" +
            sql::ExprName(e) + "\".",
        e.position);
  }
  if (e.distinct || e.filter || e.star_arg) {
    const char* what = e.distinct ? "DISTINCT" : e.filter ? "FILTER" : "'*'";
    return SqlError("[INVALID_SQL_SYNTAX] " + std::string(what) +
                        " is only allowed in aggregate functions, but " + QuoteId(name) +
                        " is not one.",
                    e.position);
  }
  if (e.ignore_nulls.has_value()) {
    return SqlError(
        "[INVALID_SQL_SYNTAX] IGNORE NULLS / RESPECT NULLS is only allowed in window "
        "functions, but " +
            QuoteId(name) + " is not used as one.",
        e.position);
  }
  std::vector<ExprPtr> args;
  for (const auto& c : e.children) {
    ASSIGN_OR_RAISE(ExprPtr a, Bind(*c));
    args.push_back(std::move(a));
  }
  return ResolveCall(name, std::move(args), binder_->options(), e.position);
}

Result<ExprPtr> ExprBinder::BindAggregateCall(const SqlExpr& e) {
  if (clause_ == Clause::kAggregateArg) {
    return SqlError(
        "[NESTED_AGGREGATE_FUNCTION] It is not allowed to use an aggregate function "
        "in the argument of another aggregate function. Please use the inner "
        "aggregate function in a sub-query.",
        e.position);
  }
  if (clause_ == Clause::kWhere) {
    return SqlError(
        "[INVALID_WHERE_CONDITION] The WHERE condition contains invalid expressions: "
        "\"" +
            sql::ExprName(e) +
            "\". Rewrite the query to avoid window functions, aggregate functions, "
            "and generator functions in the WHERE clause.",
        e.position);
  }
  if (clause_ == Clause::kGroupBy) {
    return SqlError(
        "[GROUP_BY_AGGREGATE] Aggregate functions are not allowed in GROUP BY, but "
        "found " +
            sql::ExprName(e) + ".",
        e.position);
  }
  return SqlError("[UNSUPPORTED_EXPR_FOR_OPERATOR] Aggregate function \"" + sql::ExprName(e) +
                      "\" is not allowed in " + std::string(ClauseName(clause_)) + ".",
                  e.position);
}

Result<ExprPtr> ExprBinder::GroupingCall(const SqlExpr& e, std::vector<ExprPtr>) {
  return SqlError(
      "[UNSUPPORTED_GROUPING_EXPRESSION] grouping()/grouping_id() can only be used "
      "with GroupingSets/Cube/Rollup.",
      e.position);
}

Result<ExprPtr> ExprBinder::BindCase(const SqlExpr& e) {
  const BindOptions& options = binder_->options();
  ExprPtr operand;
  if (e.case_operand) {
    ASSIGN_OR_RAISE(operand, Bind(*e.case_operand));
  }
  std::vector<ExprPtr> conds, values;
  for (const auto& [when, then] : e.when_then) {
    ASSIGN_OR_RAISE(ExprPtr w, Bind(*when));
    if (operand) {
      // The simple form compares with =, coercing both sides (Spark's CaseKeyWhen).
      ASSIGN_OR_RAISE(w, ResolveCall("=", {operand, w}, options, when->position));
    } else {
      ASSIGN_OR_RAISE(w, ToBoolean(std::move(w), *when));
    }
    conds.push_back(std::move(w));
    ASSIGN_OR_RAISE(ExprPtr t, Bind(*then));
    values.push_back(std::move(t));
  }
  ExprPtr else_value;
  if (e.case_else) {
    ASSIGN_OR_RAISE(else_value, Bind(*e.case_else));
  }
  DataType common = DataType::Null();
  std::vector<ExprPtr> all = values;
  if (else_value) all.push_back(else_value);
  for (const ExprPtr& v : all) {
    std::optional<DataType> w = WiderType(common, v->type());
    if (!w) {
      std::string types;
      for (size_t i = 0; i < all.size(); ++i) {
        if (i > 0) types += ", ";
        types += QuoteType(all[i]->type());
      }
      return SqlError("[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"" + sql::ExprName(e) +
                          "\" due to data type mismatch: Input to `casewhen` should all be the "
                          "same type, but it's [" +
                          types + "].",
                      e.position);
    }
    common = *w;
  }
  std::vector<std::pair<ExprPtr, ExprPtr>> branches;
  for (size_t i = 0; i < conds.size(); ++i) {
    ASSIGN_OR_RAISE(ExprPtr v, Cast(values[i], common));
    branches.emplace_back(conds[i], std::move(v));
  }
  if (else_value) {
    ASSIGN_OR_RAISE(else_value, Cast(else_value, common));
  }
  auto result = CaseWhen(std::move(branches), std::move(else_value));
  if (!result.ok()) return Positioned(result.status(), e.position);
  return result;
}

Result<ExprPtr> ExprBinder::BindCast(const SqlExpr& e) {
  ASSIGN_OR_RAISE(ExprPtr x, Bind(*e.children[0]));
  const bool ansi = binder_->options().resolve.ansi;
  if (x->type() == e.cast_type) return x;
  const bool allowed =
      e.try_cast ? CanTryCast(x->type(), e.cast_type) : CanCast(x->type(), e.cast_type, ansi);
  if (!allowed) {
    return SqlError(CastMismatch(sql::ExprName(e), x->type(), e.cast_type,
                                 e.try_cast ? CastMode::kTry
                                 : ansi     ? CastMode::kAnsi
                                            : CastMode::kLegacy),
                    e.position);
  }
  if (e.try_cast) return ExprPtr(std::make_shared<TryCastExpr>(std::move(x), e.cast_type));
  auto r = Cast(std::move(x), e.cast_type);
  if (!r.ok()) return Positioned(r.status(), e.position);
  return r;
}

Result<ExprPtr> ExprBinder::BindLike(const SqlExpr& e) {
  std::vector<ExprPtr> args;
  for (const auto& c : e.children) {
    ASSIGN_OR_RAISE(ExprPtr a, Bind(*c));
    args.push_back(std::move(a));
  }
  const char* name = e.like_kind == sql::LikeKind::kLike    ? "like"
                     : e.like_kind == sql::LikeKind::kILike ? "ilike"
                                                            : "rlike";
  if (e.like_kind == sql::LikeKind::kRLike && args.size() > 2) {
    return SqlError("[INVALID_SQL_SYNTAX] ESCAPE is not allowed with RLIKE / REGEXP.",
                    e.children[2]->position);
  }
  return Negate(ResolveCall(name, std::move(args), binder_->options(), e.position), e.negated);
}

Result<ExprPtr> ExprBinder::BindSubscript(const SqlExpr& e) {
  const BindOptions& options = binder_->options();
  ASSIGN_OR_RAISE(ExprPtr base, Bind(*e.children[0]));
  ASSIGN_OR_RAISE(ExprPtr index, Bind(*e.children[1]));
  switch (base->type().id()) {
    case TypeId::kMap:
      return ResolveCall("element_at", {std::move(base), std::move(index)}, options, e.position);
    case TypeId::kStruct:
      if (index->kind() == ExprKind::kLiteral &&
          static_cast<const LiteralExpr&>(*index).value().type().id() == TypeId::kString &&
          !static_cast<const LiteralExpr&>(*index).value().is_null()) {
        return ApplyFields(std::move(base), {static_cast<const LiteralExpr&>(*index).value().str()},
                           0, e.position);
      }
      return SqlError(
          "[INVALID_EXTRACT_FIELD_TYPE] Field name should be a non-null string "
          "literal, but it's " +
              index->ToString() + ".",
          e.children[1]->position);
    case TypeId::kArray: {
      // Spark's GetArrayItem is 0-based (NULL out of range unless ANSI); element_at is
      // 1-based.
      if (index->type().id() != TypeId::kInt32 && index->type().id() != TypeId::kInt64) {
        return SqlError("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"" +
                            sql::ExprName(e) +
                            "\" due to data type mismatch: the array index must be an integer, "
                            "but it is " +
                            QuoteType(index->type()) + ".",
                        e.children[1]->position);
      }
      if (options.resolve.ansi) {
        // GetArrayItem with failOnError: an index out of range is INVALID_ARRAY_INDEX.
        return ExprPtr(std::make_shared<GetArrayItemExpr>(std::move(base), std::move(index)));
      }
      if (index->kind() == ExprKind::kLiteral) {
        const Value& v = static_cast<const LiteralExpr&>(*index).value();
        const int64_t i = v.is_null()                       ? -1
                          : v.type().id() == TypeId::kInt32 ? v.int32()
                                                            : v.int64();
        if (i < 0 || i >= INT32_MAX) return Literal(Value::Null(base->type().element_type()));
        return ResolveCall("element_at", {base, Literal(Value::Int32(static_cast<int32_t>(i + 1)))},
                           options, e.position);
      }
      ASSIGN_OR_RAISE(ExprPtr one_based,
                      ResolveCall("+", {index, Literal(Value::Int32(1))}, options, e.position));
      ASSIGN_OR_RAISE(ExprPtr item,
                      ResolveCall("element_at", {base, one_based}, options, e.position));
      ASSIGN_OR_RAISE(ExprPtr non_negative,
                      ResolveCall(">=", {index, Literal(Value::Int32(0))}, options, e.position));
      return CaseWhen({{non_negative, item}}, nullptr);
    }
    default:
      return SqlError("[INVALID_EXTRACT_BASE_FIELD_TYPE] Can't extract a value from \"" +
                          sql::ExprName(*e.children[0]) +
                          "\". Need a complex type [STRUCT, ARRAY, MAP] but got " +
                          QuoteType(base->type()) + ".",
                      e.position);
  }
}

// Free helpers -----------------------------------------------------------------

Result<ExprPtr> ToBoolean(ExprPtr e, const SqlExpr& where) {
  switch (e->type().id()) {
    case TypeId::kBoolean:
      return e;
    case TypeId::kNull:
    case TypeId::kString:
      // Spark's implicit casts: NULL and STRING convert to BOOLEAN.
      return Cast(std::move(e), DataType::Boolean());
    default:
      return SqlError("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"" +
                          sql::ExprName(where) + "\" due to data type mismatch: \"" +
                          e->ToString() + "\" requires the \"BOOLEAN\" type, however it has the " +
                          "type " + QuoteType(e->type()) + ".",
                      where.position);
  }
}

Result<ExprPtr> BindCondition(ExprBinder& b, const SqlExpr& e) {
  ASSIGN_OR_RAISE(ExprPtr x, b.Bind(e));
  switch (x->type().id()) {
    case TypeId::kBoolean:
      return x;
    case TypeId::kNull:
      return Cast(std::move(x), DataType::Boolean());
    default:
      if (b.clause() == Clause::kJoinOn) {
        return SqlError("[JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE] The join condition " +
                            QuoteId(sql::ExprName(e)) + " has the invalid type " +
                            QuoteType(x->type()) + ", expected \"BOOLEAN\".",
                        e.position);
      }
      return SqlError("[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"" +
                          sql::ExprName(e) + "\" due to data type mismatch: Filter expression \"" +
                          sql::ExprName(e) + "\" of type " + QuoteType(x->type()) +
                          " is not a boolean.",
                      e.position);
  }
}

Result<ExprPtr> ResolveCall(std::string_view name, std::vector<ExprPtr> args,
                            const BindOptions& options, SourcePosition pos) {
  auto r = FunctionRegistry::Builtins().Resolve(name, std::move(args), options.resolve);
  if (!r.ok()) return Positioned(r.status(), pos);
  return r;
}

Status Positioned(const Status& st, SourcePosition pos) {
  Status out = st;
  // Lower layers report user mistakes as InvalidArgument at times; in SQL they are
  // INVALID_SQL.
  if (out.code() == StatusCode::kInvalidArgument) {
    Status s = Status::InvalidSql(out.message());
    if (!out.hint().empty()) s = s.WithHint(out.hint());
    out = s;
  }
  if (!out.position().valid()) out = out.WithPosition(pos);
  return out;
}

Status SqlError(std::string message, SourcePosition pos, std::string hint) {
  Status st = Status::InvalidSql(std::move(message)).WithPosition(pos);
  if (!hint.empty()) st = st.WithHint(std::move(hint));
  return st;
}

std::string_view ClauseName(Clause c) {
  switch (c) {
    case Clause::kSelect:
      return "the SELECT list";
    case Clause::kWhere:
      return "WHERE";
    case Clause::kGroupBy:
      return "GROUP BY";
    case Clause::kHaving:
      return "HAVING";
    case Clause::kOrderBy:
      return "ORDER BY";
    case Clause::kJoinOn:
      return "a join condition";
    case Clause::kAggregateArg:
      return "an aggregate function's argument";
    case Clause::kWindowSpec:
      return "a window specification";
    case Clause::kOther:
      return "this expression";
  }
  return "this expression";
}

}  // namespace weir::plan::internal
