// stddev/variance, collect_list/collect_set, max_by/min_by, approx_count_distinct and
// percentile_approx: results as in Spark 3.5's SQL reference and source, and the
// init / update / merge / finalize / serialize contract (including corrupt states).
//
// Sources cited below: the @ExpressionDescription examples of
// CentralMomentAgg.scala, collect.scala, MaxByAndMinBy.scala, HyperLogLogPlusPlus.scala
// and ApproximatePercentile.scala (the "Examples" of the Spark SQL built-in function
// reference).

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>

#include <gtest/gtest.h>

#include "weir/functions/aggregate.h"
#include "weir/functions/ordering.h"
#include "weir/types/builder.h"

#include "tests/unit/functions/aggregate_test_util.h"

namespace weir {
namespace {

using testing::Aggregate;
using testing::Check;
using testing::Input;
using testing::States;

Value I(int32_t v) { return Value::Int32(v); }
Value L(int64_t v) { return Value::Int64(v); }
Value D(double v) { return Value::Double(v); }
Value S(std::string v) { return Value::String(std::move(v)); }
Value NullOf(DataType t) { return Value::Null(std::move(t)); }
Value IntArray(std::vector<int32_t> v) {
  std::vector<Value> e;
  for (int32_t x : v) e.push_back(I(x));
  return Value::Array(DataType::Int32(), std::move(e));
}

Input Ints(std::vector<int32_t> v) {
  Input in{DataType::Int32(), {}};
  for (int32_t x : v) in.values.push_back(I(x));
  return in;
}
Input Doubles(std::vector<double> v) {
  Input in{DataType::Double(), {}};
  for (double x : v) in.values.push_back(D(x));
  return in;
}
Input Strings(std::vector<std::string> v) {
  Input in{DataType::String(), {}};
  for (std::string& x : v) in.values.push_back(S(std::move(x)));
  return in;
}

const Check kStats{false, false, 1e-12};
const Check kCollect{false, true, 0.0};

// ---- stddev / variance (CentralMomentAgg.scala) --------------------------------------

TEST(StatsAggregateTest, SparkDocExamples) {
  Input x = Ints({1, 2, 3});
  // `SELECT stddev(col) FROM VALUES (1), (2), (3) AS tab(col)` -> 1.0, and likewise
  // for std, stddev_samp, variance and var_samp.
  EXPECT_EQ(D(1.0), *Aggregate("stddev", {x}, {}, kStats));
  EXPECT_EQ(D(1.0), *Aggregate("std", {x}, {}, kStats));
  EXPECT_EQ(D(1.0), *Aggregate("stddev_samp", {x}, {}, kStats));
  EXPECT_EQ(D(1.0), *Aggregate("variance", {x}, {}, kStats));
  EXPECT_EQ(D(1.0), *Aggregate("var_samp", {x}, {}, kStats));
  // stddev_pop -> 0.816496580927726; var_pop -> 0.6666666666666666.
  EXPECT_EQ(D(0.816496580927726), *Aggregate("stddev_pop", {x}, {}, kStats));
  EXPECT_EQ(D(0.6666666666666666), *Aggregate("var_pop", {x}, {}, kStats));
}

TEST(StatsAggregateTest, NullsAreSkipped) {
  Input x{DataType::Int64(),
          {L(1), NullOf(DataType::Int64()), L(2), L(3), NullOf(DataType::Int64())}};
  EXPECT_EQ(D(1.0), *Aggregate("stddev_samp", {x}, {}, kStats));
  EXPECT_EQ(D(0.6666666666666666), *Aggregate("var_pop", {x}, {}, kStats));
}

TEST(StatsAggregateTest, EmptyAndAllNullAreNull) {
  Input none{DataType::Double(), {NullOf(DataType::Double()), NullOf(DataType::Double())}};
  for (const char* f :
       {"stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "std"}) {
    EXPECT_TRUE(Aggregate(f, {none}, {}, kStats)->is_null()) << f;
    EXPECT_TRUE(Aggregate(f, {Input{DataType::Double(), {}}}, {}, kStats)->is_null()) << f;
  }
}

TEST(StatsAggregateTest, OneRowSampleIsNullPopulationIsZero) {
  // spark.sql.legacy.statisticalAggregate = false (the 3.5 default): divideByZero
  // gives NULL, not NaN.
  Input one = Doubles({42.5});
  EXPECT_TRUE(Aggregate("stddev_samp", {one}, {}, kStats)->is_null());
  EXPECT_TRUE(Aggregate("var_samp", {one}, {}, kStats)->is_null());
  EXPECT_EQ(D(0.0), *Aggregate("stddev_pop", {one}, {}, kStats));
  EXPECT_EQ(D(0.0), *Aggregate("var_pop", {one}, {}, kStats));
}

TEST(StatsAggregateTest, NaNPropagates) {
  Input x = Doubles({1.0, std::nan(""), 3.0});
  EXPECT_TRUE(std::isnan(Aggregate("stddev", {x}, {}, kStats)->float64()));
  EXPECT_TRUE(std::isnan(Aggregate("var_pop", {x}, {}, kStats)->float64()));
}

TEST(StatsAggregateTest, WelfordMatchesTwoPassOnLargeOffsets) {
  // 1e9 + {4, 7, 13, 16}: a naive sum-of-squares loses everything; Welford gives 30.
  Input x = Doubles({1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16});
  EXPECT_NEAR(30.0, Aggregate("var_samp", {x}, {}, kStats)->float64(), 1e-6);
  EXPECT_NEAR(22.5, Aggregate("var_pop", {x}, {}, kStats)->float64(), 1e-6);
}

TEST(StatsAggregateTest, DecimalAndStringInputsCastToDouble) {
  DataType d52 = DataType::DecimalUnchecked(5, 2);
  Input dec{d52, {Value::Decimal(100, 5, 2), Value::Decimal(200, 5, 2), Value::Decimal(300, 5, 2)}};
  EXPECT_EQ(D(1.0), *Aggregate("stddev", {dec}, {}, kStats));
  Input strs = Strings({"1", "2", "3", "x"});  // 'x' casts to NULL (non-ANSI)
  EXPECT_EQ(D(1.0), *Aggregate("variance", {strs}, {}, kStats));
}

TEST(StatsAggregateTest, RejectsNonNumericTypes) {
  Result<AggregateCall> r = ResolveAggregate("stddev", {ColumnRef(0, "b", DataType::Boolean())});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("DATATYPE_MISMATCH"));
  EXPECT_FALSE(ResolveAggregate("var_pop", {ColumnRef(0, "d", DataType::Date())}).ok());
}

TEST(StatsAggregateTest, MergeWithEmptyPartials) {
  Result<AggregateCall> call = ResolveAggregate("var_pop", {ColumnRef(0, "x", DataType::Double())});
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 2);
  ASSERT_TRUE(fn.Merge(ctx, st.at(0), st.at(1)).ok());  // 0 + 0 rows: deltaN guarded
  auto out = MakeBuilder(fn.result_type());
  const uint8_t* one[1] = {st.at(0)};
  ASSERT_TRUE(fn.Finalize(ctx, one, 1, out.get()).ok());
  EXPECT_TRUE(GetValue(*out->Finish(), 0).is_null());
}

// ---- collect_list / collect_set (collect.scala) ------------------------------------

TEST(CollectAggregateTest, SparkDocExamples) {
  Input x = Ints({1, 2, 1});
  // `SELECT collect_list(col) FROM VALUES (1), (2), (1) AS tab(col)` -> [1,2,1].
  EXPECT_EQ(IntArray({1, 2, 1}), *Aggregate("collect_list", {x}, {}, kCollect));
  // `SELECT collect_set(col) FROM VALUES (1), (2), (1) AS tab(col)` -> [1,2].
  EXPECT_EQ(IntArray({1, 2}), *Aggregate("collect_set", {x}, {}, kCollect));
  // array_agg is collect_list (Spark 3.3+).
  EXPECT_EQ(IntArray({1, 2, 1}), *Aggregate("array_agg", {x}, {}, kCollect));
}

TEST(CollectAggregateTest, NullsSkippedAndEmptyIsEmptyArray) {
  Input x{DataType::Int32(), {NullOf(DataType::Int32()), I(5), NullOf(DataType::Int32()), I(5)}};
  EXPECT_EQ(IntArray({5, 5}), *Aggregate("collect_list", {x}, {}, kCollect));
  EXPECT_EQ(IntArray({5}), *Aggregate("collect_set", {x}, {}, kCollect));
  Input nulls{DataType::Int32(), {NullOf(DataType::Int32())}};
  EXPECT_EQ(IntArray({}), *Aggregate("collect_list", {nulls}, {}, kCollect));
  EXPECT_EQ(IntArray({}), *Aggregate("collect_set", {Input{DataType::Int32(), {}}}, {}, kCollect));
}

TEST(CollectAggregateTest, ListKeepsInputOrderGlobally) {
  Input s = Strings({"b", "a", "a long string past the inline size", "a"});
  Value r = *Aggregate("collect_list", {s}, {}, kCollect);
  EXPECT_EQ("[b, a, a long string past the inline size, a]", r.ToString());
}

TEST(CollectAggregateTest, SetDedupsStringsInFirstSeenOrder) {
  Input s = Strings({"x", "y", "x", "", "y", ""});
  EXPECT_EQ("[x, y, ]", Aggregate("collect_set", {s}, {}, kCollect)->ToString());
}

TEST(CollectAggregateTest, SetDoubleEqualityIsScalas) {
  // Scala's HashSet[Any] compares boxed doubles with ==: -0.0 == 0.0 (one element),
  // NaN != NaN (each kept).
  Input z = Doubles({0.0, -0.0, 1.5, 1.5});
  Value r = *Aggregate("collect_set", {z}, {}, kCollect);
  ASSERT_EQ(2u, r.elements().size());
  EXPECT_EQ(D(0.0), r.elements()[0]);
  Input nans = Doubles({std::nan(""), std::nan("")});
  EXPECT_EQ(2u, Aggregate("collect_set", {nans}, {}, kCollect)->elements().size());
}

TEST(CollectAggregateTest, NestedValuesRoundTrip) {
  DataType arr = DataType::Array(DataType::Int32());
  Input a{arr, {IntArray({1, 2}), IntArray({}), NullOf(arr), IntArray({1, 2})}};
  EXPECT_EQ("[[1, 2], [], [1, 2]]", Aggregate("collect_list", {a}, {}, kCollect)->ToString());
  EXPECT_EQ("[[1, 2], []]", Aggregate("collect_set", {a}, {}, kCollect)->ToString());
  DataType st = DataType::Struct({{"a", DataType::Int32(), true}, {"b", DataType::String(), true}});
  Input s{
      st,
      {Value::Struct(st, {I(1), S("x")}), Value::Struct(st, {NullOf(DataType::Int32()), S("y")}),
       Value::Struct(st, {I(1), S("x")})}};
  Value list = *Aggregate("collect_list", {s}, {}, kCollect);
  ASSERT_EQ(3u, list.elements().size());
  EXPECT_TRUE(list.elements()[1].elements()[0].is_null());
  EXPECT_EQ(2u, Aggregate("collect_set", {s}, {}, kCollect)->elements().size());
}

TEST(CollectAggregateTest, OtherScalarTypes) {
  DataType d = DataType::DecimalUnchecked(10, 2);
  Input dec{d, {Value::Decimal(125, 10, 2), Value::Decimal(125, 10, 2), Value::Decimal(-1, 10, 2)}};
  EXPECT_EQ("[1.25, -0.01]", Aggregate("collect_set", {dec}, {}, kCollect)->ToString());
  Input dates{DataType::Date(), {Value::Date(0), Value::Date(1)}};
  EXPECT_EQ(2u, Aggregate("collect_list", {dates}, {}, kCollect)->elements().size());
  Input bools{DataType::Boolean(),
              {Value::Boolean(true), Value::Boolean(false), Value::Boolean(true)}};
  EXPECT_EQ(2u, Aggregate("collect_set", {bools}, {}, kCollect)->elements().size());
  Input bin{DataType::Binary(), {Value::Binary("ab"), Value::Binary("ab")}};
  EXPECT_EQ(1u, Aggregate("collect_set", {bin}, {}, kCollect)->elements().size());
}

TEST(CollectAggregateTest, SetRefusesMaps) {
  DataType m = DataType::Map(DataType::String(), DataType::Int32());
  Result<AggregateCall> r = ResolveAggregate("collect_set", {ColumnRef(0, "m", m)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("UNSUPPORTED_INPUT_TYPE"));
  EXPECT_TRUE(ResolveAggregate("collect_list", {ColumnRef(0, "m", m)}).ok());
}

TEST(CollectAggregateTest, ResultTypeIsArrayOfInput) {
  Result<AggregateCall> r =
      ResolveAggregate("collect_list", {ColumnRef(0, "s", DataType::String())});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(DataType::Array(DataType::String(), false), r->function->result_type());
}

// ---- max_by / min_by (MaxByAndMinBy.scala) -------------------------------------------

TEST(ByAggregateTest, SparkDocExamples) {
  Input x = Strings({"a", "b", "c"});
  Input y = Ints({10, 50, 20});
  // `SELECT max_by(x, y) FROM VALUES ('a', 10), ('b', 50), ('c', 20) AS tab(x, y)` -> b.
  EXPECT_EQ(S("b"), *Aggregate("max_by", {x, y}));
  // `SELECT min_by(x, y) FROM VALUES ('a', 10), ('b', 50), ('c', 20) AS tab(x, y)` -> a.
  EXPECT_EQ(S("a"), *Aggregate("min_by", {x, y}));
}

TEST(ByAggregateTest, NullOrderingSkippedNullValueKept) {
  Input x{DataType::String(), {S("a"), NullOf(DataType::String()), S("c")}};
  Input y{DataType::Int32(), {I(10), I(50), NullOf(DataType::Int32())}};
  // The row with the largest y has a NULL x: the result is NULL.
  EXPECT_TRUE(Aggregate("max_by", {x, y})->is_null());
  EXPECT_EQ(S("a"), *Aggregate("min_by", {x, y}));
  Input all_null{DataType::Int32(),
                 {NullOf(DataType::Int32()), NullOf(DataType::Int32()), NullOf(DataType::Int32())}};
  EXPECT_TRUE(Aggregate("max_by", {x, all_null})->is_null());
  EXPECT_TRUE(Aggregate("min_by", {Input{DataType::String(), {}}, Input{DataType::Int32(), {}}})
                  ->is_null());
}

TEST(ByAggregateTest, TiesTakeTheLaterRow) {
  // Spark keeps the old value only if old > new: equal orderings take the new row.
  Input x = Strings({"first", "second", "third"});
  Input y = Ints({7, 7, 1});
  Check order;
  order.order_sensitive = true;
  EXPECT_EQ(S("second"), *Aggregate("max_by", {x, y}, {}, order));
  Input y2 = Ints({1, 7, 1});
  EXPECT_EQ(S("third"), *Aggregate("min_by", {x, y2}, {}, order));
}

TEST(ByAggregateTest, StringAndDoubleOrderings) {
  Input x = Ints({1, 2, 3, 4});
  Input y = Strings({"pear", "apple", "zebra", "a long string that is not inline"});
  EXPECT_EQ(I(3), *Aggregate("max_by", {x, y}));
  EXPECT_EQ(I(4), *Aggregate("min_by", {x, y}));
  // NaN is the largest DOUBLE in Spark's ordering.
  Input d = Doubles({1.0, std::nan(""), -3.0, 2.0});
  EXPECT_EQ(I(2), *Aggregate("max_by", {x, d}));
  EXPECT_EQ(I(3), *Aggregate("min_by", {x, d}));
}

TEST(ByAggregateTest, NestedValuesAndOtherOrderings) {
  DataType arr = DataType::Array(DataType::String());
  Input x{arr,
          {Value::Array(DataType::String(), {S("p")}),
           Value::Array(DataType::String(), {S("q"), NullOf(DataType::String())})}};
  Input y{DataType::Timestamp(), {Value::Timestamp(5), Value::Timestamp(9)}};
  EXPECT_EQ("[q, NULL]", Aggregate("max_by", {x, y})->ToString());
  DataType d = DataType::DecimalUnchecked(20, 3);
  Input yd{d, {Value::Decimal(-5, 20, 3), Value::Decimal(-7, 20, 3)}};
  EXPECT_EQ("[q, NULL]", Aggregate("min_by", {x, yd})->ToString());
}

TEST(ByAggregateTest, RefusesMapOrdering) {
  DataType m = DataType::Map(DataType::String(), DataType::Int32());
  Result<AggregateCall> r =
      ResolveAggregate("max_by", {ColumnRef(0, "x", DataType::Int32()), ColumnRef(1, "m", m)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().message().find("INVALID_ORDERING_TYPE"));
}

// ---- approx_count_distinct (HyperLogLogPlusPlus.scala) -----------------------------

TEST(ApproxCountDistinctTest, SparkDocExample) {
  // `SELECT approx_count_distinct(col1) FROM VALUES (1), (1), (2), (2), (3) tab(col1)` -> 3.
  EXPECT_EQ(L(3), *Aggregate("approx_count_distinct", {Ints({1, 1, 2, 2, 3})}));
}

TEST(ApproxCountDistinctTest, EmptyIsZeroNullsIgnored) {
  EXPECT_EQ(L(0), *Aggregate("approx_count_distinct", {Input{DataType::Int32(), {}}}));
  Input x{DataType::String(), {S("a"), NullOf(DataType::String()), S("b"), S("a")}};
  EXPECT_EQ(L(2), *Aggregate("approx_count_distinct", {x}));
}

TEST(ApproxCountDistinctTest, SmallCardinalitiesAreExactish) {
  // Linear counting: within a few percent for a few dozen values (register
  // collisions are corrected only in expectation).
  for (int n : {1, 10, 50}) {
    Input x{DataType::Int64(), {}};
    for (int i = 0; i < n; ++i) x.values.push_back(L(i * 7919));
    int64_t est = Aggregate("approx_count_distinct", {x})->int64();
    EXPECT_LE(std::abs(est - n), std::max(1, n / 16)) << n;
  }
}

TEST(ApproxCountDistinctTest, RelativeErrorOn100kDistinct) {
  // relativeSD 0.05 -> p = 9, m = 512: the true RSD is 1.04 / sqrt(512) = 4.6%.
  // Spark's HyperLogLogPlusPlusSuite accepts errors within a few RSDs; the hash is
  // deterministic, so this is one fixed estimate.
  Input x{DataType::Int64(), {}};
  for (int64_t i = 0; i < 100000; ++i) x.values.push_back(L(i));
  int64_t est = Aggregate("approx_count_distinct", {x})->int64();
  EXPECT_LT(std::fabs(static_cast<double>(est) - 1e5) / 1e5, 3 * 1.04 / std::sqrt(512.0)) << est;
}

TEST(ApproxCountDistinctTest, BiasCorrectedRange) {
  // ~1500 distinct values: above the linear-counting threshold (400 for p = 9) and
  // below 5m, so the raw estimate is bias-corrected from the empirical tables.
  Input x{DataType::String(), {}};
  for (int i = 0; i < 1500; ++i) x.values.push_back(S("v" + std::to_string(i)));
  int64_t est = Aggregate("approx_count_distinct", {x})->int64();
  EXPECT_LT(std::fabs(static_cast<double>(est) - 1500) / 1500, 0.15) << est;
}

TEST(ApproxCountDistinctTest, DoubleZerosAndNaNsNormalized) {
  // Spark normalizes -0.0 to 0.0 and every NaN to the canonical NaN before hashing.
  Input x = Doubles({0.0, -0.0, std::nan(""), -std::nan("")});
  EXPECT_EQ(L(2), *Aggregate("approx_count_distinct", {x}));
}

TEST(ApproxCountDistinctTest, RelativeSdArgument) {
  // 0.06 still gives p = 9; 0.01 would need p = 14, whose tables are not ported.
  EXPECT_EQ(L(3), *Aggregate("approx_count_distinct", {Ints({1, 2, 3})}, {Literal(D(0.06))}));
  Result<AggregateCall> r = ResolveAggregate(
      "approx_count_distinct", {ColumnRef(0, "x", DataType::Int32()), Literal(D(0.01))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kUnsupported, r.status().code());
  Result<AggregateCall> big = ResolveAggregate(
      "approx_count_distinct", {ColumnRef(0, "x", DataType::Int32()), Literal(D(0.5))});
  ASSERT_FALSE(big.ok());
  EXPECT_NE(std::string::npos, big.status().message().find("at least 4 bits"));
}

// ---- percentile_approx (ApproximatePercentile.scala, QuantileSummaries.scala) ------

ExprPtr Percentages(std::vector<double> p) {
  std::vector<Value> e;
  for (double x : p) e.push_back(D(x));
  return Literal(Value::Array(DataType::Double(), std::move(e)));
}

TEST(PercentileApproxTest, SparkDocExamples) {
  // `SELECT percentile_approx(col, array(0.5, 0.4, 0.1), 100) FROM VALUES (0), (1),
  // (2), (10) AS tab(col)` -> [1,1,0].
  EXPECT_EQ(IntArray({1, 1, 0}), *Aggregate("percentile_approx", {Ints({0, 1, 2, 10})},
                                            {Percentages({0.5, 0.4, 0.1}), Literal(I(100))}));
  // `SELECT percentile_approx(col, 0.5, 100) FROM VALUES (0), (6), (7), (9), (10)
  // AS tab(col)` -> 7.
  EXPECT_EQ(I(7), *Aggregate("percentile_approx", {Ints({0, 6, 7, 9, 10})},
                             {Literal(D(0.5)), Literal(I(100))}));
  // approx_percentile is the same function.
  EXPECT_EQ(I(7), *Aggregate("approx_percentile", {Ints({0, 6, 7, 9, 10})},
                             {Literal(D(0.5)), Literal(I(100))}));
}

TEST(PercentileApproxTest, DefaultAccuracyAndDoubles) {
  // `SELECT percentile_approx(10.0, 0.5, 100)` -> 10.0 (a DOUBLE column here).
  EXPECT_EQ(D(10.0), *Aggregate("percentile_approx", {Doubles({10.0})}, {Literal(D(0.5))}));
  Input x = Doubles({5.5, 1.5, 3.5, 2.5, 4.5});
  EXPECT_EQ(D(3.5), *Aggregate("percentile_approx", {x}, {Literal(D(0.5))}));
  EXPECT_EQ(D(1.5), *Aggregate("percentile_approx", {x}, {Literal(D(0.0))}));
  EXPECT_EQ(D(5.5), *Aggregate("percentile_approx", {x}, {Literal(D(1.0))}));
}

TEST(PercentileApproxTest, NullsIgnoredEmptyIsNull) {
  Input x{DataType::Int64(), {NullOf(DataType::Int64()), L(3), NullOf(DataType::Int64()), L(1)}};
  EXPECT_EQ(L(1), *Aggregate("percentile_approx", {x}, {Literal(D(0.5))}));
  Input none{DataType::Int64(), {NullOf(DataType::Int64())}};
  EXPECT_TRUE(Aggregate("percentile_approx", {none}, {Literal(D(0.5))})->is_null());
  EXPECT_TRUE(Aggregate("percentile_approx", {none}, {Percentages({0.1, 0.9})})->is_null());
}

TEST(PercentileApproxTest, LargeInputWithinAccuracy) {
  // 0..99999 shuffled, accuracy 100 (eps = 1%): every answer within 1% of rank.
  std::vector<int32_t> v(100000);
  for (int i = 0; i < 100000; ++i) v[static_cast<size_t>(i)] = i;
  std::shuffle(v.begin(), v.end(), std::mt19937(7));
  Check loose;
  loose.order_sensitive = true;  // partial paths compress differently (still within eps)
  Value r = *Aggregate("percentile_approx", {Ints(v)},
                       {Percentages({0.25, 0.5, 0.99}), Literal(I(100))}, loose);
  ASSERT_EQ(3u, r.elements().size());
  EXPECT_NEAR(25000, r.elements()[0].int32(), 1000);
  EXPECT_NEAR(50000, r.elements()[1].int32(), 1000);
  EXPECT_NEAR(99000, r.elements()[2].int32(), 1000);
}

TEST(PercentileApproxTest, SplitMergeStaysWithinAccuracy) {
  Result<AggregateCall> call =
      ResolveAggregate("percentile_approx",
                       {ColumnRef(0, "x", DataType::Double()), Literal(D(0.5)), Literal(I(50))});
  ASSERT_TRUE(call.ok()) << call.status();
  const AggregateFunction& fn = *call->function;
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 4);
  // Four partials of 30000 values each, merged: the median of 0..119999 within 2%.
  for (int part = 0; part < 4; ++part) {
    DoubleBuilder b(DataType::Double());
    for (int i = 0; i < 30000; ++i) b.Append(static_cast<double>(i * 4 + part));
    std::vector<Datum> args = {Datum::Flat(b.Finish())};
    ASSERT_TRUE(fn.UpdateAll(ctx, st.at(part), args, RowSet(30000)).ok());
  }
  for (int part = 1; part < 4; ++part) ASSERT_TRUE(fn.Merge(ctx, st.at(0), st.at(part)).ok());
  auto out = MakeBuilder(fn.result_type());
  const uint8_t* one[1] = {st.at(0)};
  ASSERT_TRUE(fn.Finalize(ctx, one, 1, out.get()).ok());
  EXPECT_NEAR(60000.0, GetValue(*out->Finish(), 0).float64(), 2400.0);
}

TEST(PercentileApproxTest, DecimalDateAndTimestampKeepTheirType) {
  DataType d = DataType::DecimalUnchecked(6, 2);
  Input dec{d, {Value::Decimal(150, 6, 2), Value::Decimal(250, 6, 2), Value::Decimal(1025, 6, 2)}};
  EXPECT_EQ("2.50", Aggregate("percentile_approx", {dec}, {Literal(D(0.5))})->ToString());
  Input dates{DataType::Date(), {Value::Date(10), Value::Date(20), Value::Date(30)}};
  EXPECT_EQ(Value::Date(20), *Aggregate("percentile_approx", {dates}, {Literal(D(0.5))}));
  Input ts{DataType::Timestamp(), {Value::Timestamp(1000000), Value::Timestamp(3000000)}};
  EXPECT_EQ(Value::Timestamp(1000000), *Aggregate("percentile_approx", {ts}, {Literal(D(0.5))}));
}

TEST(PercentileApproxTest, ArgumentChecks) {
  ExprPtr x = ColumnRef(0, "x", DataType::Int32());
  auto resolve = [&](std::vector<ExprPtr> extra) {
    std::vector<ExprPtr> args = {x};
    for (ExprPtr& e : extra) args.push_back(std::move(e));
    return ResolveAggregate("percentile_approx", std::move(args));
  };
  Result<AggregateCall> out_of_range = resolve({Literal(D(1.5))});
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(std::string::npos, out_of_range.status().message().find("VALUE_OUT_OF_RANGE"));
  EXPECT_FALSE(resolve({Percentages({0.5, -0.1})}).ok());
  Result<AggregateCall> bad_accuracy = resolve({Literal(D(0.5)), Literal(I(0))});
  ASSERT_FALSE(bad_accuracy.ok());
  EXPECT_NE(std::string::npos, bad_accuracy.status().message().find("accuracy"));
  Result<AggregateCall> not_constant = resolve({ColumnRef(1, "p", DataType::Double())});
  ASSERT_FALSE(not_constant.ok());
  EXPECT_NE(std::string::npos, not_constant.status().message().find("NON_FOLDABLE_INPUT"));
  EXPECT_FALSE(ResolveAggregate("percentile_approx",
                                {ColumnRef(0, "s", DataType::String()), Literal(D(0.5))})
                   .ok());
  Result<AggregateCall> ok = resolve({Percentages({0.1, 0.9}), Literal(L(1000))});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(DataType::Array(DataType::Int32(), false), ok->function->result_type());
  EXPECT_EQ(1u, ok->args.size());
}

// ---- serialized states: round trips and corruption ---------------------------------

struct StateCase {
  std::string name;
  std::vector<Input> inputs;
  std::vector<ExprPtr> constants;
};

std::vector<StateCase> StateCases() {
  std::vector<StateCase> cases;
  cases.push_back({"stddev", {Doubles({1, 2, 3, 4})}, {}});
  cases.push_back(
      {"collect_list", {Strings({"a", "bb", "a long string past the inline size"})}, {}});
  cases.push_back({"collect_set", {Ints({1, 2, 2, 3})}, {}});
  DataType arr = DataType::Array(DataType::Int32());
  cases.push_back({"collect_list", {Input{arr, {IntArray({1, 2}), IntArray({3})}}}, {}});
  cases.push_back({"max_by", {Strings({"a", "b"}), Ints({1, 2})}, {}});
  cases.push_back({"min_by", {Ints({1, 2}), Strings({"x", "y"})}, {}});
  cases.push_back({"approx_count_distinct", {Ints({1, 2, 3, 4, 5})}, {}});
  cases.push_back({"percentile_approx", {Doubles({1, 2, 3, 4, 5})}, {Literal(D(0.5))}});
  return cases;
}

// Builds a state holding `c`'s rows and returns the function and its bytes.
struct Serialized {
  AggregateFunctionPtr fn;
  std::string bytes;
};

Serialized SerializeCase(StateCase c) {
  std::vector<ExprPtr> refs;
  std::vector<Datum> args;
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    auto b = MakeBuilder(c.inputs[k].type);
    for (const Value& v : c.inputs[k].values) EXPECT_TRUE(b->AppendValue(v).ok());
    args.push_back(Datum::Flat(b->Finish()));
    refs.push_back(ColumnRef(static_cast<int>(k), "c", c.inputs[k].type));
  }
  for (ExprPtr& e : c.constants) refs.push_back(e);
  Result<AggregateCall> call = ResolveAggregate(c.name, refs);
  EXPECT_TRUE(call.ok()) << call.status();
  Serialized out{call->function, ""};
  EvalOptions o;
  EvalContext ctx(o);
  States st(*out.fn, 1);
  EXPECT_TRUE(
      out.fn
          ->UpdateAll(ctx, st.at(0), args, RowSet(static_cast<int64_t>(c.inputs[0].values.size())))
          .ok());
  out.fn->Serialize(st.at(0), &out.bytes);
  return out;
}

TEST(AggregateStateTest, EmptyStatesRoundTrip) {
  for (StateCase& c : StateCases()) {
    Serialized s = SerializeCase(c);
    States empty(*s.fn, 2);
    std::string bytes;
    s.fn->Serialize(empty.at(0), &bytes);
    ASSERT_TRUE(s.fn->Deserialize(bytes, empty.at(1)).ok()) << c.name;
    std::string again;
    s.fn->Serialize(empty.at(1), &again);
    EXPECT_EQ(bytes, again) << c.name;
  }
}

TEST(AggregateStateTest, FullStatesRoundTripByteForByte) {
  for (StateCase& c : StateCases()) {
    Serialized s = SerializeCase(c);
    States st(*s.fn, 1);
    ASSERT_TRUE(s.fn->Deserialize(s.bytes, st.at(0)).ok()) << c.name;
    std::string again;
    s.fn->Serialize(st.at(0), &again);
    EXPECT_EQ(s.bytes, again) << c.name;
  }
}

TEST(AggregateStateTest, EveryTruncationIsCorruption) {
  for (StateCase& c : StateCases()) {
    Serialized s = SerializeCase(c);
    for (size_t len = 0; len < s.bytes.size(); ++len) {
      States st(*s.fn, 1);
      Status r = s.fn->Deserialize(std::string_view(s.bytes).substr(0, len), st.at(0));
      EXPECT_TRUE(r.IsCorruption()) << c.name << " truncated to " << len << ": " << r;
    }
    // And a trailing byte too many.
    States st(*s.fn, 1);
    EXPECT_TRUE(s.fn->Deserialize(s.bytes + "x", st.at(0)).IsCorruption()) << c.name;
  }
}

TEST(AggregateStateTest, RandomBytesNeverCrash) {
  std::mt19937 rng(1234);
  EvalOptions o;
  EvalContext ctx(o);
  for (StateCase& c : StateCases()) {
    Serialized s = SerializeCase(c);
    for (int trial = 0; trial < 300; ++trial) {
      std::string bytes = s.bytes;
      // Flip a few bytes of a valid state, or make up random bytes of a similar size.
      if (trial % 2 == 0 && !bytes.empty()) {
        for (int k = 0; k < 1 + trial % 4; ++k) {
          bytes[rng() % bytes.size()] = static_cast<char>(rng());
        }
      } else {
        bytes.resize(rng() % (s.bytes.size() + 8));
        for (char& ch : bytes) ch = static_cast<char>(rng());
      }
      States st(*s.fn, 2);
      Status r = s.fn->Deserialize(bytes, st.at(0));
      if (!r.ok()) {
        EXPECT_TRUE(r.IsCorruption()) << c.name << ": " << r;
        continue;
      }
      // Whatever was accepted must merge and finalize without crashing.
      EXPECT_TRUE(s.fn->Merge(ctx, st.at(1), st.at(0)).ok());
      auto out = MakeBuilder(s.fn->result_type());
      const uint8_t* states[2] = {st.at(0), st.at(1)};
      EXPECT_TRUE(s.fn->Finalize(ctx, states, 2, out.get()).ok());
    }
  }
}

TEST(AggregateStateTest, SpecificCorruptions) {
  // stddev: a negative or fractional row count.
  Serialized s = SerializeCase({"stddev", {Doubles({1, 2})}, {}});
  std::string bad = s.bytes;
  double neg = -1.0;
  std::memcpy(bad.data(), &neg, 8);
  States st(*s.fn, 1);
  EXPECT_TRUE(s.fn->Deserialize(bad, st.at(0)).IsCorruption());
  // approx_count_distinct: a register above 64 - p + 1.
  Serialized h = SerializeCase({"approx_count_distinct", {Ints({1})}, {}});
  std::string reg = h.bytes;
  reg[0] = static_cast<char>(0x3f);
  States hs(*h.fn, 1);
  EXPECT_TRUE(h.fn->Deserialize(reg, hs.at(0)).IsCorruption());
  // collect_list: an element count larger than the bytes could hold.
  Serialized l = SerializeCase({"collect_list", {Ints({1, 2})}, {}});
  std::string many = l.bytes;
  many[0] = 0x7f;
  States ls(*l.fn, 1);
  EXPECT_TRUE(l.fn->Deserialize(many, ls.at(0)).IsCorruption());
  // percentile_approx: g values summing past the count.
  Serialized p = SerializeCase({"percentile_approx", {Doubles({1, 2, 3})}, {Literal(D(0.5))}});
  std::string g = p.bytes;
  int64_t huge = 1000;
  std::memcpy(g.data() + 20 + 8, &huge, 8);
  States ps(*p.fn, 1);
  EXPECT_TRUE(p.fn->Deserialize(g, ps.at(0)).IsCorruption());
}

TEST(AggregateStateTest, DeserializeReplacesExistingHeapState) {
  // Deserializing into a state that already holds data frees the old data (run
  // under ASan/LSan) and keeps only the new contents.
  Serialized s = SerializeCase({"collect_list", {Ints({7, 8})}, {}});
  Result<AggregateCall> call =
      ResolveAggregate("collect_list", {ColumnRef(0, "x", DataType::Int32())});
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 1);
  Int32Builder b(DataType::Int32());
  b.Append(1);
  std::vector<Datum> args = {Datum::Flat(b.Finish())};
  ASSERT_TRUE(fn.UpdateAll(ctx, st.at(0), args, RowSet(1)).ok());
  ASSERT_TRUE(fn.Deserialize(s.bytes, st.at(0)).ok());
  auto out = MakeBuilder(fn.result_type());
  const uint8_t* one[1] = {st.at(0)};
  ASSERT_TRUE(fn.Finalize(ctx, one, 1, out.get()).ok());
  EXPECT_EQ(IntArray({7, 8}), GetValue(*out->Finish(), 0));
}

// ---- more cases: grouped updates, aliases, edge values -----------------------------

// Runs `name` over one column with rows assigned to groups round-robin via the
// grouped Update, and returns each group's result.
// REQUIRES: the column needs no implicit cast (it is passed to Update as is).
std::vector<Value> Grouped(std::string_view name, const Input& in, int groups,
                           std::vector<ExprPtr> constants = {}) {
  std::vector<ExprPtr> refs = {ColumnRef(0, "x", in.type)};
  for (ExprPtr& c : constants) refs.push_back(std::move(c));
  Result<AggregateCall> call = ResolveAggregate(name, refs);
  EXPECT_TRUE(call.ok()) << call.status();
  EXPECT_EQ(in.type, call->args[0]->type());
  const AggregateFunction& fn = *call->function;
  auto b = MakeBuilder(in.type);
  for (const Value& v : in.values) EXPECT_TRUE(b->AppendValue(v).ok());
  std::vector<Datum> args = {Datum::Flat(b->Finish())};
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, groups);
  std::vector<uint8_t*> per_row;
  for (size_t i = 0; i < in.values.size(); ++i)
    per_row.push_back(st.at(static_cast<int>(i % groups)));
  EXPECT_TRUE(
      fn.Update(ctx, per_row.data(), args, RowSet(static_cast<int64_t>(in.values.size()))).ok());
  std::vector<const uint8_t*> all;
  for (int g = 0; g < groups; ++g) all.push_back(st.at(g));
  auto out = MakeBuilder(fn.result_type());
  EXPECT_TRUE(fn.Finalize(ctx, all.data(), groups, out.get()).ok());
  ColumnPtr col = out->Finish();
  std::vector<Value> values;
  for (int g = 0; g < groups; ++g) values.push_back(GetValue(*col, g));
  return values;
}

