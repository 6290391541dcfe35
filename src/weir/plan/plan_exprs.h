// Expressions the binder creates that the expression library does not have:
//  - GetFieldExpr: a struct field (`s.f`, `t.s.f`, `(expr).f`), Spark's
//    GetStructField; NULL when the struct is NULL.
//  - TryCastExpr: TRY_CAST, Spark's cast in EvalMode.TRY: the ANSI cast, with NULL
//    for a value the ANSI cast would fail on (an overflow, a malformed string, an
//    invalid date), whatever spark.sql.ansi.enabled says.
//  - GetArrayItemExpr: `arr[i]` in ANSI mode, Spark's GetArrayItem with failOnError:
//    0-based, NULL when the array, the index or the element is NULL, and
//    [INVALID_ARRAY_INDEX] for an index outside the array. (Without ANSI the binder
//    rewrites `arr[i]` to element_at, which is NULL out of range.)
//  - BinderRefExpr: a placeholder the binder uses while it builds a plan (an outer
//    reference of a correlated subquery, a window function's result); every one is
//    replaced before the binder returns, or the query is rejected.
//
// Thread-safety: immutable expression nodes.

#pragma once

#include <string>
#include <vector>

#include "weir/expr/expr.h"

namespace weir::plan {

class GetFieldExpr final : public Expr {
 public:
  // REQUIRES: operand is a STRUCT with field `ordinal`.
  GetFieldExpr(ExprPtr operand, int ordinal);
  int ordinal() const { return ordinal_; }
  const std::string& field_name() const;
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;

 private:
  int ordinal_;
};

// Spark's Cast.canTryCast: the ANSI rules, except that ARRAY, MAP and STRUCT casts
// check their elements with the non-ANSI rules.
bool CanTryCast(const DataType& from, const DataType& to);

class TryCastExpr final : public Expr {
 public:
  // REQUIRES: CanTryCast(operand->type(), to).
  TryCastExpr(ExprPtr operand, DataType to);
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;
};

class GetArrayItemExpr final : public Expr {
 public:
  // REQUIRES: array is an ARRAY; index is INT or BIGINT.
  GetArrayItemExpr(ExprPtr array, ExprPtr index);
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;
};

class BinderRefExpr final : public Expr {
 public:
  enum class RefKind : uint8_t {
    kOuter,   // column `id` of the enclosing query's input (a correlated reference)
    kWindow,  // the result of window function call `id` of the SELECT being bound
    // The `exists` column of existence join `id` that an IN / EXISTS subquery in an
    // aggregating SELECT or HAVING adds over the Aggregate (bind_subquery.cc).
    kExistence,
  };
  BinderRefExpr(RefKind ref_kind, int id, std::string name, DataType type, bool nullable)
      : Expr(ExprKind::kPlaceholder, std::move(type), nullable, {}),
        ref_kind_(ref_kind),
        id_(id),
        name_(std::move(name)) {}
  RefKind ref_kind() const { return ref_kind_; }
  int id() const { return id_; }
  bool deterministic() const override { return false; }
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;

 private:
  RefKind ref_kind_;
  int id_;
  std::string name_;
};

// Returns the BinderRefExpr `e` is, or nullptr.
const BinderRefExpr* AsBinderRef(const Expr& e);

}  // namespace weir::plan
