// Helpers shared by the arithmetic operators (arithmetic.cc) and the math functions
// (math.cc): Spark's error messages, the implicit casts of numeric inputs, and kernel
// loops for partial functions (internal to weir_functions).
//
// Thread-safety: free functions and stateless templates.

#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/expr/expr.h"
#include "weir/functions/kernel_util.h"

namespace weir::arith {

// Why a fallible op produced no value for a row (0: it did).
enum FailCode : uint8_t { kOk = 0, kOverflow = 1, kDivideByZero = 2 };

// [ARITHMETIC_OVERFLOW] <message>. Use '<hint>' to tolerate overflow and return NULL
// instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error.
// (The "Use" sentence only with a hint.)
Status ArithmeticOverflow(std::string_view message, std::string_view hint);
// [DIVIDE_BY_ZERO] Division by zero. Use `try_divide` ...
Status DivideByZero();
// [NUMERIC_VALUE_OUT_OF_RANGE] <value> cannot be represented as Decimal(p, s). ...
Status NumericValueOutOfRange(std::string_view value, int precision, int scale);

// Java's (long) conversion of a double: NaN is 0, out-of-range values saturate.
inline int64_t JavaDoubleToLong(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

// Spark's DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE for argument `index` (0-based) of
// call `call`, which requires `required` (already quoted, e.g. "\"DOUBLE\"").
Status UnexpectedInputType(std::string_view call, size_t index, std::string_view required,
                           const ExprPtr& arg);

// The implicit cast of an argument a math function declares as NUMERIC: numbers stay,
// STRING and NULL become DOUBLE; anything else is an UNEXPECTED_INPUT_TYPE error.
Result<ExprPtr> CoerceNumeric(std::string_view call, size_t index, ExprPtr arg);
// The same for an argument declared DOUBLE: every number, STRING and NULL become DOUBLE.
Result<ExprPtr> CoerceDouble(std::string_view call, size_t index, ExprPtr arg);

// The value of a constant INT argument (a foldable expression, such as round's scale),
// or nullopt when it is NULL. `what` names it in errors. BIGINT constants are cast to
// INT as Spark's implicit cast does.
Result<std::optional<int32_t>> ConstantInt(std::string_view call, std::string_view what,
                                           const ExprPtr& arg);

// out = op(a, b) where `uint8_t op(A, B, R* out)` returns a FailCode. Values are
// computed for every row of the set (flat columns over all rows run as a plain loop);
// for a valid row that fails, `on_fail(a, b, code)` returns OK to make the row NULL or
// the error that stops the evaluation. The failing rows are located only when some
// row failed.
template <typename A, typename B, typename R, typename Op, typename OnFail>
Result<Datum> MapBinaryFallible(const DataType& type, const Datum& a, const Datum& b,
                                const RowSet& rows, Op op, OnFail on_fail) {
  FixedResult<R> out(type, rows);
  const Datum args[2] = {a, b};
  out.validity().InitFromArgs(args, 2, rows);
  R* o = out.values();
  const A* av = kernels::ValuesOf<A>(a);
  const B* bv = kernels::ValuesOf<B>(b);
  const int64_t ma = kernels::MaskOf(a), mb = kernels::MaskOf(b);
  uint8_t failed = 0;
  const int64_t n = rows.size();
  if (rows.is_all() && !a.is_constant() && !b.is_constant()) {
    for (int64_t i = 0; i < n; ++i) failed |= op(av[i], bv[i], &o[i]);
  } else if (rows.is_all() && !a.is_constant()) {
    const B c = bv[0];
    for (int64_t i = 0; i < n; ++i) failed |= op(av[i], c, &o[i]);
  } else if (rows.is_all() && !b.is_constant()) {
    const A c = av[0];
    for (int64_t i = 0; i < n; ++i) failed |= op(c, bv[i], &o[i]);
  } else {
    rows.ForEach([&](int64_t i) { failed |= op(av[i & ma], bv[i & mb], &o[i]); });
  }
  if (failed != 0) {
    // Rare: values at NULL rows are arbitrary and may "fail"; only valid rows count.
    Status st;
    rows.ForEach([&](int64_t i) {
      if (!st.ok() || !out.validity().IsValid(i)) return;
      R ignored;
      const uint8_t code = op(av[i & ma], bv[i & mb], &ignored);
      if (code == kOk) return;
      st = on_fail(av[i & ma], bv[i & mb], code);
      if (st.ok()) out.SetNull(i);
    });
    RETURN_NOT_OK(st);
  }
  return out.Finish();
}

// The unary form of MapBinaryFallible: `uint8_t op(A, R* out)`, `on_fail(a, code)`.
template <typename A, typename R, typename Op, typename OnFail>
Result<Datum> MapUnaryFallible(const DataType& type, const Datum& a, const RowSet& rows, Op op,
                               OnFail on_fail) {
  FixedResult<R> out(type, rows);
  out.validity().InitFromArgs(&a, 1, rows);
  R* o = out.values();
  const A* av = kernels::ValuesOf<A>(a);
  const int64_t ma = kernels::MaskOf(a);
  uint8_t failed = 0;
  if (rows.is_all() && !a.is_constant()) {
    const int64_t n = rows.size();
    for (int64_t i = 0; i < n; ++i) failed |= op(av[i], &o[i]);
  } else {
    rows.ForEach([&](int64_t i) { failed |= op(av[i & ma], &o[i]); });
  }
  if (failed != 0) {
    Status st;
    rows.ForEach([&](int64_t i) {
      if (!st.ok() || !out.validity().IsValid(i)) return;
      R ignored;
      const uint8_t code = op(av[i & ma], &ignored);
      if (code == kOk) return;
      st = on_fail(av[i & ma], code);
      if (st.ok()) out.SetNull(i);
    });
    RETURN_NOT_OK(st);
  }
  return out.Finish();
}

}  // namespace weir::arith
