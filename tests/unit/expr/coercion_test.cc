// Spark 3.5's implicit coercion rules (TypeCoercion, DecimalPrecision).

#include "weir/expr/coercion.h"

#include <gtest/gtest.h>

namespace weir {
namespace {

DataType Dec(int p, int s) { return DataType::DecimalUnchecked(p, s); }

TEST(CoercionTest, AdjustPrecisionScaleKeepsIntegralDigits) {
  // DecimalType.adjustPrecisionScale: unchanged up to 38 digits.
  EXPECT_EQ(Dec(24, 3), AdjustDecimalPrecisionScale(24, 3));
  // DECIMAL(38,18) * DECIMAL(38,18): precision 77, scale 36 -> DECIMAL(38,6).
  EXPECT_EQ(Dec(38, 6), AdjustDecimalPrecisionScale(77, 36));
  // Scale below the minimum adjusted scale is kept: (40, 2) -> (38, 2).
  EXPECT_EQ(Dec(38, 2), AdjustDecimalPrecisionScale(40, 2));
  // Enough room for more fraction digits: (40, 10) -> intDigits 30 -> (38, 8).
  EXPECT_EQ(Dec(38, 8), AdjustDecimalPrecisionScale(40, 10));
}

TEST(CoercionTest, DecimalArithmeticResultTypes) {
  // Spark docs (DecimalPrecision): e1 + e2 -> max(s1, s2) + max(p1-s1, p2-s2) + 1.
  EXPECT_EQ(Dec(11, 2), DecimalArithmeticResultType(ArithmeticOp::kAdd, 10, 2, 5, 1));
  EXPECT_EQ(Dec(11, 2), DecimalArithmeticResultType(ArithmeticOp::kSubtract, 10, 2, 5, 1));
  // e1 * e2 -> p1 + p2 + 1, s1 + s2. `0.908 * price` (price BIGINT = DECIMAL(20,0)):
  EXPECT_EQ(Dec(24, 3), DecimalArithmeticResultType(ArithmeticOp::kMultiply, 3, 3, 20, 0));
  // e1 / e2 -> scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale.
  EXPECT_EQ(Dec(10, 6), DecimalArithmeticResultType(ArithmeticOp::kDivide, 5, 2, 3, 1));
  EXPECT_EQ(Dec(38, 6), DecimalArithmeticResultType(ArithmeticOp::kDivide, 38, 18, 38, 18));
  // e1 % e2 -> min(p1-s1, p2-s2) + max(s1, s2), max(s1, s2).
  EXPECT_EQ(Dec(3, 2), DecimalArithmeticResultType(ArithmeticOp::kRemainder, 2, 1, 3, 2));
  EXPECT_EQ(Dec(3, 2), DecimalArithmeticResultType(ArithmeticOp::kPmod, 2, 1, 3, 2));
}

TEST(CoercionTest, DecimalForIntegralsAndLiterals) {
  EXPECT_EQ(Dec(10, 0), DecimalForType(DataType::Int32()));
  EXPECT_EQ(Dec(20, 0), DecimalForType(DataType::Int64()));
  EXPECT_EQ(Dec(7, 2), DecimalForType(Dec(7, 2)));
  // DecimalType.fromLiteral: only the digits the literal needs.
  EXPECT_EQ(Dec(1, 0), DecimalForLiteral(2));
  EXPECT_EQ(Dec(1, 0), DecimalForLiteral(0));
  EXPECT_EQ(Dec(4, 0), DecimalForLiteral(-1234));
  EXPECT_EQ(Dec(19, 0), DecimalForLiteral(INT64_MIN));
}

TEST(CoercionTest, TightestCommonType) {
  EXPECT_EQ(DataType::Int64(), *TightestCommonType(DataType::Int32(), DataType::Int64()));
  EXPECT_EQ(DataType::Double(), *TightestCommonType(DataType::Int64(), DataType::Double()));
  EXPECT_EQ(DataType::String(), *TightestCommonType(DataType::Null(), DataType::String()));
  EXPECT_EQ(DataType::Timestamp(), *TightestCommonType(DataType::Date(), DataType::Timestamp()));
  EXPECT_FALSE(TightestCommonType(DataType::Int32(), DataType::String()).has_value());
  EXPECT_FALSE(TightestCommonType(Dec(5, 2), DataType::Int32()).has_value());
}

TEST(CoercionTest, WiderTypeHandlesDecimalsStringsAndNesting) {
  // widerDecimalType: INT is DECIMAL(10,0); with DECIMAL(5,2) -> DECIMAL(12,2).
  EXPECT_EQ(Dec(12, 2), *WiderType(Dec(5, 2), DataType::Int32()));
  EXPECT_EQ(Dec(22, 2), *WiderType(DataType::Int64(), Dec(5, 2)));
  EXPECT_EQ(DataType::Double(), *WiderType(Dec(5, 2), DataType::Double()));
  EXPECT_EQ(DataType::String(), *WiderType(DataType::String(), DataType::Int32()));
  EXPECT_EQ(DataType::String(), *WiderType(DataType::Date(), DataType::String()));
  EXPECT_FALSE(WiderType(DataType::String(), DataType::Boolean()).has_value());
  EXPECT_FALSE(WiderType(DataType::Binary(), DataType::String()).has_value());
  EXPECT_EQ(DataType::Array(DataType::Int64()),
            *WiderType(DataType::Array(DataType::Int32()), DataType::Array(DataType::Int64())));
  DataType s1 = DataType::Struct({{"a", DataType::Int32(), true}});
  DataType s2 = DataType::Struct({{"A", DataType::Double(), true}});
  EXPECT_EQ(DataType::Struct({{"a", DataType::Double(), true}}), *WiderType(s1, s2));
  DataType s3 = DataType::Struct({{"b", DataType::Int32(), true}});
  EXPECT_FALSE(WiderType(s1, s3).has_value());
}

TEST(CoercionTest, ComparisonPromotesStringsToTheOtherSide) {
  // findCommonTypeForBinaryComparison.
  EXPECT_EQ(DataType::Int32(), *CommonTypeForComparison(DataType::String(), DataType::Int32()));
  EXPECT_EQ(DataType::Double(), *CommonTypeForComparison(Dec(5, 2), DataType::String()));
  EXPECT_EQ(DataType::Date(), *CommonTypeForComparison(DataType::String(), DataType::Date()));
  EXPECT_EQ(DataType::Timestamp(),
            *CommonTypeForComparison(DataType::Timestamp(), DataType::String()));
  EXPECT_EQ(DataType::Boolean(), *CommonTypeForComparison(DataType::String(), DataType::Boolean()));
  EXPECT_EQ(DataType::String(), *CommonTypeForComparison(DataType::String(), DataType::Null()));
  EXPECT_EQ(Dec(12, 2), *CommonTypeForComparison(Dec(5, 2), DataType::Int32()));
  EXPECT_FALSE(CommonTypeForComparison(DataType::Boolean(), DataType::Int32()).has_value());
}

}  // namespace
}  // namespace weir
