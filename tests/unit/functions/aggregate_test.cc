// Aggregate functions: results and types as in Spark 3.5's SQL reference, and the
// init / update / merge / finalize / serialize contract that partial aggregation and
// streaming state depend on.

#include "weir/functions/aggregate.h"

#include <cmath>
#include <memory>

#include <gtest/gtest.h>

#include "weir/types/builder.h"

#include "tests/unit/functions/aggregate_test_util.h"

namespace weir {
namespace {

using testing::Input;
using testing::States;

Value I(int32_t v) { return Value::Int32(v); }
Value L(int64_t v) { return Value::Int64(v); }
Value D(double v) { return Value::Double(v); }
Value S(std::string v) { return Value::String(std::move(v)); }

// The engine's paths (global, merged partials, serialized partials) must agree;
// first/last/any_value depend on row order, so only their global result is checked.
Result<Value> Aggregate(std::string_view name, const std::vector<Input>& inputs,
                        const EvalOptions& options = {}, bool distinct = false) {
  testing::Check check;
  check.order_sensitive = name == "first" || name == "last" || name == "any_value";
  return testing::Aggregate(name, inputs, {}, check, options, distinct);
}

TEST(AggregateTest, Count) {
  Input x{DataType::Int32(), {I(1), Value::Null(DataType::Int32()), I(3)}};
  // Spark docs: `SELECT count(*) FROM VALUES (NULL), (5), (5), (20)` -> 4; count(col) -> 3.
  EXPECT_EQ(L(3), *Aggregate("count", {}));
  EXPECT_EQ(L(2), *Aggregate("count", {x}));
  Input y{DataType::String(), {S("a"), S("b"), Value::Null(DataType::String())}};
  EXPECT_EQ(L(1), *Aggregate("count", {x, y}));
  Input p{DataType::Boolean(),
          {Value::Boolean(true), Value::Null(DataType::Boolean()), Value::Boolean(false)}};
  EXPECT_EQ(L(1), *Aggregate("count_if", {p}));
}

TEST(AggregateTest, SumAndAvgTypes) {
  Input ints{DataType::Int32(), {I(10), I(20), Value::Null(DataType::Int32()), I(30)}};
  // Spark docs: `SELECT sum(col) FROM VALUES (5), (10), (15)` -> 30 (BIGINT).
  EXPECT_EQ(L(60), *Aggregate("sum", {ints}));
  // `SELECT avg(col) FROM VALUES (1), (2), (3)` -> 2.0 (DOUBLE).
  EXPECT_EQ(D(20.0), *Aggregate("avg", {ints}));
  EXPECT_EQ(D(20.0), *Aggregate("mean", {ints}));
  Input dbl{DataType::Double(), {D(0.5), D(0.25)}};
  EXPECT_EQ(D(0.75), *Aggregate("sum", {dbl}));
  Input none{DataType::Int64(), {Value::Null(DataType::Int64()), Value::Null(DataType::Int64())}};
  // `SELECT sum(col) FROM VALUES (NULL), (NULL)` -> NULL.
  EXPECT_TRUE(Aggregate("sum", {none})->is_null());
  EXPECT_TRUE(Aggregate("avg", {none})->is_null());
}

TEST(AggregateTest, IntegralSumWrapsLikeSparkNonAnsi) {
  Input big{DataType::Int64(), {L(INT64_MAX), L(1)}};
  EXPECT_EQ(L(INT64_MIN), *Aggregate("sum", {big}));
}

TEST(AggregateTest, DecimalSumAndAvg) {
  DataType d52 = DataType::DecimalUnchecked(5, 2);
  Input dec{d52, {Value::Decimal(125, 5, 2), Value::Decimal(250, 5, 2), Value::Decimal(1, 5, 2)}};
  // sum(DECIMAL(5,2)) -> DECIMAL(15,2); avg -> DECIMAL(9,6).
  Value sum = *Aggregate("sum", {dec});
  EXPECT_EQ(DataType::DecimalUnchecked(15, 2), sum.type());
  EXPECT_EQ("3.76", sum.ToString());
  Value avg = *Aggregate("avg", {dec});
  EXPECT_EQ(DataType::DecimalUnchecked(9, 6), avg.type());
  EXPECT_EQ("1.253333", avg.ToString());
  // 2/3 rounds HALF_UP: (1.00 + 1.00 + 0.00) / 3 -> 0.666667.
  Input thirds{d52,
               {Value::Decimal(100, 5, 2), Value::Decimal(100, 5, 2), Value::Decimal(0, 5, 2)}};
  EXPECT_EQ("0.666667", Aggregate("avg", {thirds})->ToString());
}

TEST(AggregateTest, DecimalSumOverflowIsNullOrAnsiError) {
  DataType d38 = DataType::DecimalUnchecked(38, 0);
  Int128 big = PowerOfTen(38) - 1;
  Input huge{d38, {Value::Decimal(big, 38, 0), Value::Decimal(big, 38, 0)}};
  EXPECT_TRUE(Aggregate("sum", {huge})->is_null());
  EvalOptions ansi;
  ansi.ansi = true;
  Result<Value> r = Aggregate("sum", {huge}, ansi);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("ARITHMETIC_OVERFLOW"));
}

TEST(AggregateTest, MinMax) {
  Input ints{DataType::Int32(), {I(10), Value::Null(DataType::Int32()), I(-1), I(50)}};
  // Spark docs: `SELECT max(col) FROM VALUES (10), (50), (20)` -> 50.
  EXPECT_EQ(I(-1), *Aggregate("min", {ints}));
  EXPECT_EQ(I(50), *Aggregate("max", {ints}));
  Input strs{
      DataType::String(),
      {S("pear"), S("apple and more than twelve"), S("zebra"), Value::Null(DataType::String())}};
  EXPECT_EQ(S("apple and more than twelve"), *Aggregate("min", {strs}));
  EXPECT_EQ(S("zebra"), *Aggregate("max", {strs}));
  double nan = std::nan("");
  Input dbl{DataType::Double(), {D(1.0), D(nan), D(-5.0)}};
  // NaN is the largest double in Spark's ordering.
  EXPECT_TRUE(std::isnan(Aggregate("max", {dbl})->float64()));
  EXPECT_EQ(D(-5.0), *Aggregate("min", {dbl}));
  Input empty{DataType::Int32(), {Value::Null(DataType::Int32())}};
  EXPECT_TRUE(Aggregate("max", {empty})->is_null());
}

TEST(AggregateTest, FirstLastAndAnyValue) {
  Input x{DataType::Int32(),
          {Value::Null(DataType::Int32()), I(5), I(20), Value::Null(DataType::Int32())}};
  // Spark docs: `SELECT first(col) FROM VALUES (10), (5), (20)` -> 10;
  // `SELECT first(col, true) FROM VALUES (NULL), (5), (20)` -> 5.
  EXPECT_TRUE(Aggregate("first", {x})->is_null());
  Input t{DataType::Boolean(),
          {Value::Boolean(true), Value::Boolean(true), Value::Boolean(true), Value::Boolean(true)}};
  (void)t;
  std::vector<ExprPtr> args = {ColumnRef(0, "x", DataType::Int32()), Literal(Value::Boolean(true))};
  Result<AggregateCall> call = ResolveAggregate("first", args);
  ASSERT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(1u, call->args.size());
  EXPECT_TRUE(Aggregate("last", {x})->is_null());
  EXPECT_TRUE(Aggregate("any_value", {x})->is_null());
  Input y{DataType::String(), {S("a"), S("b"), S("c")}};
  EXPECT_EQ(S("a"), *Aggregate("first", {y}));
  EXPECT_EQ(S("c"), *Aggregate("last", {y}));
}

TEST(AggregateTest, BoolAndOr) {
  Input p{DataType::Boolean(),
          {Value::Boolean(true), Value::Null(DataType::Boolean()), Value::Boolean(false)}};
  // Spark docs: `SELECT bool_and(col) FROM VALUES (true), (false), (true)` -> false.
  EXPECT_EQ(Value::Boolean(false), *Aggregate("bool_and", {p}));
  EXPECT_EQ(Value::Boolean(true), *Aggregate("bool_or", {p}));
  EXPECT_EQ(Value::Boolean(false), *Aggregate("every", {p}));
  EXPECT_EQ(Value::Boolean(true), *Aggregate("some", {p}));
  Input n{DataType::Boolean(), {Value::Null(DataType::Boolean())}};
  EXPECT_TRUE(Aggregate("bool_or", {n})->is_null());
}

TEST(AggregateTest, DistinctAggregatesSeeEachTupleOnce) {
  Value n = Value::Null(DataType::Int32());
  Input x{DataType::Int32(), {I(1), I(2), I(1), n, I(2), I(3), n}};
  // Spark docs: `SELECT count(DISTINCT col) FROM VALUES (NULL), (5), (5), (10)` -> 2.
  EXPECT_EQ(L(3), *Aggregate("count", {x}, {}, true));
  EXPECT_EQ(L(6), *Aggregate("sum", {x}, {}, true));
  EXPECT_EQ(D(2.0), *Aggregate("avg", {x}, {}, true));
  // count(DISTINCT a, b): tuples with a NULL are not counted.
  Input y{DataType::String(), {S("a"), S("a"), S("a"), S("a"), S("b"), S("b"), S("c")}};
  EXPECT_EQ(L(4), *Aggregate("count", {x, y}, {}, true));  // (1,a) (2,a) (2,b) (3,b)
  DataType d = DataType::DecimalUnchecked(5, 2);
  Input dec{d, {Value::Decimal(150, 5, 2), Value::Decimal(150, 5, 2), Value::Decimal(25, 5, 2)}};
  EXPECT_EQ("1.75", Aggregate("sum", {dec}, {}, true)->ToString());
  Input none{DataType::Int32(), {n, n}};
  EXPECT_EQ(L(0), *Aggregate("count", {none}, {}, true));
  EXPECT_TRUE(Aggregate("sum", {none}, {}, true)->is_null());
  Result<AggregateCall> call =
      ResolveAggregate("count", {ColumnRef(0, "x", DataType::Int32())}, true);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ("count(DISTINCT x)", call->ToString());
}

TEST(AggregateTest, DistinctStateRejectsBadBytes) {
  Result<AggregateCall> call =
      ResolveAggregate("count", {ColumnRef(0, "x", DataType::Int32())}, true);
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  States st(fn, 1);
  EXPECT_TRUE(fn.Deserialize("", st.at(0)).IsCorruption());
  EXPECT_TRUE(fn.Deserialize(std::string("\x05", 1), st.at(0)).IsCorruption());  // count > bytes
  EXPECT_TRUE(
      fn.Deserialize(std::string("\x01\x02\x01\x00", 4), st.at(0)).IsCorruption());  // short INT
  EXPECT_TRUE(fn.Deserialize(std::string("\x01\x01\x07", 3), st.at(0)).IsCorruption());  // bad flag
  EXPECT_TRUE(fn.Deserialize(std::string("\x01\x01\x00", 3), st.at(0)).ok());            // {NULL}
  EXPECT_TRUE(fn.Deserialize(std::string("\x00", 1), st.at(0)).ok());
  uint64_t x = 99;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes;
    for (uint64_t k = (x = x * 6364136223846793005ULL + 1) >> 60; k > 0; --k) {
      x = x * 6364136223846793005ULL + 1;
      bytes.push_back(static_cast<char>(x >> 56));
    }
    (void)fn.Deserialize(bytes, st.at(0));  // must not crash
  }
}