TEST(StatsAggregateTest, ConstantColumnHasZeroSpread) {
  Input x = Ints({5, 5, 5, 5});
  EXPECT_EQ(D(0.0), *Aggregate("stddev", {x}, {}, kStats));
  EXPECT_EQ(D(0.0), *Aggregate("var_pop", {x}, {}, kStats));
}

TEST(StatsAggregateTest, AliasesAgree) {
  Input x = Doubles({2.5, -1.25, 8.0, 3.0, 3.0, 0.5});
  EXPECT_EQ(*Aggregate("stddev_samp", {x}, {}, kStats), *Aggregate("stddev", {x}, {}, kStats));
  EXPECT_EQ(*Aggregate("stddev_samp", {x}, {}, kStats), *Aggregate("std", {x}, {}, kStats));
  EXPECT_EQ(*Aggregate("var_samp", {x}, {}, kStats), *Aggregate("variance", {x}, {}, kStats));
  double v = Aggregate("var_samp", {x}, {}, kStats)->float64();
  EXPECT_DOUBLE_EQ(std::sqrt(v), Aggregate("stddev", {x}, {}, kStats)->float64());
}

TEST(StatsAggregateTest, GroupedUpdateKeepsGroupsApart) {
  // Group 0 gets 1, 3, 5; group 1 gets 2, 4, 6: var_pop of both is 8/3.
  std::vector<Value> r = Grouped("var_pop", Doubles({1, 2, 3, 4, 5, 6}), 2);
  EXPECT_DOUBLE_EQ(8.0 / 3.0, r[0].float64());
  EXPECT_DOUBLE_EQ(8.0 / 3.0, r[1].float64());
  std::vector<Value> one = Grouped("stddev_samp", Doubles({1, 2, 3}), 3);
  for (const Value& v : one) EXPECT_TRUE(v.is_null());
}

