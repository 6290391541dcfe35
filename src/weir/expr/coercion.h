// Spark's implicit type coercion (the non-ANSI TypeCoercion rules of Spark 3.5, with
// DecimalPrecision), used when the binder or the function library resolves a call.
//
// Numeric widening follows Spark's precedence INT < BIGINT < DECIMAL < DOUBLE:
// an integral meeting a DECIMAL becomes DECIMAL(10,0) (INT) or DECIMAL(20,0)
// (BIGINT) — or, for an integer literal, the smallest decimal that holds it — and a
// DECIMAL meeting a DOUBLE becomes DOUBLE.
//
// Thread-safety: free functions.

#pragma once

#include <cstdint>
#include <optional>

#include "weir/types/data_type.h"

namespace weir {

// Spark's MINIMUM_ADJUSTED_SCALE: the fraction digits a decimal result keeps at
// least when its precision must be cut to 38.
inline constexpr int kMinimumAdjustedScale = 6;

// DECIMAL(p, s) when p <= 38; otherwise DECIMAL(38, s') where s' keeps the integral
// digits and at least min(s, 6) fraction digits (DecimalType.adjustPrecisionScale,
// spark.sql.decimalOperations.allowPrecisionLoss = true).
DataType AdjustDecimalPrecisionScale(int precision, int scale);
// DECIMAL(min(p, 38), min(s, 38)) (DecimalType.bounded).
DataType BoundedDecimal(int precision, int scale);

// The decimal type an integral type widens to: INT -> DECIMAL(10,0),
// BIGINT -> DECIMAL(20,0); DECIMAL stays. REQUIRES: integral or decimal.
DataType DecimalForType(const DataType& type);
// The smallest decimal holding an integer literal: 7 -> DECIMAL(1,0),
// -1234 -> DECIMAL(4,0) (DecimalType.fromLiteral).
DataType DecimalForLiteral(int64_t value);

// The narrowest type both sides convert to without losing information, if any
// (TypeCoercion.findTightestCommonType): equal types; NULL with anything; INT/BIGINT
// /DOUBLE widening; DATE with TIMESTAMP -> TIMESTAMP. Decimals are handled by
// WiderType.
std::optional<DataType> TightestCommonType(const DataType& a, const DataType& b);

// findWiderTypeForTwo: tightest, else the wider decimal (DECIMAL with integral or
// DECIMAL), else DOUBLE for DECIMAL with DOUBLE, else STRING when one side is STRING
// and the other an atomic type other than BINARY and BOOLEAN; also element-wise for
// ARRAY, MAP and STRUCT.
std::optional<DataType> WiderType(const DataType& a, const DataType& b);

// The type both sides of a comparison are cast to (findCommonTypeForBinaryComparison
// and PromoteStrings): STRING vs a number -> the number's type (DOUBLE for DECIMAL),
// STRING vs DATE -> DATE, STRING vs TIMESTAMP -> TIMESTAMP, DATE vs TIMESTAMP ->
// TIMESTAMP, otherwise WiderType.
std::optional<DataType> CommonTypeForComparison(const DataType& a, const DataType& b);

enum class ArithmeticOp : uint8_t { kAdd, kSubtract, kMultiply, kDivide, kRemainder, kPmod };

// The result type of a DECIMAL arithmetic operation on DECIMAL(p1,s1) and
// DECIMAL(p2,s2), by Spark's DecimalPrecision rules.
DataType DecimalArithmeticResultType(ArithmeticOp op, int p1, int s1, int p2, int s2);

}  // namespace weir