TEST(AggregateTest, ResolutionErrors) {
  Result<AggregateCall> unknown = ResolveAggregate("summ", {ColumnRef(0, "x", DataType::Int32())});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(StatusCode::kInvalidSql, unknown.status().code());
  EXPECT_NE(std::string::npos, unknown.status().hint().find("sum"));
  Result<AggregateCall> bad = ResolveAggregate("sum", {ColumnRef(0, "b", DataType::Boolean())});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(std::string::npos, bad.status().message().find("DATATYPE_MISMATCH"));
  Result<AggregateCall> arity = ResolveAggregate("avg", {});
  ASSERT_FALSE(arity.ok());
  EXPECT_NE(std::string::npos, arity.status().message().find("WRONG_NUM_ARGS"));
  EXPECT_TRUE(IsAggregateFunction("COUNT"));
  EXPECT_FALSE(IsAggregateFunction("upper"));
}

TEST(AggregateTest, DeserializeRejectsBadBytes) {
  Result<AggregateCall> call = ResolveAggregate("max", {ColumnRef(0, "s", DataType::String())});
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  States st(fn, 1);
  EXPECT_TRUE(fn.Deserialize("", st.at(0)).IsCorruption());
  EXPECT_TRUE(fn.Deserialize(std::string("\x07\x00", 2), st.at(0)).IsCorruption());
  EXPECT_TRUE(fn.Deserialize(std::string("\x01\x00hello", 7), st.at(0)).ok());
  Result<AggregateCall> sum = ResolveAggregate("sum", {ColumnRef(0, "x", DataType::Int64())});
  States s2(*sum->function, 1);
  EXPECT_TRUE(sum->function->Deserialize("short", s2.at(0)).IsCorruption());
}

}  // namespace
}  // namespace weir