TEST(StatsAggregateTest, BigintInput) {
  Input x{DataType::Int64(), {L(1000000000000LL), L(1000000000002LL)}};
  EXPECT_EQ(D(1.0), *Aggregate("var_pop", {x}, {}, kStats));
  EXPECT_EQ(D(2.0), *Aggregate("var_samp", {x}, {}, kStats));
}

TEST(CollectAggregateTest, GroupedUpdate) {
  std::vector<Value> r = Grouped("collect_list", Ints({1, 2, 3, 4, 5, 6, 7}), 3);
  EXPECT_EQ(IntArray({1, 4, 7}), r[0]);
  EXPECT_EQ(IntArray({2, 5}), r[1]);
  EXPECT_EQ(IntArray({3, 6}), r[2]);
  std::vector<Value> s = Grouped("collect_set", Ints({1, 2, 1, 2, 1, 3}), 2);
  EXPECT_EQ(IntArray({1}), s[0]);
  EXPECT_EQ(IntArray({2, 3}), s[1]);
}

TEST(CollectAggregateTest, MapsCollectIntoLists) {
  DataType m = DataType::Map(DataType::String(), DataType::Int32());
  Input x{m,
          {Value::Map(DataType::String(), DataType::Int32(),
                      {{S("a"), I(1)}, {S("b"), NullOf(DataType::Int32())}}),
           NullOf(m), Value::Map(DataType::String(), DataType::Int32(), {})}};
  Value r = *Aggregate("collect_list", {x}, {}, kCollect);
  ASSERT_EQ(2u, r.elements().size());
  EXPECT_EQ(2u, r.elements()[0].entries().size());
  EXPECT_TRUE(r.elements()[0].entries()[1].second.is_null());
}

