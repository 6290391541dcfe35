// CAST between SQL types with Spark 3.5's rules.
//
// Non-ANSI (the default): a value that cannot be converted becomes NULL (a string
// that is not a number, a decimal that overflows its precision), integral
// narrowing wraps as Java's casts do, and fractional-to-integral truncates toward
// zero and saturates. ANSI (spark.sql.ansi.enabled): those cases are errors naming
// the value and the types, e.g. [CAST_INVALID_INPUT] The value 'abc' of the type
// "STRING" cannot be cast to "INT" because it is malformed.
//
// CAST to STRING renders as Spark's Cast does (not as show() does): NULL elements
// inside arrays, maps and structs print as "null", BINARY is its raw bytes,
// DOUBLE as Java's Double.toString, TIMESTAMP in the session time zone.
//
// Thread-safety: free functions and an immutable expression node.

#pragma once

#include "weir/expr/expr.h"

namespace weir {

// Whether CAST(from AS to) is allowed at all (Spark's Cast.canCast, or canAnsiCast
// when `ansi`). Refused casts are analysis errors, not runtime NULLs.
bool CanCast(const DataType& from, const DataType& to, bool ansi);

// Converts `input` to `to` for `rows` (see the header comment for the rules).
// REQUIRES: CanCast(input.type(), to, ctx.ansi()).
Result<Datum> CastDatum(EvalContext& ctx, const Datum& input, const DataType& to,
                        const RowSet& rows);

class CastExpr final : public Expr {
 public:
  CastExpr(ExprPtr operand, DataType to);
  std::string ToString() const override;
  Result<Datum> Eval(EvalContext& ctx, const Batch& batch, const RowSet& rows) const override;
  ExprPtr WithChildren(std::vector<ExprPtr> children) const override;
};

// CAST(operand AS to). Returns `operand` itself when it already has type `to`, and
// InvalidArgument naming both types when the cast is never allowed (checked with
// the non-ANSI rules; ANSI-only refusals surface when the query is planned with
// ansi set, see CanCast).
Result<ExprPtr> Cast(ExprPtr operand, DataType to);

}  // namespace weir
