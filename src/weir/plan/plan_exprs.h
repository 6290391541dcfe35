// Expressions the binder creates that the expression library does not have:
//  - GetFieldExpr: a struct field (`s.f`, `t.s.f`, `(expr).f`), Spark's
//    GetStructField; NULL when the struct is NULL.
//  - TryCastExpr: TRY_CAST, a cast that gives NULL instead of failing even in ANSI
//    mode.
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

class TryCastExpr final : public Expr {
 public:
  // REQUIRES: CanCast(operand->type(), to, false).
  TryCastExpr(ExprPtr operand, DataType to);
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;
};

class BinderRefExpr final : public Expr {
 public:
  enum class RefKind : uint8_t {
    kOuter,   // column `id` of the enclosing query's input (a correlated reference)
    kWindow,  // the result of window function call `id` of the SELECT being bound
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
