// min/max over STRUCT and ARRAY values, as Spark 3.5's Min/Max (Min.scala, Max.scala):
// the buffer starts NULL and is updated by least/greatest(buffer, input) and merged
// by least/greatest(left, right), so NULL inputs are skipped, an all-NULL group
// gives NULL, and the kept value changes only for a strictly smaller/larger one.
// The ordering is RowOrdering's (checkForOrderingExpr / RowOrdering.isOrderable):
// structs field by field, arrays element by element and then by length, a NULL
// field or element before any value, DOUBLE with NaN above all and -0.0 == 0.0
// (SQLOrderingUtil.compareDoubles). A MAP inside is refused (INVALID_ORDERING_TYPE).

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/functions/aggregate.h"
#include "weir/types/builder.h"

#include "tests/unit/functions/aggregate_test_util.h"

namespace weir {
namespace {

using testing::Aggregate;
using testing::Input;
using testing::States;

Value I(int32_t v) { return Value::Int32(v); }
Value D(double v) { return Value::Double(v); }
Value S(std::string v) { return Value::String(std::move(v)); }

// struct<a: INT, b: STRING>
DataType AB() {
  return DataType::Struct({{"a", DataType::Int32(), true}, {"b", DataType::String(), true}});
}
Value Ab(std::optional<int32_t> a, std::optional<std::string> b) {
  return Value::Struct(AB(), {a ? I(*a) : Value::Null(DataType::Int32()),
                              b ? S(*b) : Value::Null(DataType::String())});
}
DataType DS() { return DataType::Struct({{"d", DataType::Double(), true}}); }
Value Ds(double d) { return Value::Struct(DS(), {D(d)}); }
Value Arr(std::vector<std::optional<int32_t>> v) {
  std::vector<Value> e;
  for (auto x : v) e.push_back(x ? I(*x) : Value::Null(DataType::Int32()));
  return Value::Array(DataType::Int32(), std::move(e));
}
DataType IntArr() { return DataType::Array(DataType::Int32()); }

// Each Aggregate call also runs the rows as two partial states merged, and those
// states through Serialize/Deserialize, and fails unless all three agree.
TEST(NestedMinMaxTest, StructsCompareFieldByField) {
  Input x{AB(), {Ab(1, "z"), Ab(3, "a"), Ab(3, "b"), Ab(2, "zz")}};
  EXPECT_EQ(Ab(3, "b"), *Aggregate("max", {x}));
  EXPECT_EQ(Ab(1, "z"), *Aggregate("min", {x}));
}

TEST(NestedMinMaxTest, NullFieldsOrderFirstNullInputsSkipped) {
  Input x{AB(), {Ab(std::nullopt, "z"), Value::Null(AB()), Ab(0, std::nullopt), Ab(0, "")}};
  // A NULL field is below every value; a NULL struct is no input at all.
  EXPECT_EQ(Ab(std::nullopt, "z"), *Aggregate("min", {x}));
  EXPECT_EQ(Ab(0, ""), *Aggregate("max", {x}));
  Input only_nulls{AB(), {Value::Null(AB()), Value::Null(AB())}};
  EXPECT_TRUE(Aggregate("max", {only_nulls})->is_null());
  EXPECT_TRUE(Aggregate("min", {Input{AB(), {}}})->is_null());
}

TEST(NestedMinMaxTest, DoublesNaNGreatestNegativeZeroEqualsZero) {
  Input x{DS(), {Ds(1.0), Ds(std::nan("")), Ds(-3.0), Ds(INFINITY)}};
  EXPECT_TRUE(std::isnan(Aggregate("max", {x})->elements()[0].float64()));
  EXPECT_EQ(Ds(-3.0), *Aggregate("min", {x}));
  // -0.0 == 0.0: the first one stays (greatest/least take the input only when it is
  // strictly larger/smaller), on every path.
  Input z{DS(), {Ds(0.0), Ds(-0.0)}};
  EXPECT_EQ("{0.0}", Aggregate("max", {z})->ToString());
  EXPECT_EQ("{0.0}", Aggregate("min", {z})->ToString());
  Input nz{DS(), {Ds(-0.0), Ds(0.0)}};
  EXPECT_EQ("{-0.0}", Aggregate("max", {nz})->ToString());
}

TEST(NestedMinMaxTest, ArraysElementByElementThenLength) {
  Input x{IntArr(),
          {Arr({1, 2}), Arr({1, 2, 0}), Arr({1}), Arr({std::nullopt, 9}), Value::Null(IntArr())}};
  EXPECT_EQ(Arr({1, 2, 0}), *Aggregate("max", {x}));
  // [NULL, 9] < [1]: a NULL element before any value.
  EXPECT_EQ(Arr({std::nullopt, 9}), *Aggregate("min", {x}));
  Input y{IntArr(), {Arr({5}), Arr({}), Arr({4, 100})}};
  EXPECT_EQ(Arr({}), *Aggregate("min", {y}));
  EXPECT_EQ(Arr({5}), *Aggregate("max", {y}));
}

TEST(NestedMinMaxTest, ArraysOfStructs) {
  DataType t = DataType::Array(AB());
  Input x{t,
          {Value::Array(AB(), {Ab(1, "a"), Ab(2, "a")}), Value::Array(AB(), {Ab(1, "b")}),
           Value::Array(AB(), {Ab(1, "a"), Ab(2, std::nullopt)})}};
  EXPECT_EQ(Value::Array(AB(), {Ab(1, "b")}), *Aggregate("max", {x}));
  EXPECT_EQ(Value::Array(AB(), {Ab(1, "a"), Ab(2, std::nullopt)}), *Aggregate("min", {x}));
}

TEST(NestedMinMaxTest, RandomStructsAgreeWithValueOrder) {
  // Many rows: the result is the largest/smallest by a reference comparison of
  // (a, b) with NULLs first, on every path (global, merged, restored).
  std::mt19937 rng(7);
  Input x{AB(), {}};
  std::vector<std::pair<int, std::string>> seen;
  for (int k = 0; k < 500; ++k) {
    int a = static_cast<int>(rng() % 20) - 10;
    std::string b(rng() % 4, static_cast<char>('a' + rng() % 3));
    x.values.push_back(Ab(a, b));
    seen.emplace_back(a, b);
  }
  auto best = *std::max_element(seen.begin(), seen.end());
  auto least = *std::min_element(seen.begin(), seen.end());
  EXPECT_EQ(Ab(best.first, best.second), *Aggregate("max", {x}));
  EXPECT_EQ(Ab(least.first, least.second), *Aggregate("min", {x}));
}

TEST(NestedMinMaxTest, RefusesMapsInside) {
  DataType m = DataType::Map(DataType::String(), DataType::Int32());
  DataType s = DataType::Struct({{"m", m, true}});
  for (const DataType& t : {m, s, DataType::Array(s)}) {
    Result<AggregateCall> r = ResolveAggregate("max", {ColumnRef(0, "x", t)});
    ASSERT_FALSE(r.ok()) << t.ToString();
    EXPECT_NE(std::string::npos, r.status().message().find("INVALID_ORDERING_TYPE"));
  }
  // first/last over nested values are still refused (not ordering functions).
  EXPECT_FALSE(ResolveAggregate("first", {ColumnRef(0, "x", AB())}).ok());
}

// A state of max over struct<a, b> holding `v`, serialized.
std::string StateBytes(const AggregateFunction& fn, const std::vector<Value>& v) {
  auto b = MakeBuilder(AB());
  for (const Value& x : v) EXPECT_TRUE(b->AppendValue(x).ok());
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 1);
  std::vector<Datum> args = {Datum::Flat(b->Finish())};
  EXPECT_TRUE(fn.UpdateAll(ctx, st.at(0), args, RowSet(static_cast<int64_t>(v.size()))).ok());
  std::string bytes;
  fn.Serialize(st.at(0), &bytes);
  return bytes;
}

TEST(NestedMinMaxTest, StateRoundTripAndCorruption) {
  Result<AggregateCall> call = ResolveAggregate("max", {ColumnRef(0, "x", AB())});
  ASSERT_TRUE(call.ok()) << call.status();
  const AggregateFunction& fn = *call->function;
  EXPECT_EQ(AB(), fn.result_type());
  EvalOptions o;
  EvalContext ctx(o);
  for (const auto& rows : std::vector<std::vector<Value>>{
           {}, {Value::Null(AB())}, {Ab(4, "a long string past any inline size"), Ab(2, "x")}}) {
    std::string bytes = StateBytes(fn, rows);
    States st(fn, 1);
    ASSERT_TRUE(fn.Deserialize(bytes, st.at(0)).ok());
    std::string again;
    fn.Serialize(st.at(0), &again);
    EXPECT_EQ(bytes, again);
    // Every truncation and a trailing byte are Corruption, never a crash.
    for (size_t len = 0; len < bytes.size(); ++len) {
      States bad(fn, 1);
      EXPECT_TRUE(fn.Deserialize(std::string_view(bytes).substr(0, len), bad.at(0)).IsCorruption())
          << len;
    }
    States bad(fn, 1);
    EXPECT_TRUE(fn.Deserialize(bytes + "x", bad.at(0)).IsCorruption());
  }
  // Random bytes: rejected as Corruption, or accepted and then merged and finalized.
  std::mt19937 rng(99);
  const std::string good = StateBytes(fn, {Ab(4, "abc")});
  for (int trial = 0; trial < 500; ++trial) {
    std::string bytes = good;
    if (trial % 2 == 0) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    } else {
      bytes.resize(rng() % (good.size() + 8));
      for (char& ch : bytes) ch = static_cast<char>(rng());
    }
    States st(fn, 2);
    Status r = fn.Deserialize(bytes, st.at(0));
    if (!r.ok()) {
      EXPECT_TRUE(r.IsCorruption()) << r;
      continue;
    }
    EXPECT_TRUE(fn.Merge(ctx, st.at(1), st.at(0)).ok());
    auto out = MakeBuilder(fn.result_type());
    const uint8_t* states[2] = {st.at(0), st.at(1)};
    EXPECT_TRUE(fn.Finalize(ctx, states, 2, out.get()).ok());
  }
}

TEST(NestedMinMaxTest, MergeKeepsLeftOnTie) {
  Result<AggregateCall> call = ResolveAggregate("max", {ColumnRef(0, "x", DS())});
  ASSERT_TRUE(call.ok());
  const AggregateFunction& fn = *call->function;
  EvalOptions o;
  EvalContext ctx(o);
  States st(fn, 2);
  auto feed = [&](int k, double d) {
    auto b = MakeBuilder(DS());
    ASSERT_TRUE(b->AppendValue(Ds(d)).ok());
    std::vector<Datum> args = {Datum::Flat(b->Finish())};
    ASSERT_TRUE(fn.UpdateAll(ctx, st.at(k), args, RowSet(1)).ok());
  };
  feed(0, -0.0);
  feed(1, 0.0);
  ASSERT_TRUE(fn.Merge(ctx, st.at(0), st.at(1)).ok());  // equal: greatest keeps the left
  auto out = MakeBuilder(fn.result_type());
  const uint8_t* one[1] = {st.at(0)};
  ASSERT_TRUE(fn.Finalize(ctx, one, 1, out.get()).ok());
  EXPECT_EQ("{-0.0}", GetValue(*out->Finish(), 0).ToString());
}

}  // namespace
}  // namespace weir