TEST(CollectAggregateTest, AllNullStringsGiveEmptyArray) {
  Input x{DataType::String(), {NullOf(DataType::String()), NullOf(DataType::String())}};
  EXPECT_EQ(0u, Aggregate("collect_set", {x}, {}, kCollect)->elements().size());
  EXPECT_EQ(0u, Aggregate("collect_list", {x}, {}, kCollect)->elements().size());
}

TEST(ByAggregateTest, NegativeZeroTiesWithZero) {
  // -0.0 and 0.0 are equal in Spark's DOUBLE ordering, so the later row wins.
  Check order;
  order.order_sensitive = true;
  EXPECT_EQ(I(2), *Aggregate("max_by", {Ints({1, 2}), Doubles({0.0, -0.0})}, {}, order));
  EXPECT_EQ(I(2), *Aggregate("min_by", {Ints({1, 2}), Doubles({-0.0, 0.0})}, {}, order));
}

TEST(ByAggregateTest, BooleanAndDateOrderings) {
  Input x = Strings({"f", "t", "f2"});
  Input b{DataType::Boolean(),
          {Value::Boolean(false), Value::Boolean(true), Value::Boolean(false)}};
  EXPECT_EQ(S("t"), *Aggregate("max_by", {x, b}));
  Input d{DataType::Date(), {Value::Date(-5), Value::Date(3), Value::Date(-9)}};
  EXPECT_EQ(S("f2"), *Aggregate("min_by", {x, d}));
}

