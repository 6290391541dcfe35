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

// `x % d = k` (`x % d <> k` with `negate`) over an INT or BIGINT column x and constants
// d and k of its type, computed without the remainder column, when that is cheap:
// every row, d and k non-NULL, 2 <= |d| < 2^31, every x in [0, 2^31), AVX2. nullopt
// otherwise (the caller computes the remainder, then compares).
std::optional<Datum> RemainderEqualsConstant(const Datum& x, const Datum& d, const Datum& k,
                                             bool negate, const RowSet& rows);

// The fallible kernel loops live in kernel_util.h; arithmetic names them here.
using kernels::MapBinaryFallible;
using kernels::MapUnaryFallible;

}  // namespace weir::arith
