// Helpers for the parser tests: an unambiguous printer of expression trees and
// shorthands that parse or expect an error.

#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "weir/functions/ddl_schema.h"
#include "weir/sql/parser.h"

namespace weir::sql::testing {

std::string Dump(const SqlExpr& e);

inline std::string DumpList(const std::vector<SqlExprPtr>& v, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < v.size(); ++i) out += (i > from ? ", " : "") + Dump(*v[i]);
  return out;
}

inline std::string Dotted(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? "." : "") + names[i];
  return out;
}

inline std::string DumpWindow(const WindowSpec& w) {
  std::string out = "[";
  if (!w.base_name.empty()) out += "base=" + w.base_name + " ";
  if (!w.partition_by.empty()) out += "part=" + DumpList(w.partition_by) + " ";
  for (const SortItem& s : w.order_by) {
    out += "ord=" + Dump(*s.expr) + (s.ascending ? "" : " desc") +
           (s.nulls_first ? (*s.nulls_first ? " nf" : " nl") : "") + " ";
  }
  if (w.frame) {
    auto bound = [](const FrameBound& b) -> std::string {
      switch (b.kind) {
        case FrameBoundKind::kUnboundedPreceding:
          return "UP";
        case FrameBoundKind::kPreceding:
          return Dump(*b.offset) + "P";
        case FrameBoundKind::kCurrentRow:
          return "CR";
        case FrameBoundKind::kFollowing:
          return Dump(*b.offset) + "F";
        case FrameBoundKind::kUnboundedFollowing:
          return "UF";
      }
      return "?";
    };
    out += std::string(w.frame->unit == FrameUnit::kRows ? "rows " : "range ") +
           bound(w.frame->start) + ".." + bound(w.frame->end);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out + "]";
}

// Literals print as value:type ('x' for strings); operators fully parenthesized.
inline std::string Dump(const SqlExpr& e) {
  switch (e.kind) {
    case SqlExprKind::kColumn:
      return Dotted(e.names);
    case SqlExprKind::kStar:
      return e.names.empty() ? "*" : Dotted(e.names) + ".*";
    case SqlExprKind::kLiteral:
      if (e.value.is_null()) return "NULL";
      if (e.value.type().id() == TypeId::kString) return "'" + e.value.str() + "'";
      return e.value.ToString() + ":" + e.value.type().ToString();
    case SqlExprKind::kUnary: {
      static constexpr const char* kOps[] = {"-", "+", "NOT", "~"};
      return std::string("(") + kOps[static_cast<int>(e.unary_op)] + " " + Dump(*e.children[0]) +
             ")";
    }
    case SqlExprKind::kBinary: {
      std::string op(BinaryOpName(e.binary_op));
      if (op == "and" || op == "or") op = op == "and" ? "AND" : "OR";
      return "(" + Dump(*e.children[0]) + " " + op + " " + Dump(*e.children[1]) + ")";
    }
    case SqlExprKind::kFunction: {
      std::string out = Dotted(e.names) + "(" + (e.distinct ? "DISTINCT " : "") +
                        (e.star_arg ? "*" : DumpList(e.children)) + ")";
      if (e.ignore_nulls) out += *e.ignore_nulls ? " IGNORE NULLS" : " RESPECT NULLS";
      if (e.filter) out += " FILTER " + Dump(*e.filter);
      if (e.over) out += " OVER " + DumpWindow(*e.over);
      return out;
    }
    case SqlExprKind::kCase: {
      std::string out = "CASE";
      if (e.case_operand) out += " " + Dump(*e.case_operand);
      for (const auto& [w, t] : e.when_then) out += " WHEN " + Dump(*w) + " THEN " + Dump(*t);
      if (e.case_else) out += " ELSE " + Dump(*e.case_else);
      return out + " END";
    }
    case SqlExprKind::kCast:
      return std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + Dump(*e.children[0]) + " AS " +
             SqlTypeString(e.cast_type) + ")";
    case SqlExprKind::kIsNull:
      return "(" + Dump(*e.children[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case SqlExprKind::kIsBool: {
      static constexpr const char* kTests[] = {"TRUE", "FALSE", "UNKNOWN"};
      return "(" + Dump(*e.children[0]) + (e.negated ? " IS NOT " : " IS ") +
             kTests[static_cast<int>(e.bool_test)] + ")";
    }
    case SqlExprKind::kIsDistinctFrom:
      return "(" + Dump(*e.children[0]) +
             (e.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + Dump(*e.children[1]) +
             ")";
    case SqlExprKind::kBetween:
      return "(" + Dump(*e.children[0]) + (e.negated ? " NOT" : "") + " BETWEEN " +
             Dump(*e.children[1]) + " AND " + Dump(*e.children[2]) + ")";
    case SqlExprKind::kInList:
      return "(" + Dump(*e.children[0]) + (e.negated ? " NOT" : "") + " IN (" +
             DumpList(e.children, 1) + "))";
    case SqlExprKind::kInSubquery:
      return "(" + Dump(*e.children[0]) + (e.negated ? " NOT" : "") + " IN <subquery>)";
    case SqlExprKind::kExists:
      return e.negated ? "NOT EXISTS <subquery>" : "EXISTS <subquery>";
    case SqlExprKind::kScalarSubquery:
      return "<subquery>";
    case SqlExprKind::kLike: {
      static constexpr const char* kOps[] = {"LIKE", "ILIKE", "RLIKE"};
      std::string out = "(" + Dump(*e.children[0]) + (e.negated ? " NOT " : " ") +
                        kOps[static_cast<int>(e.like_kind)] + " " + Dump(*e.children[1]);
      if (e.children.size() > 2) out += " ESCAPE " + Dump(*e.children[2]);
      return out + ")";
    }
    case SqlExprKind::kSubscript:
      return Dump(*e.children[0]) + "[" + Dump(*e.children[1]) + "]";
    case SqlExprKind::kField:
      return "(" + Dump(*e.children[0]) + ")." + e.names[0];
    case SqlExprKind::kRow:
      return "ROW(" + DumpList(e.children) + ")";
    case SqlExprKind::kLambda: {
      std::string params;
      for (size_t i = 0; i < e.names.size(); ++i) params += (i ? ", " : "") + e.names[i];
      return "(" + params + ") -> " + Dump(*e.children[0]);
    }
  }
  return "?";
}

// Parses `sql` as an expression and dumps it; a failure is reported and gives "".
inline std::string E(std::string_view sql) {
  auto r = ParseExpression(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? Dump(**r) : "";
}

// ExprName of the expression `sql`.
inline std::string N(std::string_view sql) {
  auto r = ParseExpression(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? ExprName(**r) : "";
}

inline StatementPtr S(std::string_view sql) {
  auto r = ParseStatement(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? std::move(*r) : nullptr;
}

// The error of a statement that must fail.
inline Status Err(std::string_view sql) {
  auto r = ParseStatement(sql);
  EXPECT_FALSE(r.ok()) << sql;
  if (r.ok()) return Status::OK();
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code()) << r.status().ToString();
  EXPECT_TRUE(r.status().position().valid()) << r.status().ToString();
  return r.status();
}

inline Status ExprErr(std::string_view sql) {
  auto r = ParseExpression(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? Status::OK() : r.status();
}

}  // namespace weir::sql::testing