TEST(ByAggregateTest, MergeKeepsLeftOnlyWhenStrictlyBetter) {
  Result<AggregateCall> call = ResolveAggregate(
      "max_by", {ColumnRef(0, "x", DataType::String()), ColumnRef(1, "y", DataType::Int32())});
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 2);
  auto feed = [&](int k, const char* x, int32_t y) {
    StringBuilder xs;
    xs.Append(x);
    Int32Builder ys(DataType::Int32());
    ys.Append(y);
    std::vector<Datum> args = {Datum::Flat(xs.Finish()), Datum::Flat(ys.Finish())};
    ASSERT_TRUE(fn.UpdateAll(ctx, st.at(k), args, RowSet(1)).ok());
  };
  feed(0, "left", 5);
  feed(1, "right", 5);
  ASSERT_TRUE(fn.Merge(ctx, st.at(0), st.at(1)).ok());  // tie: the right side wins
  auto out = MakeBuilder(fn.result_type());
  const uint8_t* one[1] = {st.at(0)};
  ASSERT_TRUE(fn.Finalize(ctx, one, 1, out.get()).ok());
  EXPECT_EQ(S("right"), GetValue(*out->Finish(), 0));
}

TEST(ApproxCountDistinctTest, MergeOfDisjointPartialsCountsTheUnion) {
  Input x{DataType::Int64(), {}};
  for (int64_t i = 0; i < 200; ++i) x.values.push_back(L(i * 1000003));
  int64_t est = Aggregate("approx_count_distinct", {x})->int64();  // helper checks merges agree
  EXPECT_LT(std::fabs(static_cast<double>(est) - 200) / 200, 0.1) << est;
}

