// Operator names and ExprName, the Spark-like rendering of unresolved expressions that
// names unaliased SELECT items. The rendering follows what Spark 3.5 prints for the
// expression its parser builds (Expression.sql through usePrettyExpression):
//   a <> b             -> (NOT (a = b))          parsed as Not(EqualTo)
//   a || b             -> concat(a, b)           parsed as Concat
//   x BETWEEN l AND h  -> ((x >= l) AND (x <= h))
//   x IS TRUE          -> (x <=> true)           IS [NOT] TRUE|FALSE: EqualNullSafe
//   CASE x WHEN v ...  -> CASE WHEN (x = v) ...
//   t.a, s.f           -> a, f                   a name is its last part

#include "weir/sql/ast.h"

#include <cctype>

#include "weir/functions/ddl_schema.h"
#include "weir/types/datetime.h"

namespace weir::sql {

std::string_view BinaryOpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kModulo:
      return "%";
    case BinaryOp::kIntDivide:
      return "div";
    case BinaryOp::kConcat:
      return "concat";
    case BinaryOp::kBitAnd:
      return "&";
    case BinaryOp::kBitOr:
      return "|";
    case BinaryOp::kBitXor:
      return "^";
    case BinaryOp::kShiftLeft:
      return "shiftleft";
    case BinaryOp::kShiftRight:
      return "shiftright";
    case BinaryOp::kShiftRightUnsigned:
      return "shiftrightunsigned";
    case BinaryOp::kEq:
      return "=";
    case BinaryOp::kNullSafeEq:
      return "<=>";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kAnd:
      return "and";
    case BinaryOp::kOr:
      return "or";
  }
  return "?";
}

std::string_view JoinTypeName(JoinType type) {
  switch (type) {
    case JoinType::kInner:
      return "INNER";
    case JoinType::kLeftOuter:
      return "LEFT OUTER";
    case JoinType::kRightOuter:
      return "RIGHT OUTER";
    case JoinType::kFullOuter:
      return "FULL OUTER";
    case JoinType::kLeftSemi:
      return "LEFT SEMI";
    case JoinType::kLeftAnti:
      return "LEFT ANTI";
    case JoinType::kCross:
      return "CROSS";
    case JoinType::kExistence:
      return "EXISTENCE";
  }
  return "?";
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string LiteralName(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type().id()) {
    case TypeId::kBoolean:
      return v.boolean() ? "true" : "false";
    case TypeId::kDate:
      return "DATE '" + FormatDate(v.int32()) + "'";
    case TypeId::kTimestamp:
      return "TIMESTAMP '" + FormatTimestamp(v.int64(), TimeZone()) + "'";
    case TypeId::kInterval:
      return "INTERVAL '" + v.interval().ToString() + "'";
    case TypeId::kBinary: {
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string out = "X'";
      for (unsigned char c : v.str()) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      return out + "'";
    }
    case TypeId::kString:
      return v.str();
    default:
      return v.ToString();
  }
}

std::string Join(const std::vector<SqlExprPtr>& exprs, size_t from = 0);

std::string Name(const SqlExpr& e);

std::string SortName(const SortItem& s) {
  bool nulls_first = s.nulls_first.value_or(s.ascending);
  return Name(*s.expr) + (s.ascending ? " ASC" : " DESC") +
         (nulls_first ? " NULLS FIRST" : " NULLS LAST");
}

std::string BoundName(const FrameBound& b) {
  switch (b.kind) {
    case FrameBoundKind::kUnboundedPreceding:
      return "UNBOUNDED PRECEDING";
    case FrameBoundKind::kPreceding:
      return Name(*b.offset) + " PRECEDING";
    case FrameBoundKind::kCurrentRow:
      return "CURRENT ROW";
    case FrameBoundKind::kFollowing:
      return Name(*b.offset) + " FOLLOWING";
    case FrameBoundKind::kUnboundedFollowing:
      return "UNBOUNDED FOLLOWING";
  }
  return "";
}

// WindowSpecDefinition.sql, with Spark's default frame when none is written.
std::string WindowName(const WindowSpec& w) {
  if (w.partition_by.empty() && w.order_by.empty() && !w.frame && !w.base_name.empty()) {
    return w.base_name;
  }
  std::vector<std::string> parts;
  if (!w.partition_by.empty()) parts.push_back("PARTITION BY " + Join(w.partition_by));
  if (!w.order_by.empty()) {
    std::string s = "ORDER BY ";
    for (size_t i = 0; i < w.order_by.size(); ++i) s += (i ? ", " : "") + SortName(w.order_by[i]);
    parts.push_back(std::move(s));
  }
  if (w.frame) {
    parts.push_back(std::string(w.frame->unit == FrameUnit::kRows ? "ROWS" : "RANGE") +
                    " BETWEEN " + BoundName(w.frame->start) + " AND " + BoundName(w.frame->end));
  } else if (w.order_by.empty()) {
    parts.push_back("ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING");
  } else {
    parts.push_back("RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW");
  }
  std::string out = "(";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " " : "") + parts[i];
  return out + ")";
}

std::string Join(const std::vector<SqlExprPtr>& exprs, size_t from) {
  std::string out;
  for (size_t i = from; i < exprs.size(); ++i) out += (i > from ? ", " : "") + Name(*exprs[i]);
  return out;
}

std::string Not(std::string s, bool negated) { return negated ? "(NOT " + s + ")" : s; }

