// Tests of the internal top-K aggregate (src/weir/functions/aggregates_topk.h): its
// result must be the first K elements of sort_array(collect_list(x), asc) — checked
// against the real sort_array over the same rows — whatever path the states take
// (one state, batches, partial states merged, serialized and read back).

#include "weir/functions/aggregates_topk.h"

#include <random>

#include <gtest/gtest.h>

#include "aggregate_test_util.h"
#include "function_test_util.h"

namespace weir::testing {
namespace {

// A column of `type` holding `values`.
ColumnPtr ColumnOf(const DataType& type, const std::vector<Value>& values) {
  auto b = MakeBuilder(type);
  for (const Value& v : values) EXPECT_TRUE(b->AppendValue(v).ok());
  return b->Finish();
}

// The first k elements of sort_array(non-NULL values, asc), by weir's sort_array.
Value Expected(const DataType& type, const std::vector<Value>& values, int k, bool asc) {
  std::vector<Value> kept;
  for (const Value& v : values) {
    if (!v.is_null()) kept.push_back(v);
  }
  auto sorted = EvalLiterals("sort_array", {Value::Array(type, kept), Value::Boolean(asc)});
  EXPECT_TRUE(sorted.ok()) << sorted.status().ToString();
  std::vector<Value> e = sorted->elements();
  if (e.size() > static_cast<size_t>(k)) e.resize(static_cast<size_t>(k));
  return Value::Array(type, std::move(e));
}

class TopKRunner {
 public:
  TopKRunner(const DataType& type, int k, bool asc)
      : type_(type), fn_(MakeTopKAggregate(type, k, asc)) {}

  const AggregateFunction& fn() const { return *fn_; }

  // Updates states[group[i]] with values[i], a batch of `batch` rows at a time.
  void Update(States* states, const std::vector<Value>& values, const std::vector<int>& group,
              size_t batch) {
    for (size_t begin = 0; begin < values.size(); begin += batch) {
      const size_t end = std::min(values.size(), begin + batch);
      std::vector<Value> part(values.begin() + static_cast<ptrdiff_t>(begin),
                              values.begin() + static_cast<ptrdiff_t>(end));
      Datum d = Datum::Flat(ColumnOf(type_, part));
      std::vector<uint8_t*> per_row;
      for (size_t i = begin; i < end; ++i) per_row.push_back(states->at(group[i]));
      const auto n = static_cast<int64_t>(end - begin);
      ASSERT_TRUE(fn_->Update(ctx_, per_row.data(), {d}, RowSet(n)).ok());
    }
  }

  Value Finalize(uint8_t* state) {
    auto out = MakeBuilder(fn_->result_type());
    const uint8_t* one[1] = {state};
    EXPECT_TRUE(fn_->Finalize(ctx_, one, 1, out.get()).ok());
    ColumnPtr col = out->Finish();
    EXPECT_EQ(col->length(), 1);
    return GetValue(*col, 0);
  }

  // The result over `values` in one group, five ways: one state fed in batches of
  // `batch`; the first and second halves in two states merged; the same after a
  // Serialize / Deserialize of both halves; the first half read back, then the
  // second added. Expects all to equal Expected().
  void CheckAllPaths(const std::vector<Value>& values, int k, bool asc, size_t batch) {
    // Compared as text: Value equality takes -0.0 for 0.0.
    const Value want = Expected(type_, values, k, asc);
    const std::vector<int> zeros(values.size(), 0);
    States one(*fn_, 1);
    Update(&one, values, zeros, batch);
    EXPECT_EQ(want.ToString(), Finalize(one.at(0)).ToString());

    const size_t half = values.size() / 2;
    std::vector<int> halves(values.size(), 0);
    for (size_t i = half; i < values.size(); ++i) halves[i] = 1;
    States parts(*fn_, 2);
    Update(&parts, values, halves, batch);
    States copies(*fn_, 2);
    for (int s = 0; s < 2; ++s) {
      std::string bytes;
      fn_->Serialize(parts.at(s), &bytes);
      ASSERT_TRUE(fn_->Deserialize(bytes, copies.at(s)).ok());
    }
    ASSERT_TRUE(fn_->Merge(ctx_, parts.at(0), parts.at(1)).ok());
    EXPECT_EQ(want.ToString(), Finalize(parts.at(0)).ToString());
    ASSERT_TRUE(fn_->Merge(ctx_, copies.at(0), copies.at(1)).ok());
    EXPECT_EQ(want.ToString(), Finalize(copies.at(0)).ToString());

    // The first half, read back, then the second half added to it.
    std::vector<Value> head(values.begin(), values.begin() + static_cast<ptrdiff_t>(half));
    std::vector<Value> tail(values.begin() + static_cast<ptrdiff_t>(half), values.end());
    States before(*fn_, 1), after(*fn_, 1);
    Update(&before, head, std::vector<int>(head.size(), 0), batch);
    std::string bytes;
    fn_->Serialize(before.at(0), &bytes);
    ASSERT_TRUE(fn_->Deserialize(bytes, after.at(0)).ok());
    Update(&after, tail, std::vector<int>(tail.size(), 0), batch);
    EXPECT_EQ(want.ToString(), Finalize(after.at(0)).ToString());
  }