TEST(ApproxCountDistinctTest, DecimalsDatesAndNestedValues) {
  DataType d = DataType::DecimalUnchecked(25, 2);
  Input dec{d, {Value::Decimal(1, 25, 2), Value::Decimal(1, 25, 2), Value::Decimal(-1, 25, 2)}};
  EXPECT_EQ(L(2), *Aggregate("approx_count_distinct", {dec}));
  Input dates{DataType::Date(), {Value::Date(1), Value::Date(2), Value::Date(1)}};
  EXPECT_EQ(L(2), *Aggregate("approx_count_distinct", {dates}));
  DataType arr = DataType::Array(DataType::Int32());
  Input a{arr, {IntArray({1, 2}), IntArray({2, 1}), IntArray({1, 2})}};
  EXPECT_EQ(L(2), *Aggregate("approx_count_distinct", {a}));
}

TEST(ApproxCountDistinctTest, ResultIsBigint) {
  Result<AggregateCall> r =
      ResolveAggregate("approx_count_distinct", {ColumnRef(0, "s", DataType::String())});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(DataType::Int64(), r->function->result_type());
  EXPECT_EQ(416u, r->function->state_size());  // 52 words of 10 six-bit registers
  EXPECT_FALSE(r->function->needs_destroy());
}

TEST(PercentileApproxTest, EmptyPercentageArrayIsNull) {
  // getPercentiles of no percentages is empty, which eval turns into NULL.
  EXPECT_TRUE(Aggregate("percentile_approx", {Ints({1, 2})}, {Percentages({})})->is_null());
}

TEST(PercentileApproxTest, AccuracyOneReturnsTheMinimum) {
  // eps = 1: every percentage is <= eps, so the query answers the first sample.
  EXPECT_EQ(I(1),
            *Aggregate("percentile_approx", {Ints({9, 1, 5})}, {Literal(D(0.9)), Literal(I(1))}));
}

TEST(PercentileApproxTest, DuplicatesAndGroups) {
  EXPECT_EQ(I(4), *Aggregate("percentile_approx", {Ints({4, 4, 4, 4})}, {Literal(D(0.3))}));
  std::vector<Value> r =
      Grouped("percentile_approx", Ints({1, 100, 2, 200, 3, 300}), 2, {Literal(D(0.5))});
  EXPECT_EQ(I(2), r[0]);
  EXPECT_EQ(I(200), r[1]);
}

TEST(PercentileApproxTest, PercentagesMayBeIntegersOrDecimals) {
  std::vector<Value> e = {Value::Decimal(5, 2, 1), Value::Decimal(10, 2, 1)};
  ExprPtr arr = Literal(Value::Array(DataType::DecimalUnchecked(2, 1), e));
  EXPECT_EQ(IntArray({2, 3}), *Aggregate("percentile_approx", {Ints({1, 2, 3})}, {arr}));
  EXPECT_EQ(I(3), *Aggregate("percentile_approx", {Ints({1, 2, 3})}, {Literal(I(1))}));
}

// ---- collect_set of fixed-width elements (the flat key set) ------------------------

TEST(CollectAggregateTest, SetOfBigintsKeepsZeroAndFirstSeenOrder) {
  // 0 is the flat set's empty-slot marker: it must still be an element, once.
  Input x{DataType::Int64(),
          {L(0), L(7), NullOf(DataType::Int64()), L(0), L(-1), L(7), L(int64_t{1} << 40)}};
  Check ordered;  // the global path keeps first-seen order
  ordered.order_sensitive = true;
  EXPECT_EQ("[0, 7, -1, 1099511627776]", Aggregate("collect_set", {x}, {}, ordered)->ToString());
  EXPECT_EQ(4u, Aggregate("collect_set", {x}, {}, kCollect)->elements().size());
}

TEST(CollectAggregateTest, SetGrowsPastManyRehashes) {
  // 5,000 distinct values, each twice: the set rehashes many times and keeps each once.
  Input x{DataType::Int64(), {}};
  for (int k = 0; k < 10000; ++k) x.values.push_back(L(int64_t{k % 5000} * 1000003));
  Value r = *Aggregate("collect_set", {x}, {}, kCollect);
  ASSERT_EQ(5000u, r.elements().size());
  EXPECT_EQ(L(int64_t{4999} * 1000003), r.elements()[4999]);
}

