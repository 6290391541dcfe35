// DECIMAL(p, s) values: a 128-bit two's-complement unscaled integer `u` that means
// u * 10^-s. Every precision up to 38 uses the same 16-byte representation.
//
// Thread-safety: free functions over values; no shared state.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "weir/common/result.h"

namespace weir {

using Int128 = __int128;

// 10^n for 0 <= n <= 38.
Int128 PowerOfTen(int n);

// True when |unscaled| < 10^precision.
bool DecimalFitsPrecision(Int128 unscaled, int precision);

// Decimal digits of a signed 128-bit integer, e.g. "-170141183460469231731687303715884105728".
std::string Int128ToString(Int128 value);

// The plain rendering of u * 10^-scale, with exactly `scale` fraction digits, as Java's
// BigDecimal.toPlainString does for Spark decimals: (1234, 2) -> "12.34",
// (-5, 3) -> "-0.005", (7, 0) -> "7".
std::string DecimalToString(Int128 unscaled, int scale);

// Java's BigDecimal.toString: plain as above while the adjusted exponent
// (digits - 1 - scale) is >= -6 (or the scale is 0), otherwise scientific:
// (1, 10) -> "1E-10", (123, 9) -> "1.23E-7", (0, 10) -> "0E-10".
void AppendJavaBigDecimal(Int128 unscaled, int scale, std::string* out);
void AppendDecimal(Int128 unscaled, int scale, std::string* out);

// Parses "[+-]digits[.digits][e[+-]digits]" into an unscaled value with `scale`
// fraction digits, rounding extra digits HALF_UP. Returns InvalidInput when the
// text is not a number or the value does not fit DECIMAL(precision, scale).
Result<Int128> ParseDecimal(std::string_view text, int precision, int scale);

}  // namespace weir