std::string BinaryName(const SqlExpr& e) {
  std::string l = Name(*e.children[0]), r = Name(*e.children[1]);
  switch (e.binary_op) {
    case BinaryOp::kConcat:
      return "concat(" + l + ", " + r + ")";
    case BinaryOp::kShiftLeft:
    case BinaryOp::kShiftRight:
    case BinaryOp::kShiftRightUnsigned:
      return std::string(BinaryOpName(e.binary_op)) + "(" + l + ", " + r + ")";
    case BinaryOp::kNe:
      return "(NOT (" + l + " = " + r + "))";
    case BinaryOp::kAnd:
      return "(" + l + " AND " + r + ")";
    case BinaryOp::kOr:
      return "(" + l + " OR " + r + ")";
    default:
      return "(" + l + " " + std::string(BinaryOpName(e.binary_op)) + " " + r + ")";
  }
}

std::string FunctionName(const SqlExpr& e) {
  std::string name;
  for (size_t i = 0; i < e.names.size(); ++i) name += (i ? "." : "") + Lower(e.names[i]);
  std::string out = name + "(";
  if (e.distinct) out += "DISTINCT ";
  out += e.star_arg ? "1" : Join(e.children);
  out += ")";
  if (e.ignore_nulls) out += *e.ignore_nulls ? " IGNORE NULLS" : " RESPECT NULLS";
  if (e.filter) out += " FILTER (WHERE " + Name(*e.filter) + ")";
  if (e.over) out += " OVER " + WindowName(*e.over);
  return out;
}

std::string CaseName(const SqlExpr& e) {
  std::string out = "CASE";
  for (const auto& [when, then] : e.when_then) {
    std::string cond = Name(*when);
    if (e.case_operand) cond = "(" + Name(*e.case_operand) + " = " + cond + ")";
    out += " WHEN " + cond + " THEN " + Name(*then);
  }
  if (e.case_else) out += " ELSE " + Name(*e.case_else);
  return out + " END";
}

std::string IsBoolName(const SqlExpr& e) {
  std::string x = Name(*e.children[0]);
  if (e.bool_test == BoolTest::kUnknown) {
    return "(" + x + (e.negated ? " IS NOT NULL)" : " IS NULL)");
  }
  return Not("(" + x + " <=> " + (e.bool_test == BoolTest::kTrue ? "true" : "false") + ")",
             e.negated);
}

std::string Name(const SqlExpr& e) {
  switch (e.kind) {
    case SqlExprKind::kColumn:
      return e.names.empty() ? "" : e.names.back();
    case SqlExprKind::kStar: {
      std::string q;
      for (const std::string& n : e.names) q += n + ".";
      return q + "*";
    }
    case SqlExprKind::kLiteral:
      return LiteralName(e.value);
    case SqlExprKind::kUnary: {
      std::string x = Name(*e.children[0]);
      switch (e.unary_op) {
        case UnaryOp::kMinus:
          return "(- " + x + ")";
        case UnaryOp::kPlus:
          return "(+ " + x + ")";
        case UnaryOp::kNot:
          return "(NOT " + x + ")";
        case UnaryOp::kBitNot:
          return "~" + x;
      }
      return x;
    }
    case SqlExprKind::kBinary:
      return BinaryName(e);
    case SqlExprKind::kFunction:
      return FunctionName(e);
    case SqlExprKind::kCase:
      return CaseName(e);
    case SqlExprKind::kCast:
      return std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + Name(*e.children[0]) + " AS " +
             SqlTypeString(e.cast_type) + ")";
    case SqlExprKind::kIsNull:
      return "(" + Name(*e.children[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case SqlExprKind::kIsBool:
      return IsBoolName(e);
    case SqlExprKind::kIsDistinctFrom:
      return Not("(" + Name(*e.children[0]) + " <=> " + Name(*e.children[1]) + ")", !e.negated);
    case SqlExprKind::kBetween: {
      std::string x = Name(*e.children[0]);
      return Not("((" + x + " >= " + Name(*e.children[1]) + ") AND (" + x +
                     " <= " + Name(*e.children[2]) + "))",
                 e.negated);
    }
    case SqlExprKind::kInList:
      return Not("(" + Name(*e.children[0]) + " IN (" + Join(e.children, 1) + "))", e.negated);
    case SqlExprKind::kInSubquery:
      return Not("(" + Name(*e.children[0]) + " IN (listquery()))", e.negated);
    case SqlExprKind::kExists:
      return Not("exists()", e.negated);
    case SqlExprKind::kScalarSubquery:
      return "scalarsubquery()";
    case SqlExprKind::kLike: {
      static constexpr std::string_view kOps[] = {" LIKE ", " ILIKE ", " RLIKE "};
      std::string s = Name(*e.children[0]) + std::string(kOps[static_cast<int>(e.like_kind)]) +
                      Name(*e.children[1]);
      if (e.children.size() > 2) s += " ESCAPE '" + Name(*e.children[2]) + "'";
      return Not(s, e.negated);
    }
    case SqlExprKind::kSubscript:
      return Name(*e.children[0]) + "[" + Name(*e.children[1]) + "]";
    case SqlExprKind::kField:
      return Name(*e.children[0]) + "." + e.names[0];
    case SqlExprKind::kRow:
      return "struct(" + Join(e.children) + ")";
    case SqlExprKind::kLambda: {
      std::string out = "lambdafunction(" + Name(*e.children[0]);
      for (const std::string& n : e.names) out += ", " + n;
      return out + ")";
    }
  }
  return "";
}

}  // namespace

std::string ExprName(const SqlExpr& expr) { return Name(expr); }

}  // namespace weir::sql