TEST(CollectAggregateTest, SetOfKeysDifferingOnlyInHighBits) {
  // Whole DOUBLEs and multiples of 2^40 have all-zero low bits: a hash that kept
  // them apart only by low bits would pile them into one run of slots (and this
  // test would take minutes instead of milliseconds).
  Input d{DataType::Double(), {}};
  Input l{DataType::Int64(), {}};
  for (int k = 0; k < 60000; ++k) {
    d.values.push_back(D(static_cast<double>(k % 30000)));
    l.values.push_back(L(static_cast<int64_t>(k % 30000) << 40));
  }
  Check global_only;  // skips the (slow) sorted comparison of the three paths
  global_only.order_sensitive = true;
  EXPECT_EQ(30000u, Aggregate("collect_set", {d}, {}, global_only)->elements().size());
  EXPECT_EQ(30000u, Aggregate("collect_set", {l}, {}, global_only)->elements().size());
}

TEST(CollectAggregateTest, SetOfTimestampsFromAConstant) {
  // A constant argument reads physical row 0 for every row.
  Result<AggregateCall> call = ResolveAggregate("collect_set", {Literal(Value::Timestamp(42))});
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 1);
  Datum c = Datum::Constant(Value::Timestamp(42));
  ASSERT_TRUE(fn.UpdateAll(ctx, st.at(0), {c}, RowSet(5)).ok());
  auto out = MakeBuilder(fn.result_type());
  const uint8_t* one[1] = {st.at(0)};
  ASSERT_TRUE(fn.Finalize(ctx, one, 1, out.get()).ok());
  EXPECT_EQ(1u, GetValue(*out->Finish(), 0).elements().size());
}

TEST(CollectAggregateTest, SetStateOfWrongSizeIsCorruption) {
  Result<AggregateCall> call =
      ResolveAggregate("collect_set", {ColumnRef(0, "x", DataType::Int64())});
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  States st(fn, 1);
  // Two elements claimed, 12 bytes given (BIGINTs are 8 bytes each).
  std::string bad = std::string(1, '\x02') + std::string(12, 'x');
  EXPECT_TRUE(fn.Deserialize(bad, st.at(0)).IsCorruption());
  std::string good = std::string(1, '\x02') + std::string(16, 'x');
  EXPECT_TRUE(fn.Deserialize(good, st.at(0)).ok());
  // A state holding a duplicate (not written by weir) is deduplicated once elements
  // are added to it.
  States more(fn, 1);
  ASSERT_TRUE(fn.Deserialize(std::string(1, '\x01') + std::string(8, 'y'), more.at(0)).ok());
  EvalOptions o;
  EvalContext ctx(o);
  ASSERT_TRUE(fn.Merge(ctx, st.at(0), more.at(0)).ok());
  std::string out;
  fn.Serialize(st.at(0), &out);
  EXPECT_EQ(std::string(1, '\x02') + std::string(8, 'x') + std::string(8, 'y'), out);
}

// A stored set read back, merged with a new one, then added to: the streaming
// aggregation's order of calls (stored (+) new, then the next epoch's rows).
Value StoredMergedUpdated(const Input& stored, const Input& fresh, const Input& later) {
  Result<AggregateCall> call = ResolveAggregate("collect_set", {ColumnRef(0, "x", stored.type)});
  EXPECT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 3);
  auto feed = [&](const Input& in, uint8_t* state) {
    auto b = MakeBuilder(in.type);
    for (const Value& v : in.values) EXPECT_TRUE(b->AppendValue(v).ok());
    std::vector<Datum> args = {Datum::Flat(b->Finish())};
    EXPECT_TRUE(
        fn.UpdateAll(ctx, state, args, RowSet(static_cast<int64_t>(in.values.size()))).ok());
  };
  feed(stored, st.at(0));
  std::string bytes;
  fn.Serialize(st.at(0), &bytes);
  EXPECT_TRUE(fn.Deserialize(bytes, st.at(1)).ok());  // not indexed
  feed(fresh, st.at(2));
  EXPECT_TRUE(fn.Merge(ctx, st.at(1), st.at(2)).ok());  // looks up without indexing
  feed(later, st.at(1));                                // indexes, then adds
  auto out = MakeBuilder(fn.result_type());
  const uint8_t* one[1] = {st.at(1)};
  EXPECT_TRUE(fn.Finalize(ctx, one, 1, out.get()).ok());
  return GetValue(*out->Finish(), 0);
}

TEST(CollectAggregateTest, SetStoredMergedThenUpdatedKeepsOneOfEach) {
  Input stored{DataType::Int64(), {L(1), L(2), L(3)}};
  Input fresh{DataType::Int64(), {L(3), L(4), L(1), L(5), L(4)}};
  Input later{DataType::Int64(), {L(5), L(6), L(2), L(0)}};
  EXPECT_EQ("[1, 2, 3, 4, 5, 6, 0]", StoredMergedUpdated(stored, fresh, later).ToString());
  Input ds{DataType::Double(), {D(0.0), D(std::nan(""))}};
  Input df{DataType::Double(), {D(-0.0), D(std::nan("")), D(1.5)}};
  Input dl{DataType::Double(), {D(1.5), D(-0.0)}};
  Value d = StoredMergedUpdated(ds, df, dl);
  // 0.0 once; each NaN kept; 1.5 once.
  ASSERT_EQ(4u, d.elements().size()) << d.ToString();
  EXPECT_EQ(D(0.0), d.elements()[0]);
  EXPECT_EQ(D(1.5), d.elements()[3]);
}

// ---- max_by / min_by ordered by STRUCT and ARRAY ---------------------------------
// Spark 3.5's docs for max_by/min_by: "ord - an expression of any orderable type";
// its ordering of a struct compares field by field (InterpretedOrdering, ascending,
// NULL first) and of an array element by element, then by length
// (https://spark.apache.org/docs/3.5.0/api/sql/#max_by,
// https://spark.apache.org/docs/3.5.0/sql-ref-datatypes.html).

DataType PairType() {
  return DataType::Struct({{"a", DataType::Int64(), true}, {"b", DataType::String(), true}});
}
Value Pair(std::optional<int64_t> a, std::string b) {
  return Value::Struct(PairType(), {a ? L(*a) : NullOf(DataType::Int64()), S(std::move(b))});
}

TEST(ByAggregateTest, StructOrderingIsFieldByField) {
  Input x = Strings({"p", "q", "r", "s"});
  // (2, "a") < (2, "b"): the second field breaks the tie on the first; (1, "zz") is
  // smaller than both whatever its string.
  Input y{PairType(), {Pair(1, "z"), Pair(2, "b"), Pair(2, "a"), Pair(1, "zz")}};
  EXPECT_EQ(S("q"), *Aggregate("max_by", {x, y}));
  EXPECT_EQ(S("p"), *Aggregate("min_by", {x, y}));
  // A string field compares by bytes, then length: "z" < "zz".
  Input y2{PairType(), {Pair(1, "z"), Pair(1, "zz"), Pair(1, "y"), Pair(0, "zzz")}};
  EXPECT_EQ(S("q"), *Aggregate("max_by", {x, y2}));
  EXPECT_EQ(S("s"), *Aggregate("min_by", {x, y2}));
}

TEST(ByAggregateTest, StructNullFieldSortsFirstAndNullStructIsSkipped) {
  Input x = Strings({"null-a", "one", "whole-null"});
  Input y{PairType(), {Pair(std::nullopt, "zzz"), Pair(-5, ""), NullOf(PairType())}};
  // A NULL field is below every value (-5 included); a NULL ordering is skipped.
  EXPECT_EQ(S("one"), *Aggregate("max_by", {x, y}));
  EXPECT_EQ(S("null-a"), *Aggregate("min_by", {x, y}));
}

TEST(ByAggregateTest, StructTiesTakeTheLaterRow) {
  Check order;
  order.order_sensitive = true;
  Input x = Strings({"first", "second"});
  Input y{PairType(), {Pair(3, "k"), Pair(3, "k")}};
  EXPECT_EQ(S("second"), *Aggregate("max_by", {x, y}, {}, order));
  EXPECT_EQ(S("second"), *Aggregate("min_by", {x, y}, {}, order));
}

