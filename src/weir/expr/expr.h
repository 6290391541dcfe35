// Expressions: typed, bound expression trees evaluated a whole batch at a time.
//
// A tree is built after names and types are resolved (by the SQL binder or the
// DataFrame API): column references are by index, every node knows its result type,
// functions are already resolved to a ScalarFunction, and implicit casts are
// explicit Cast nodes. Evaluation makes one virtual call per node per batch; the
// kernels underneath loop over columns.
//
// Lazy evaluation: AND and OR evaluate their right side only for rows the left side
// did not decide; CASE evaluates a branch's value only for the rows that take that
// branch; COALESCE evaluates an argument only for rows still NULL. So
// `CASE WHEN x <> 0 THEN 10 / x END` never divides by zero, as in Spark.
//
// Thread-safety: trees are immutable and may be evaluated concurrently.

#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/expr/datum.h"
#include "weir/expr/eval_context.h"
#include "weir/expr/function.h"
#include "weir/expr/row_set.h"
#include "weir/types/batch.h"

namespace weir {

enum class ExprKind : uint8_t {
  kColumnRef,
  kLiteral,
  kCall,
  kCast,
  kAnd,
  kOr,
  kNot,
  kIsNull,
  kIsNotNull,
  kCase,
  kCoalesce,
  // An expression of a higher layer (a scalar subquery, an outer reference of a
  // correlated subquery) that the planner replaces before anything evaluates it.
  kPlaceholder,
};

class Expr;
using ExprPtr = std::shared_ptr<const Expr>;

class Expr {
 public:
  Expr(ExprKind kind, DataType type, bool nullable, std::vector<ExprPtr> children)
      : kind_(kind), type_(std::move(type)), nullable_(nullable), children_(std::move(children)) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;

  ExprKind kind() const { return kind_; }
  const DataType& type() const { return type_; }
  // False only when the expression can never be NULL.
  bool nullable() const { return nullable_; }
  const std::vector<ExprPtr>& children() const { return children_; }
  const ExprPtr& child(size_t i) const { return children_[i]; }

  // False when the node or any child gives different results on equal input.
  virtual bool deterministic() const;
  // True when the value does not depend on any row: no column reference, and
  // deterministic. Constant folding replaces such subtrees by literals.
  bool foldable() const;

  // Spark-like rendering: "(a + 1)", "CAST(a AS BIGINT)", "(a AND b)".
  virtual std::string ToString() const = 0;

  // Evaluates for `rows` of `batch`. Rows outside `rows` are unspecified in the
  // result (usually NULL; a column reference passes the input through): callers read
  // only the rows they asked for.
  virtual Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const = 0;

  // The same node over new children (of the same types), for rewrites.
  virtual ExprPtr WithChildren(std::vector<ExprPtr> children) const = 0;

 private:
  ExprKind kind_;
  DataType type_;
  bool nullable_;
  std::vector<ExprPtr> children_;
};

// A reference to column `index` of the input batch.
class ColumnRefExpr final : public Expr {
 public:
  ColumnRefExpr(int index, std::string name, DataType type, bool nullable)
      : Expr(ExprKind::kColumnRef, std::move(type), nullable, {}),
        index_(index),
        name_(std::move(name)) {}
  int index() const { return index_; }
  const std::string& name() const { return name_; }
  std::string ToString() const override { return name_; }
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;

 private:
  int index_;
  std::string name_;
};

class LiteralExpr final : public Expr {
 public:
  explicit LiteralExpr(Value value);
  const Value& value() const { return value_; }
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;

 private:
  Value value_;
  Datum datum_;
};

class CallExpr final : public Expr {
 public:
  CallExpr(ScalarFunctionPtr function, std::vector<ExprPtr> args, bool nullable);
  const ScalarFunction& function() const { return *function_; }
  bool deterministic() const override;
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;

 private:
  ScalarFunctionPtr function_;
};

// Column, literal and call constructors.
ExprPtr ColumnRef(int index, std::string name, DataType type, bool nullable = true);
ExprPtr ColumnRef(const Schema& schema, int index);
ExprPtr Literal(Value value);
ExprPtr Call(ScalarFunctionPtr function, std::vector<ExprPtr> args);

// Boolean logic with SQL's three-valued semantics. REQUIRES BOOLEAN operands
// (InvalidArgument otherwise).
Result<ExprPtr> And(ExprPtr left, ExprPtr right);
Result<ExprPtr> Or(ExprPtr left, ExprPtr right);
Result<ExprPtr> Not(ExprPtr operand);
// Never NULL.
ExprPtr IsNull(ExprPtr operand);
ExprPtr IsNotNull(ExprPtr operand);

// CASE WHEN c1 THEN v1 ... [ELSE e] END. Conditions must be BOOLEAN and every value
// (and `else_value`, which may be null for "no ELSE") must already have one type;
// the caller inserts casts to the common type.
Result<ExprPtr> CaseWhen(std::vector<std::pair<ExprPtr, ExprPtr>> branches, ExprPtr else_value);
// COALESCE(a, b, ...): the first non-NULL argument. Arguments must share one type.
Result<ExprPtr> Coalesce(std::vector<ExprPtr> args);

// Evaluates `expr` over the logical rows of `batch` and returns a column as long as
// the batch's columns (constants repeated).
Result<ColumnPtr> EvaluateColumn(const Expr& expr, EvalContext& ctx, const Batch& batch);
// Evaluates a BOOLEAN predicate over the logical rows of `batch`; returns the
// physical rows where it is TRUE (NULL and FALSE drop the row), ascending.
Result<SelectionVector> EvaluateFilter(const Expr& expr, EvalContext& ctx, const Batch& batch);

// Constant folding: every foldable subtree is evaluated once and replaced by a
// literal. An error while folding (an ANSI overflow in a constant) is returned.
Result<ExprPtr> FoldConstants(const ExprPtr& expr, EvalContext& ctx);

}  // namespace weir
