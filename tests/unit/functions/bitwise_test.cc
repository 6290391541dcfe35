// Bitwise functions & | ^ ~, shiftleft, shiftright, shiftrightunsigned, bit_count,
// bit_get/getbit, and the aggregates bit_and, bit_or, bit_xor, with Spark 3.5's
// semantics. Cases cite the Spark SQL function docs ("docs: SELECT ...") or the Spark
// source they pin (bitwiseExpressions.scala, mathExpressions.scala ShiftLeft/...,
// bitwiseAggregates.scala, java.lang.Long.bitCount).

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

#include "tests/unit/functions/aggregate_test_util.h"
#include "tests/unit/functions/arithmetic_test_util.h"

namespace weir {
namespace {

using namespace weir::testing;  // NOLINT: test helpers

constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();

TEST(BitwiseTest, AndOrXorNot) {
  RunCases({
      {"docs: SELECT 3 & 5 -> 1", "&", {I(3), I(5)}, I(1)},
      {"docs: SELECT 3 | 5 -> 7", "|", {I(3), I(5)}, I(7)},
      {"docs: SELECT 3 ^ 5 -> 6", "^", {I(3), I(5)}, I(6)},
      {"docs: SELECT ~ 0 -> -1", "~", {I(0)}, I(-1)},
      {"BitwiseNot keeps BIGINT", "~", {L(5)}, L(-6)},
      {"~ of Int.MinValue", "~", {I(kIntMin)}, I(kIntMax)},
      {"INT with BIGINT widens to BIGINT", "&", {I(-1), L(0x100000000LL)}, L(0x100000000LL)},
      {"negative operands are two's complement", "|", {I(-8), I(3)}, I(-5)},
      {"xor of BIGINT", "^", {L(kLongMin), L(-1)}, L(std::numeric_limits<int64_t>::max())},
      {"NULL operand", "&", {NullInt(), I(1)}, NullInt()},
      {"NULL with BIGINT is BIGINT", "|", {L(1), NullOf(DataType::Null())}, NullLong()},
      {"~ NULL is INT", "~", {NullOf(DataType::Null())}, NullInt()},
  });
}

TEST(BitwiseTest, StringOperandsFollowPromoteStrings) {
  // PromoteStrings casts a STRING operand of a BinaryArithmetic to DOUBLE, which &
  // does not take; AnsiTypeCoercion makes it BIGINT next to an integral.
  EvalOptions off;
  Result<Value> r = EvalLiterals("&", {S("3"), I(5)}, off);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("BINARY_OP_DIFF_TYPES")) << r.status();
  EvalOptions ansi;
  ansi.ansi = true;
  r = EvalLiterals("&", {S("3"), I(5)}, ansi);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(L(1), *r);
}

TEST(BitwiseTest, NonIntegralOperandsAreErrors) {
  for (const char* fn : {"&", "|", "^"}) {
    SCOPED_TRACE(fn);
    Result<Value> r = EvalLiterals(fn, {D(1.0), D(2.0)});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(std::string::npos, r.status().message().find("BINARY_OP_WRONG_TYPE")) << r.status();
    EXPECT_NE(std::string::npos, r.status().message().find("\"INTEGRAL\"")) << r.status();
  }
  Result<Value> r = EvalLiterals("~", {Dec("1.5", 2, 1)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("UNEXPECTED_INPUT_TYPE")) << r.status();
  r = EvalLiterals("bit_count", {S("1")});
  ASSERT_FALSE(r.ok());
}

TEST(BitwiseTest, Shifts) {
  RunCases({
      {"docs: SELECT shiftleft(2, 1) -> 4", "shiftleft", {I(2), I(1)}, I(4)},
      {"docs: SELECT shiftright(4, 1) -> 2", "shiftright", {I(4), I(1)}, I(2)},
      {"docs: SELECT shiftrightunsigned(4, 1) -> 2", "shiftrightunsigned", {I(4), I(1)}, I(2)},
      {"Java's int << masks the count: 1 << 32 == 1", "shiftleft", {I(1), I(32)}, I(1)},
      {"1 << 31 is Int.MinValue", "shiftleft", {I(1), I(31)}, I(kIntMin)},
      {"BIGINT keeps BIGINT: 1L << 40", "shiftleft", {L(1), I(40)}, L(1LL << 40)},
      {"long << masks with 63: 1L << 64 == 1", "shiftleft", {L(1), I(64)}, L(1)},
      {"negative count: 1 << -1 == 1 << 31", "shiftleft", {I(1), I(-1)}, I(kIntMin)},
      {"arithmetic shift keeps the sign: -8 >> 1 == -4", "shiftright", {I(-8), I(1)}, I(-4)},
      {"-1 >>> 28 == 15 (INT)", "shiftrightunsigned", {I(-1), I(28)}, I(15)},
      {"-1L >>> 60 == 15 (BIGINT)", "shiftrightunsigned", {L(-1), I(60)}, L(15)},
      {"BIGINT count is cast to INT", "shiftleft", {I(1), L(3)}, I(8)},
      {"STRING base is cast to INT", "shiftleft", {S("3"), I(1)}, I(6)},
      {"NULL base is INT", "shiftright", {NullOf(DataType::Null()), I(1)}, NullInt()},
      {"NULL count", "shiftleft", {L(1), NullInt()}, NullLong()},
  });
}

TEST(BitwiseTest, BitCount) {
  RunCases({
      {"docs: SELECT bit_count(0) -> 0", "bit_count", {I(0)}, I(0)},
      {"bit_count(7) -> 3", "bit_count", {I(7)}, I(3)},
      {"Long.bitCount of an INT sign-extends: bit_count(-1) -> 64", "bit_count", {I(-1)}, I(64)},
      {"bit_count(-1L) -> 64", "bit_count", {L(-1)}, I(64)},
      {"bit_count(Long.MinValue) -> 1", "bit_count", {L(kLongMin)}, I(1)},
      {"bit_count(true) -> 1", "bit_count", {Value::Boolean(true)}, I(1)},
      {"bit_count(false) -> 0", "bit_count", {Value::Boolean(false)}, I(0)},
      {"NULL", "bit_count", {NullLong()}, NullInt()},
  });
}

TEST(BitwiseTest, BitGet) {
  RunCases({
      {"docs: SELECT bit_get(11, 0) -> 1", "bit_get", {I(11), I(0)}, I(1)},
      {"docs: SELECT bit_get(11, 2) -> 0", "bit_get", {I(11), I(2)}, I(0)},
      {"getbit is bit_get", "getbit", {I(11), I(3)}, I(1)},
      {"bit 31 of -1", "bit_get", {I(-1), I(31)}, I(1)},
      {"bit 63 of a BIGINT", "bit_get", {L(kLongMin), I(63)}, I(1)},
      {"NULL position", "bit_get", {I(1), NullInt()}, NullInt()},
  });
  // checkPosition fails in both modes.
  for (bool ansi : {false, true}) {
    EvalOptions options;
    options.ansi = ansi;
    Result<Value> r = EvalLiterals("bit_get", {I(1), I(32)}, options);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(std::string::npos,
              r.status().message().find("[INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE]"))
        << r.status();
    EXPECT_NE(std::string::npos, r.status().message().find("[0, 32), but got 32")) << r.status();
    r = EvalLiterals("getbit", {L(1), I(-1)}, options);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(std::string::npos, r.status().message().find("`getbit`")) << r.status();
    EXPECT_NE(std::string::npos, r.status().message().find("[0, 64), but got -1")) << r.status();
  }
}

TEST(BitwiseTest, OverColumns) {
  Result<std::vector<Value>> r =
      EvalColumns("&", {{DataType::Int64(), {L(12), NullLong(), L(-1), L(7)}},
                        {DataType::Int64(), {L(10), L(1), L(5), NullLong()}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{L(8), NullLong(), L(5), NullLong()}), *r);
  r = EvalColumns("shiftleft", {{DataType::Int32(), {I(1), I(3), NullInt(), I(-1)}},
                                {DataType::Int32(), {I(4), I(33), I(1), I(0)}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{I(16), I(6), NullInt(), I(-1)}), *r);
  r = EvalColumns("bit_get", {{DataType::Int32(), {I(5), I(5), NullInt(), I(4)}},
                              {DataType::Int32(), {I(0), I(1), I(99), I(2)}}});
  ASSERT_TRUE(r.ok()) << r.status();  // the NULL row's position is not checked
  EXPECT_EQ((std::vector<Value>{I(1), I(0), NullInt(), I(1)}), *r);
}

TEST(BitwiseTest, Aggregates) {
  Value n = NullInt();
  // Spark docs: bit_and(col) FROM VALUES (3), (5) -> 1; bit_or -> 7; bit_xor -> 6.
  Input x{DataType::Int32(), {I(3), n, I(5)}};
  EXPECT_EQ(I(1), *Aggregate("bit_and", {x}));
  EXPECT_EQ(I(7), *Aggregate("bit_or", {x}));
  EXPECT_EQ(I(6), *Aggregate("bit_xor", {x}));
  Input negative{DataType::Int32(), {I(-1), I(-2), I(-4)}};
  EXPECT_EQ(I(-4), *Aggregate("bit_and", {negative}));
  EXPECT_EQ(I(-1), *Aggregate("bit_or", {negative}));
  EXPECT_EQ(I(-3), *Aggregate("bit_xor", {negative}));
  Input longs{DataType::Int64(), {L(1LL << 40), L(3), L(1LL << 40)}};
  EXPECT_EQ(L(3), *Aggregate("bit_xor", {longs}));
  EXPECT_EQ(L((1LL << 40) | 3), *Aggregate("bit_or", {longs}));
  Input nulls{DataType::Int64(), {NullLong(), NullLong()}};
  EXPECT_TRUE(Aggregate("bit_and", {nulls})->is_null());
  EXPECT_TRUE(Aggregate("bit_xor", {nulls})->is_null());
  Input doubles{DataType::Double(), {D(1.0)}};
  Result<Value> r = Aggregate("bit_or", {doubles});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("\"INTEGRAL\"")) << r.status();
}

}  // namespace
}  // namespace weir