TEST(ByAggregateTest, StructWithNestedArrayAndDouble) {
  DataType arr = DataType::Array(DataType::Int32());
  DataType t = DataType::Struct({{"d", DataType::Double(), true}, {"v", arr, true}});
  auto row = [&](double d, Value v) { return Value::Struct(t, {D(d), std::move(v)}); };
  Value with_null = Value::Array(DataType::Int32(), {NullOf(DataType::Int32()), I(9)});
  Input x = Strings({"short", "long", "bigger", "null-elem", "nan"});
  // On d = 1.0 the arrays decide: [1, 2] < [1, 2, 0] < [2]; [NULL, 9] < [1, ...].
  // -0.0 equals 0.0; NaN is above every DOUBLE.
  Input y{t,
          {row(1.0, IntArray({1, 2})), row(1.0, IntArray({1, 2, 0})), row(1.0, IntArray({2})),
           row(-0.0, with_null), row(std::nan(""), IntArray({}))}};
  EXPECT_EQ(S("nan"), *Aggregate("max_by", {x, y}));
  EXPECT_EQ(S("null-elem"), *Aggregate("min_by", {x, y}));
  Input y2{t,
           {row(1.0, IntArray({1, 2})), row(1.0, IntArray({1, 2, 0})), row(1.0, IntArray({2})),
            row(0.0, with_null), row(1.0, IntArray({1}))}};
  EXPECT_EQ(S("bigger"), *Aggregate("max_by", {x, y2}));
  EXPECT_EQ(S("null-elem"), *Aggregate("min_by", {x, y2}));
}

// max_by/min_by decide whether a row beats a group's kept ordering from the row's
// columns, without encoding it, and keep the ordering and value in one block that a
// replacing row reuses when it fits. Random rows over small domains (so that ties,
// NULL fields, NaN, -0.0, string and array prefixes come up often), in 61 groups and
// two batches with every state passed through Serialize/Deserialize in between:
// each group's result must be the row the reference ordering (kernels::CompareRows)
// and Spark's tie rule (the later row wins a tie) pick.
TEST(ByAggregateTest, RowsAgainstKeptOrderingMatchAReference) {
  const DataType arr = DataType::Array(DataType::Int32());
  const DataType ord = DataType::Struct({{"d", DataType::Double(), true},
                                         {"s", DataType::String(), true},
                                         {"a", arr, true},
                                         {"b", DataType::Boolean(), true}});
  std::mt19937_64 rng(18);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto random_ordering = [&]() -> Value {
    if (pick(12) == 0) return NullOf(ord);
    static const double kDoubles[] = {-0.0, 0.0, 2.0, std::nan("")};
    Value d = pick(8) == 0 ? NullOf(DataType::Double()) : D(kDoubles[pick(4)]);
    // Mostly one first byte, so that ties are broken further in.
    static const char* const kStrings[] = {"", "a", "ab", "a\x01\x02", "a\xff", "a\x01"};
    Value str = pick(8) == 0 ? NullOf(DataType::String()) : S(kStrings[pick(6)]);
    Value a = NullOf(arr);
    if (pick(8) != 0) {
      std::vector<Value> e;
      for (int k = pick(3); k > 0; --k) {
        e.push_back(pick(5) == 0 ? NullOf(DataType::Int32()) : I(pick(3)));
      }
      a = Value::Array(DataType::Int32(), std::move(e));
    }
    Value b = pick(8) == 0 ? NullOf(DataType::Boolean()) : Value::Boolean(pick(2) == 1);
    return Value::Struct(ord, {d, str, a, b});
  };
  constexpr int kGroups = 61;  // many small groups: many different winners
  constexpr int kRowsPerBatch = 400;
  for (const bool max : {true, false}) {
    SCOPED_TRACE(max ? "max_by" : "min_by");
    Result<AggregateCall> call = ResolveAggregate(
        max ? "max_by" : "min_by", {ColumnRef(0, "x", DataType::String()), ColumnRef(1, "y", ord)});
    ASSERT_TRUE(call.ok()) << call.status();
    const AggregateFunction& fn = *call->function;
    EvalOptions options;
    EvalContext ctx(options);
    States before(fn, kGroups), after(fn, kGroups);
    std::vector<Value> xs, ys;           // every row, both batches
    std::vector<int> best(kGroups, -1);  // the reference's row per group
    for (int batch = 0; batch < 2; ++batch) {
      auto xb = MakeBuilder(DataType::String());
      auto yb = MakeBuilder(ord);
      std::vector<uint8_t*> states;
      for (int i = 0; i < kRowsPerBatch; ++i) {
        // Values of varied lengths: a replacing row is sometimes longer than the
        // block holds, and sometimes longer than the 1 KiB an encoding is first
        // written into.
        const int length = pick(20) == 0 ? 1500 + pick(40) : pick(40);
        Value x = pick(10) == 0 ? NullOf(DataType::String())
                                : S("row" + std::to_string(xs.size()) +
                                    std::string(static_cast<size_t>(length), 'p'));
        Value y = random_ordering();
        ASSERT_TRUE(xb->AppendValue(x).ok());
        ASSERT_TRUE(yb->AppendValue(y).ok());
        const int g = pick(kGroups);
        states.push_back((batch == 0 ? before : after).at(g));
        xs.push_back(x);
        ys.push_back(y);
        // The reference, over the rows of group g so far: a NULL ordering is
        // skipped; the kept row stays only when it orders strictly first.
        const int row = static_cast<int>(xs.size()) - 1;
        if (y.is_null()) continue;
        if (best[g] < 0) {
          best[g] = row;
        } else {
          // Compared as columns of one row each, as the engine orders them.
          auto one = [&](const Value& v) {
            auto b = MakeBuilder(ord);
            EXPECT_TRUE(b->AppendValue(v).ok());
            return b->Finish();
          };
          ColumnPtr old_col = one(ys[static_cast<size_t>(best[g])]), new_col = one(y);
          const int c = kernels::CompareRows(*old_col, 0, *new_col, 0);
          if (!(max ? c > 0 : c < 0)) best[g] = row;
        }
      }
      std::vector<Datum> args{Datum::Flat(xb->Finish()), Datum::Flat(yb->Finish())};
      ASSERT_TRUE(fn.Update(ctx, states.data(), args, RowSet(kRowsPerBatch)).ok());
      if (batch == 0) {
        // Every state through its binary form, into the states batch 1 updates.
        for (int g = 0; g < kGroups; ++g) {
          std::string bytes;
          fn.Serialize(before.at(g), &bytes);
          ASSERT_TRUE(fn.Deserialize(bytes, after.at(g)).ok());
        }
      }
    }
    auto out = MakeBuilder(DataType::String());
    std::vector<const uint8_t*> finals;
    for (int g = 0; g < kGroups; ++g) finals.push_back(after.at(g));
    ASSERT_TRUE(fn.Finalize(ctx, finals.data(), kGroups, out.get()).ok());
    ColumnPtr result = out->Finish();
    for (int g = 0; g < kGroups; ++g) {
      SCOPED_TRACE("group " + std::to_string(g));
      ASSERT_GE(best[g], 0);
      EXPECT_EQ(xs[static_cast<size_t>(best[g])], GetValue(*result, g));
    }
  }
}

TEST(ByAggregateTest, RefusesStructHoldingAMapOrInterval) {
  DataType m = DataType::Map(DataType::String(), DataType::Int32());
  for (const DataType& inner : {m, DataType::Interval()}) {
    DataType t = DataType::Struct({{"a", DataType::Int32(), true}, {"m", inner, true}});
    Result<AggregateCall> r =
        ResolveAggregate("min_by", {ColumnRef(0, "x", DataType::Int32()), ColumnRef(1, "s", t)});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(std::string::npos, r.status().message().find("INVALID_ORDERING_TYPE"));
  }
}

TEST(AggregateRegistryTest, FormatsLikeSpark) {
  Result<AggregateCall> r = ResolveAggregate("stddev_pop", {ColumnRef(0, "x", DataType::Double())});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ("stddev_pop(x)", r->ToString());
}

TEST(AggregateRegistryTest, NewAggregatesAreRegistered) {
  for (const char* f : {"stddev", "stddev_samp", "stddev_pop", "std", "variance", "var_samp",
                        "var_pop", "collect_list", "collect_set", "array_agg", "max_by", "min_by",
                        "approx_count_distinct", "percentile_approx", "approx_percentile"}) {
    EXPECT_TRUE(IsAggregateFunction(f)) << f;
  }
  Result<AggregateCall> arity = ResolveAggregate("max_by", {ColumnRef(0, "x", DataType::Int32())});
  ASSERT_FALSE(arity.ok());
  EXPECT_NE(std::string::npos, arity.status().message().find("WRONG_NUM_ARGS"));
}

}  // namespace
}  // namespace weir