 private:
  DataType type_;
  AggregateFunctionPtr fn_;
  EvalOptions options_;
  EvalContext ctx_{options_};
};

TEST(TopKAggregate, NameAndType) {
  AggregateFunctionPtr fn = MakeTopKAggregate(DataType::Int32(), 10, false);
  EXPECT_EQ("_top_k_10_desc", fn->name());
  EXPECT_EQ("_top_k(x, 10, false)", fn->Format({"x"}));
  EXPECT_EQ(DataType::Array(DataType::Int32(), false), fn->result_type());
  EXPECT_EQ("_top_k_3_asc", MakeTopKAggregate(DataType::Int32(), 3, true)->name());
}

TEST(TopKAggregate, SmallCases) {
  TopKRunner desc(DataType::Int32(), 3, false);
  States s(desc.fn(), 1);
  EXPECT_EQ(Value::Array(DataType::Int32(), {}), desc.Finalize(s.at(0)));  // no rows: []
  desc.Update(&s, {Value::Int32(5), Value::Null(DataType::Int32()), Value::Int32(9)}, {0, 0, 0}, 8);
  EXPECT_EQ(Value::Array(DataType::Int32(), {Value::Int32(9), Value::Int32(5)}),
            desc.Finalize(s.at(0)));
  desc.Update(&s, {Value::Int32(7), Value::Int32(1), Value::Int32(9), Value::Int32(8)},
              {0, 0, 0, 0}, 8);
  EXPECT_EQ(Value::Array(DataType::Int32(), {Value::Int32(9), Value::Int32(9), Value::Int32(8)}),
            desc.Finalize(s.at(0)));
}

TEST(TopKAggregate, TiesKeepInputOrder) {
  // -0.0 and 0.0 compare equal but print differently: the one that came first wins,
  // as sort_array's stable sort keeps it first.
  const DataType d = DataType::Double();
  for (bool asc : {true, false}) {
    TopKRunner r(d, 1, asc);
    r.CheckAllPaths({Value::Double(-0.0), Value::Double(0.0)}, 1, asc, 1);
    r.CheckAllPaths({Value::Double(0.0), Value::Double(-0.0)}, 1, asc, 1);
    r.CheckAllPaths({Value::Double(0.0), Value::Double(-0.0)}, 1, asc, 2);
    TopKRunner two(d, 2, asc);
    two.CheckAllPaths({Value::Double(1.0), Value::Double(-0.0), Value::Double(2.0),
                       Value::Double(0.0), Value::Double(-0.0)},
                      2, asc, 2);
  }
  // A merge puts the left state's equal elements first.
  TopKRunner r(d, 1, true);
  States s(r.fn(), 2);
  r.Update(&s, {Value::Double(0.0), Value::Double(-0.0)}, {0, 1}, 2);
  EvalOptions options;
  EvalContext ctx(options);
  ASSERT_TRUE(r.fn().Merge(ctx, s.at(1), s.at(0)).ok());
  EXPECT_EQ("[-0.0]", r.Finalize(s.at(1)).ToString());
}

// Structs with NULL fields, many duplicates, NULL inputs, several K and batch
// sizes (a batch larger than the fold threshold folds mid-batch), both directions.
TEST(TopKAggregate, RandomStructsAgainstSortArray) {
  const DataType type =
      DataType::Struct({{"price", DataType::Int64()}, {"name", DataType::String()}});
  std::mt19937 rng(19);
  for (int round = 0; round < 40; ++round) {
    std::vector<Value> values;
    const int n = static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) {
      if (rng() % 10 == 0) {
        values.push_back(Value::Null(type));
        continue;
      }
      Value price = rng() % 7 == 0 ? Value::Null(DataType::Int64())
                                   : Value::Int64(static_cast<int64_t>(rng() % 20));
      Value name = rng() % 5 == 0
                       ? Value::Null(DataType::String())
                       : Value::String(std::string(1, static_cast<char>('a' + rng() % 3)));
      values.push_back(Value::Struct(type, {price, name}));
    }
    const int k = 1 + static_cast<int>(rng() % 12);
    const bool asc = rng() % 2 == 0;
    const size_t batch = 1 + rng() % 200;
    TopKRunner r(type, k, asc);
    r.CheckAllPaths(values, k, asc, batch);
  }
}

// Many equal but distinguishable elements (-0.0 and 0.0): which ones make the
// first K, and in which order, must follow input order exactly.
TEST(TopKAggregate, RandomSignedZeros) {
  std::mt19937 rng(7);
  const double pool[] = {-0.0, 0.0, 1.0, -1.0};
  for (int round = 0; round < 40; ++round) {
    std::vector<Value> values;
    const int n = 1 + static_cast<int>(rng() % 120);
    for (int i = 0; i < n; ++i) values.push_back(Value::Double(pool[rng() % 4]));
    const int k = 1 + static_cast<int>(rng() % 6);
    const bool asc = rng() % 2 == 0;
    TopKRunner r(DataType::Double(), k, asc);
    r.CheckAllPaths(values, k, asc, 1 + rng() % 50);
  }
}

TEST(TopKAggregate, ManyGroupsInOneBatch) {
  TopKRunner r(DataType::Int64(), 2, false);
  std::vector<Value> values;
  std::vector<int> group;
  std::vector<std::vector<Value>> per_group(5);
  for (int i = 0; i < 1000; ++i) {
    values.push_back(Value::Int64((i * 7919) % 101));
    group.push_back(i % 5);
    per_group[static_cast<size_t>(i % 5)].push_back(values.back());
  }
  States s(r.fn(), 5);
  r.Update(&s, values, group, 1000);
  for (int g = 0; g < 5; ++g) {
    EXPECT_EQ(Expected(DataType::Int64(), per_group[static_cast<size_t>(g)], 2, false),
              r.Finalize(s.at(g)));
  }
}

TEST(TopKAggregate, ReadsCollectListStatesAndRejectsBadBytes) {
  // A collect_list state (longer and unsorted) reads back as its top K.
  const DataType t = DataType::String();
  std::vector<Value> values;
  for (const char* v : {"m", "b", "z", "a", "q"}) values.push_back(Value::String(v));
  auto list = ResolveAggregate("collect_list", {ColumnRef(0, "x", t)});
  ASSERT_TRUE(list.ok());
  const AggregateFunction& cl = *list->function;
  States ls(cl, 1);
  EvalOptions options;
  EvalContext ctx(options);
  ASSERT_TRUE(cl.UpdateAll(ctx, ls.at(0), {Datum::Flat(ColumnOf(t, values))}, RowSet(5)).ok());
  std::string bytes;
  cl.Serialize(ls.at(0), &bytes);
  TopKRunner r(t, 2, true);
  States s(r.fn(), 1);
  ASSERT_TRUE(r.fn().Deserialize(bytes, s.at(0)).ok());
  EXPECT_EQ(Value::Array(t, {Value::String("a"), Value::String("b")}), r.Finalize(s.at(0)));
  // Rows added after it compare with its K-th element ("b").
  TopKRunner more(t, 2, true);
  States s2(more.fn(), 1);
  ASSERT_TRUE(more.fn().Deserialize(bytes, s2.at(0)).ok());
  more.Update(&s2, {Value::String("c"), Value::String("ab")}, {0, 0}, 2);
  EXPECT_EQ(Value::Array(t, {Value::String("a"), Value::String("ab")}), more.Finalize(s2.at(0)));
  // Its own form round-trips, and damaged bytes are Corruption, not a crash.
  std::string own;
  r.fn().Serialize(s.at(0), &own);
  for (size_t cut = 0; cut < own.size(); ++cut) {
    States bad(r.fn(), 1);
    Status st = r.fn().Deserialize(own.substr(0, cut), bad.at(0));
    EXPECT_TRUE(st.IsCorruption()) << cut << " " << st.ToString();
  }
  EXPECT_TRUE(r.fn().Deserialize(own + "x", s.at(0)).IsCorruption());
  States back(r.fn(), 1);
  ASSERT_TRUE(r.fn().Deserialize(own, back.at(0)).ok());
  EXPECT_EQ(r.Finalize(s.at(0)), r.Finalize(back.at(0)));
}

}  // namespace
}  // namespace weir::testing
