// Comparison operators, with Spark 3.5's semantics (SQL reference, "Comparison
// operators" and the `=`/`<=>` function docs).

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "tests/unit/functions/arithmetic_test_util.h"
#include "tests/unit/functions/function_test_util.h"

namespace weir {
namespace {

using testing::EvalColumns;
using testing::EvalLiterals;

Value B(bool b) { return Value::Boolean(b); }
Value NullBool() { return Value::Null(DataType::Boolean()); }

TEST(ComparisonTest, IntegersAndNulls) {
  // Spark docs: `SELECT 2 = 2;` true, `SELECT 1 < 2;` true, `SELECT NULL = NULL;` NULL.
  EXPECT_EQ(B(true), *EvalLiterals("=", {Value::Int32(2), Value::Int32(2)}));
  EXPECT_EQ(B(true), *EvalLiterals("<", {Value::Int32(1), Value::Int32(2)}));
  EXPECT_EQ(B(false), *EvalLiterals(">", {Value::Int32(1), Value::Int32(2)}));
  EXPECT_EQ(B(true), *EvalLiterals("<=", {Value::Int32(2), Value::Int32(2)}));
  EXPECT_EQ(B(true), *EvalLiterals(">=", {Value::Int64(3), Value::Int32(2)}));
  EXPECT_EQ(B(true), *EvalLiterals("!=", {Value::Int32(1), Value::Int32(2)}));
  EXPECT_EQ(B(true), *EvalLiterals("<>", {Value::Int32(1), Value::Int32(2)}));
  EXPECT_EQ(B(true), *EvalLiterals("==", {Value::Int32(2), Value::Int32(2)}));
  EXPECT_EQ(NullBool(), *EvalLiterals("=", {Value(), Value()}));
  EXPECT_EQ(NullBool(), *EvalLiterals("<", {Value::Int32(1), Value::Null(DataType::Int32())}));
}

TEST(ComparisonTest, NullSafeEqual) {
  // Spark docs: `SELECT 2 <=> 2;` true, `SELECT true <=> NULL;` false,
  // `SELECT NULL <=> NULL;` true.
  EXPECT_EQ(B(true), *EvalLiterals("<=>", {Value::Int32(2), Value::Int32(2)}));
  EXPECT_EQ(B(false), *EvalLiterals("<=>", {Value::Boolean(true), Value()}));
  EXPECT_EQ(B(true), *EvalLiterals("<=>", {Value(), Value()}));
  auto r = EvalColumns(
      "<=>",
      {{DataType::Int32(),
        {Value::Int32(1), Value::Null(DataType::Int32()), Value::Null(DataType::Int32()),
         Value::Int32(4)}},
       {DataType::Int32(),
        {Value::Int32(1), Value::Int32(2), Value::Null(DataType::Int32()), Value::Int32(5)}}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((std::vector<Value>{B(true), B(false), B(true), B(false)}), *r);
}

TEST(ComparisonTest, DoublesOrderNaNLast) {
  // Spark's SQLOrderingUtil: NaN = NaN is true and NaN is greater than any number;
  // -0.0 = 0.0.
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(B(true), *EvalLiterals("=", {Value::Double(nan), Value::Double(nan)}));
  EXPECT_EQ(B(true), *EvalLiterals(">", {Value::Double(nan), Value::Double(1e308)}));
  EXPECT_EQ(B(false), *EvalLiterals("<", {Value::Double(nan), Value::Double(INFINITY)}));
  EXPECT_EQ(B(true), *EvalLiterals("=", {Value::Double(-0.0), Value::Double(0.0)}));
}

TEST(ComparisonTest, MixedNumericTypesWiden) {
  EXPECT_EQ(B(true), *EvalLiterals("=", {Value::Int32(1), Value::Double(1.0)}));
  EXPECT_EQ(B(true), *EvalLiterals("<", {Value::Int32(2147483647), Value::Int64(2147483648LL)}));
  // DECIMAL(3,2) 1.50 vs DECIMAL(2,1) 1.5: compared at the wider scale.
  EXPECT_EQ(B(true), *EvalLiterals("=", {Value::Decimal(150, 3, 2), Value::Decimal(15, 2, 1)}));
  EXPECT_EQ(B(true), *EvalLiterals(">", {Value::Decimal(151, 3, 2), Value::Int32(1)}));
}

TEST(ComparisonTest, StringsCompareBytes) {
  EXPECT_EQ(B(true), *EvalLiterals("<", {Value::String("abc"), Value::String("abd")}));
  EXPECT_EQ(B(true), *EvalLiterals("<", {Value::String("ab"), Value::String("abc")}));
  EXPECT_EQ(B(true), *EvalLiterals("<", {Value::String("Z"), Value::String("a")}));
  // UTF-8 bytes: 'é' (C3 A9) sorts after 'z'.
  EXPECT_EQ(B(true), *EvalLiterals(">", {Value::String("\xC3\xA9"), Value::String("z")}));
  std::string long_a(100, 'a'), long_b = std::string(99, 'a') + "b";
  EXPECT_EQ(B(true), *EvalLiterals("<", {Value::String(long_a), Value::String(long_b)}));
  EXPECT_EQ(B(false), *EvalLiterals("=", {Value::String(long_a), Value::String(long_b)}));
}

TEST(ComparisonTest, DatesTimestampsAndArrays) {
  Value d = Value::Date(static_cast<int32_t>(DaysFromCivil(2024, 3, 1)));
  Value ts = Value::Timestamp(TimestampFromCivilUtc(2024, 3, 1, 0, 0, 0));
  // DATE vs TIMESTAMP compares as TIMESTAMP (Spark: TimeStamp('2017-03-01 00:00:00') eq
  // Date('2017-03-01') = true).
  EXPECT_EQ(B(true), *EvalLiterals("=", {d, ts}));
  Value a1 = Value::Array(DataType::Int32(), {Value::Int32(1), Value::Int32(2)});
  Value a2 = Value::Array(DataType::Int32(), {Value::Int32(1), Value::Int32(3)});
  Value a3 = Value::Array(DataType::Int32(), {Value::Int32(1)});
  EXPECT_EQ(B(true), *EvalLiterals("<", {a1, a2}));
  EXPECT_EQ(B(true), *EvalLiterals(">", {a1, a3}));
  EXPECT_EQ(B(true), *EvalLiterals("=", {a1, a1}));
}

TEST(ComparisonTest, ColumnsWithNullsAndSelections) {
  std::vector<Value> left, right, expected;
  for (int i = 0; i < 200; ++i) {
    bool lnull = i % 7 == 0, rnull = i % 11 == 0;
    left.push_back(lnull ? Value::Null(DataType::Int64()) : Value::Int64(i));
    right.push_back(rnull ? Value::Null(DataType::Int64()) : Value::Int64(100));
    expected.push_back(lnull || rnull ? NullBool() : B(i < 100));
  }
  auto r = EvalColumns("<", {{DataType::Int64(), left}, {DataType::Int64(), right}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(expected, *r);
}

// A BIGINT or INT column against a constant over every row has its own loop (vector
// compares where the CPU has them); every operator must agree with the row-by-row
// answer, NULLs included, at the extremes of the type.
TEST(ComparisonTest, ColumnAgainstConstant) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> values = {kMin, kMin + 1, -123, -1, 0, 1, 122, 123, 124, kMax - 1, kMax};
  for (int64_t i = 0; i < 100; ++i) values.push_back(i * 37 - 1000);
  const std::pair<const char*, bool (*)(int64_t, int64_t)> ops[] = {
      {"=", [](int64_t x, int64_t y) { return x == y; }},
      {"!=", [](int64_t x, int64_t y) { return x != y; }},
      {"<", [](int64_t x, int64_t y) { return x < y; }},
      {"<=", [](int64_t x, int64_t y) { return x <= y; }},
      {">", [](int64_t x, int64_t y) { return x > y; }},
      {">=", [](int64_t x, int64_t y) { return x >= y; }}};
  for (bool ints : {false, true}) {
    const DataType type = ints ? DataType::Int32() : DataType::Int64();
    auto value = [&](int64_t v) {
      return ints ? Value::Int32(static_cast<int32_t>(v)) : Value::Int64(v);
    };
    std::vector<Value> column;
    for (size_t i = 0; i < values.size(); ++i) {
      column.push_back(i % 9 == 4 ? Value::Null(type) : value(values[i]));
    }
    for (int64_t c : {kMin, int64_t{-1}, int64_t{0}, int64_t{123}, kMax}) {
      for (const auto& [name, fn] : ops) {
        std::vector<Value> want;
        for (size_t i = 0; i < values.size(); ++i) {
          const int64_t x = ints ? static_cast<int32_t>(values[i]) : values[i];
          const int64_t y = ints ? static_cast<int32_t>(c) : c;
          want.push_back(i % 9 == 4 ? NullBool() : B(fn(x, y)));
        }
        auto r = testing::EvalMixed(name, {testing::Col(type, column), testing::Lit(value(c))});
        ASSERT_TRUE(r.ok()) << r.status();
        EXPECT_EQ(want, *r) << type << " " << name << " " << c;
      }
      // A NULL constant makes every row NULL.
      auto r =
          testing::EvalMixed("=", {testing::Col(type, column), testing::Lit(Value::Null(type))});
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(std::vector<Value>(values.size(), NullBool()), *r);
    }
  }
}

// `expr` over one column x (index 0) holding `values` (EvalCallOverRows).
Result<std::vector<Value>> EvalOverColumn(const ExprPtr& expr, const DataType& type,
                                          const std::vector<Value>& values,
                                          const EvalOptions& options = {}) {
  auto b = MakeBuilder(type);
  for (const Value& v : values) RETURN_NOT_OK(b->AppendValue(v));
  ASSIGN_OR_RAISE(Batch batch, Batch::Make(MakeSchema({{"x", type, true}}), {b->Finish()}));
  return testing::EvalCallOverRows(expr, batch, options);
}

// `x % d = k` and `x % d <> k` resolve to one call that skips the remainder column when
// d and k are constants and every x is a small non-negative integer; every other
// column (negative or large dividends, NULLs, a zero or NULL divisor, a subset of
// rows) must give what the two calls give: Java's % (the dividend's sign), then the
// comparison.
TEST(ComparisonTest, RemainderComparedWithConstantIsOneCall) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> small;  // the one-pass case: every value in [0, 2^31)
  for (int64_t i = 0; i < 5000; ++i) small.push_back((i * 7919) % 2147483647);
  small.push_back(2147483646);
  std::vector<int64_t> mixed = small;  // a negative and a large value: the two calls
  mixed.push_back(-246);
  mixed.push_back(kMin);
  mixed.push_back(kMax);
  mixed.push_back(int64_t{1} << 31);
  auto java_rem = [](int64_t x, int64_t d) { return d == -1 ? 0 : x % d; };
  for (bool ints : {false, true}) {
    const DataType type = ints ? DataType::Int32() : DataType::Int64();
    auto value = [&](int64_t v) {
      return ints ? Value::Int32(static_cast<int32_t>(v)) : Value::Int64(v);
    };
    for (const std::vector<int64_t>* values : {&small, &mixed}) {
      for (bool nulls : {false, true}) {
        std::vector<Value> column;
        for (size_t i = 0; i < values->size(); ++i) {
          column.push_back(nulls && i % 9 == 4 ? Value::Null(type) : value((*values)[i]));
        }
        for (int64_t d : {int64_t{123}, int64_t{-7}, int64_t{2}, int64_t{1}, int64_t{0}}) {
          for (int64_t k : {int64_t{0}, int64_t{3}, int64_t{-3}, int64_t{200}}) {
            for (const char* op : {"=", "!="}) {
              std::vector<ExprPtr> rem_args = {ColumnRef(0, "x", type), Literal(value(d))};
              auto rem = FunctionRegistry::Builtins().Resolve("%", std::move(rem_args), {});
              ASSERT_TRUE(rem.ok()) << rem.status();
              auto cmp = FunctionRegistry::Builtins().Resolve(op, {*rem, Literal(value(k))}, {});
              ASSERT_TRUE(cmp.ok()) << cmp.status();
              // One call of (x, d, k), printed as the two calls print.
              EXPECT_EQ(3U, (*cmp)->children().size());
              EXPECT_EQ(
                  "((x % " + value(d).ToString() + ") " + op + " " + value(k).ToString() + ")",
                  (*cmp)->ToString());
              std::vector<Value> want;
              for (size_t i = 0; i < values->size(); ++i) {
                if (column[i].is_null() || d == 0) {
                  want.push_back(NullBool());
                  continue;
                }
                const int64_t x = ints ? static_cast<int32_t>((*values)[i]) : (*values)[i];
                const int64_t r = ints ? static_cast<int32_t>(java_rem(x, d)) : java_rem(x, d);
                want.push_back(B((r == k) == (op[0] == '=')));
              }
              auto got = EvalOverColumn(*cmp, type, column);
              ASSERT_TRUE(got.ok()) << got.status();
              EXPECT_EQ(want, *got) << type << " " << op << " d=" << d << " k=" << k;
            }
          }
        }
      }
    }
  }
  // A NULL divisor or right side: every row NULL. Under ANSI a zero divisor is an error.
  const std::vector<Value> column = {Value::Int64(1), Value::Int64(6)};
  for (const auto& [d, k] : {std::pair(Value::Null(DataType::Int64()), Value::Int64(0)),
                             std::pair(Value::Int64(5), Value::Null(DataType::Int64()))}) {
    std::vector<ExprPtr> rem_args = {ColumnRef(0, "x", DataType::Int64()), Literal(d)};
    auto rem = FunctionRegistry::Builtins().Resolve("%", std::move(rem_args), {});
    ASSERT_TRUE(rem.ok()) << rem.status();
    auto cmp = FunctionRegistry::Builtins().Resolve("=", {*rem, Literal(k)}, {});
    ASSERT_TRUE(cmp.ok()) << cmp.status();
    auto got = EvalOverColumn(*cmp, DataType::Int64(), column);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ((std::vector<Value>{NullBool(), NullBool()}), *got);
  }
  ResolveOptions ansi;
  ansi.ansi = true;
  std::vector<ExprPtr> rem_args = {ColumnRef(0, "x", DataType::Int64()), Literal(Value::Int64(0))};
  auto rem = FunctionRegistry::Builtins().Resolve("%", std::move(rem_args), ansi);
  ASSERT_TRUE(rem.ok()) << rem.status();
  auto cmp = FunctionRegistry::Builtins().Resolve("=", {*rem, Literal(Value::Int64(0))}, ansi);
  ASSERT_TRUE(cmp.ok()) << cmp.status();
  EvalOptions eval;
  eval.ansi = true;
  auto got = EvalOverColumn(*cmp, DataType::Int64(), std::vector<Value>{Value::Int64(1)}, eval);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(std::string::npos, got.status().message().find("DIVIDE_BY_ZERO"));
}

TEST(ComparisonTest, TypeMismatchIsAnSqlError) {
  // Spark: [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] for incompatible operands.
  auto r = EvalLiterals("=", {Value::Int32(1), Value::Array(DataType::Int32(), {})});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES"));
  EXPECT_NE(std::string::npos, r.status().message().find("\"INT\" and \"ARRAY<INT>\""));
  Value m = Value::Map(DataType::String(), DataType::Int32(), {});
  auto rm = EvalLiterals("=", {m, m});
  ASSERT_FALSE(rm.ok());
  EXPECT_NE(std::string::npos, rm.status().message().find("INVALID_ORDERING_TYPE"));
}

TEST(RegistryTest, UnknownFunctionSuggestsAName) {
  auto r = FunctionRegistry::Builtins().Resolve(
      "<==", {Literal(Value::Int32(1)), Literal(Value::Int32(1))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, r.status().code());
  EXPECT_NE(std::string::npos, r.status().message().find("UNRESOLVED_ROUTINE"));
  EXPECT_NE(std::string::npos, r.status().hint().find("did you mean"));
}

TEST(RegistryTest, WrongArgumentCount) {
  auto r = FunctionRegistry::Builtins().Resolve("=", {Literal(Value::Int32(1))});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("WRONG_NUM_ARGS"));
  EXPECT_NE(std::string::npos, r.status().message().find("requires 2 parameters"));
}

}  // namespace
}  // namespace weir
