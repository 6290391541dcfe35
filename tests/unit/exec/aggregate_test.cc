#include "weir/exec/group_table.h"
#include "weir/exec/state_codec.h"
#include "weir/functions/value_codec_internal.h"

#include "exec_test_util.h"

namespace weir::exec::testing {
namespace {

class AggregateTest : public ExecTest {};

std::vector<Field> KV() { return {{"k", DataType::Int64(), true}, {"v", DataType::Int64(), true}}; }

TEST_F(AggregateTest, GroupByWithNullGroup) {
  auto t = Table(KV(), {{I(1), I(10)},
                        {I(2), I(20)},
                        {NullI(), I(5)},
                        {I(1), I(1)},
                        {NullI(), NullI()},
                        {I(2), NullI()},
                        {I(3), I(7)}});
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0)},
      std::vector<AggregateCall>{Agg("sum", {Col(t, 1)}), Agg("count", {Col(t, 1)}),
                                 Agg("count", {Lit(I32(1))})},
      std::vector<std::string>{"k", "s", "c", "n"});
  EXPECT_ROWS(SortRows({{I(1), I(11), I(2), I(2)},
                        {I(2), I(20), I(1), I(2)},
                        {I(3), I(7), I(1), I(1)},
                        {NullI(), I(5), I(1), I(2)}}),
              RunSorted(agg));
}

TEST_F(AggregateTest, StringAndMultipleKeys) {
  auto t = Table({{"a", DataType::String(), true},
                  {"b", DataType::Int64(), true},
                  {"v", DataType::Double(), true}},
                 {{S("x"), I(1), D(1.5)},
                  {S("a much longer string key"), I(1), D(2)},
                  {S("x"), I(1), D(3)},
                  {NullS(), NullI(), D(1)},
                  {S("x"), I(2), D(4)},
                  {NullS(), NullI(), D(2)},
                  {S("a much longer string key"), I(1), D(-1)}});
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0), Col(t, 1)},
      std::vector<AggregateCall>{Agg("sum", {Col(t, 2)}), Agg("max", {Col(t, 2)})},
      std::vector<std::string>{"a", "b", "s", "m"});
  EXPECT_ROWS(SortRows({{S("x"), I(1), D(4.5), D(3)},
                        {S("a much longer string key"), I(1), D(1), D(2)},
                        {S("x"), I(2), D(4), D(4)},
                        {NullS(), NullI(), D(3), D(2)}}),
              RunSorted(agg));
}

TEST_F(AggregateTest, DoubleKeysNormalizeZeroAndNaN) {
  auto t = Table({{"d", DataType::Double(), true}},
                 {{D(0.0)}, {D(-0.0)}, {D(std::nan(""))}, {D(-std::nan(""))}, {D(1)}});
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0)}, std::vector<AggregateCall>{Agg("count", {Lit(I32(1))})},
      std::vector<std::string>{"d", "n"});
  Rows rows = RunSorted(agg);
  ASSERT_EQ(3u, rows.size()) << Show(rows);
}

TEST_F(AggregateTest, GlobalAggregateOnEmptyInput) {
  auto t = Table(KV(), {});
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{},
      std::vector<AggregateCall>{Agg("sum", {Col(t, 1)}), Agg("count", {Col(t, 1)})},
      std::vector<std::string>{"s", "c"});
  EXPECT_ROWS(Rows({{NullI(), I(0)}}), Run(agg));
}

TEST_F(AggregateTest, GroupedAggregateOnEmptyInputHasNoRows) {
  auto t = Table(KV(), {});
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0)}, std::vector<AggregateCall>{Agg("sum", {Col(t, 1)})},
      std::vector<std::string>{"k", "s"});
  EXPECT_TRUE(Run(agg).empty());
}

TEST_F(AggregateTest, GlobalAggregateOverPartitions) {
  Rows rows;
  for (int i = 0; i < 100; ++i) rows.push_back({I(i % 7), I(i)});
  auto t = Table(KV(), rows, 5, 3);
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{},
      std::vector<AggregateCall>{Agg("sum", {Col(t, 1)}), Agg("count", {Lit(I32(1))}),
                                 Agg("min", {Col(t, 1)})},
      std::vector<std::string>{"s", "c", "m"});
  EXPECT_ROWS(Rows({{I(4950), I(100), I(0)}}), Run(agg));
}

TEST_F(AggregateTest, DistinctAndFilter) {
  auto t = Table(
      KV(),
      {{I(1), I(10)}, {I(1), I(10)}, {I(1), I(20)}, {I(2), I(5)}, {I(2), I(5)}, {I(2), NullI()}});
  ExprPtr big = Fn(">", {Col(t, 1), Lit(I(7))});
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0)},
      std::vector<AggregateCall>{Agg("count", {Col(t, 1)}, true), Agg("sum", {Col(t, 1)}, true),
                                 Agg("count", {Lit(I32(1))}, false, big)},
      std::vector<std::string>{"k", "cd", "sd", "cf"});
  EXPECT_ROWS(SortRows({{I(1), I(2), I(30), I(3)}, {I(2), I(1), I(5), I(0)}}), RunSorted(agg));
}

TEST_F(AggregateTest, RepeatedFiltersAndArgumentsShareOneEvaluation) {
  // Two columns both named "v": the same text over different columns must not be
  // taken for one expression; the repeated filter and argument are reused.
  auto t = Table({{"k", DataType::Int64(), true},
                  {"v", DataType::Int64(), true},
                  {"v", DataType::Int64(), true}},
                 {{I(1), I(10), I(1)},
                  {I(1), I(8), I(9)},
                  {I(1), I(3), I(20)},
                  {I(2), I(9), I(9)},
                  {I(2), NullI(), I(30)}},
                 2, 2);
  ExprPtr big1 = Fn(">", {Col(t, 1), Lit(I(7))});
  ExprPtr big1_again = Fn(">", {Col(t, 1), Lit(I(7))});
  ExprPtr big2 = Fn(">", {Col(t, 2), Lit(I(7))});
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0)},
      std::vector<AggregateCall>{
          Agg("count", {Lit(I32(1))}, false, big1), Agg("sum", {Col(t, 1)}, false, big1_again),
          Agg("count", {Lit(I32(1))}, false, big2), Agg("sum", {Col(t, 2)}, false, big1),
          Agg("collect_set", {Col(t, 2)}, false, big2), Agg("collect_set", {Col(t, 1)})},
      std::vector<std::string>{"k", "c1", "s1", "c2", "s21", "set2", "set1"});
  Rows rows = RunSorted(agg);
  ASSERT_EQ(2u, rows.size()) << Show(rows);
  // k = 1: v1 > 7 on rows 1, 2 (sum of v1 18, of v2 10); v2 > 7 on rows 2, 3.
  EXPECT_EQ(I(2), rows[0][1]);
  EXPECT_EQ(I(18), rows[0][2]);
  EXPECT_EQ(I(2), rows[0][3]);
  EXPECT_EQ(I(10), rows[0][4]);
  EXPECT_EQ(2u, rows[0][5].elements().size());
  EXPECT_EQ(3u, rows[0][6].elements().size());
  // k = 2: v1 > 7 on row 4 only; v2 > 7 on both.
  EXPECT_EQ(I(1), rows[1][1]);
  EXPECT_EQ(I(9), rows[1][2]);
  EXPECT_EQ(I(2), rows[1][3]);
  EXPECT_EQ(I(9), rows[1][4]);
  EXPECT_EQ(2u, rows[1][5].elements().size());
  EXPECT_EQ(1u, rows[1][6].elements().size());
}

TEST(StateCodecTest, SerializeStateRowWritesSerializeStatesBytes) {
  std::vector<AggregateCall> calls = {Agg("count", {Lit(I32(1))}), Agg("collect_set", {Lit(I(5))}),
                                      Agg("max_by", {Lit(S("x")), Lit(I(3))})};
  AggregateStates states(&calls);
  states.Grow(2);
  EvalOptions o;
  EvalContext ectx(o);
  for (size_t a = 0; a < calls.size(); ++a) {
    std::vector<Datum> args;
    for (const ExprPtr& e : calls[a].args) {
      args.push_back(Datum::Constant(static_cast<const LiteralExpr&>(*e).value()));
    }
    ASSERT_TRUE(calls[a].function->UpdateAll(ectx, states.state(1, a), args, RowSet(3)).ok());
  }
  for (uint32_t g = 0; g < 2; ++g) {
    std::string expected, actual = "prefix";
    SerializeStates(calls, states, g, &expected);
    SerializeStateRow(calls, states, states.row(g), &actual);
    EXPECT_EQ("prefix" + expected, actual);
    AggregateStates back(&calls);
    back.Grow(1);
    ASSERT_TRUE(DeserializeStates(calls, actual.substr(6), back, 0).ok());
    std::string again;
    SerializeStates(calls, back, 0, &again);
    EXPECT_EQ(expected, again);
  }
}

TEST(KeyEncoderTest, DirectPathsWriteTheGeneralPathsBytes) {
  // A time window's struct takes a direct path; its bytes must stay those of
  // codec::EncodeValue (they are state keys in checkpoints).
  DataType win = DataType::Struct(
      {{"start", DataType::Timestamp(), true}, {"end", DataType::Timestamp(), true}});
  DataType mixed = DataType::Struct({{"d", DataType::Double(), true},
                                     {"b", DataType::Boolean(), true},
                                     {"i", DataType::Int32(), true},
                                     {"s", DataType::String(), true}});
  // Each case once with NULLs (the general path) and once without (the loops for
  // keys of one size).
  std::vector<std::pair<DataType, std::vector<Value>>> cases = {
      {win,
       {Value::Struct(win, {Value::Timestamp(10), Value::Timestamp(20)}),
        Value::Struct(win, {Value::Null(DataType::Timestamp()), Value::Timestamp(-5)}),
        Value::Null(win)}},
      {win,
       {Value::Struct(win, {Value::Timestamp(10), Value::Timestamp(20)}),
        Value::Struct(win, {Value::Timestamp(-7), Value::Timestamp(-5)})}},
      {mixed,
       {Value::Struct(mixed, {D(-0.0), Value::Boolean(true), I32(7), S("x")}),
        Value::Struct(mixed, {Value::Null(DataType::Double()), Value::Boolean(false),
                              Value::Null(DataType::Int32()), S("")})}},
      {DataType::Int64(), {I(3), I(-1)}},
      {DataType::Int64(), {I(3), Value::Null(DataType::Int64())}},
      {DataType::Date(), {Value::Date(3), Value::Date(-9)}},
      {DataType::Double(), {D(-0.0), D(2.5)}},
  };
  for (const auto& [t, rows] : cases) {
    auto b = MakeBuilder(t);
    for (const Value& v : rows) ASSERT_TRUE(b->AppendValue(v).ok());
    ColumnPtr col = b->Finish();
    KeyEncoder enc;
    enc.Encode({Datum::Flat(col)}, RowSet(col->length()));
    std::vector<std::string_view> keys;
    for (int64_t r = 0; r < col->length(); ++r) {
      std::string expected;
      if (col->IsNull(r)) {
        expected.push_back(0);
      } else if (codec::FixedWidth(t.id()) > 0) {
        // Top-level fixed-width keys: the flag and the bytes (-0.0 written as 0.0).
        std::string value;
        if (t.id() == TypeId::kDouble && col->Get<double>(r) == 0.0) {
          value.assign(8, '\0');
        } else {
          codec::EncodeValue(*col, r, &value);
        }
        expected.push_back(1);
        expected += value;
      } else {
        std::string value;
        codec::EncodeValue(*col, r, &value);
        const auto len = static_cast<uint32_t>(value.size());
        expected.push_back(1);
        expected.append(reinterpret_cast<const char*>(&len), 4);
        expected += value;
      }
      EXPECT_EQ(expected, std::string(enc.key(r))) << t.ToString() << " row " << r;
      keys.push_back(enc.key(r));
    }
    std::vector<ColumnPtr> back;
    ASSERT_TRUE(DecodeKeys(keys, {t}, &back).ok());
    for (int64_t r = 0; r < col->length(); ++r) {
      EXPECT_EQ(GetValue(*col, r), GetValue(*back[0], r)) << r;
    }
  }
}

// The coded layout (an integer key with one or two STRING keys, for aggregation)
// must number groups as the byte layout does and give the same group_hash and key
// columns: NULLs in every key, strings longer than a StringRef holds inline, rows
// of a selection, InsertFrom between layouts, Find, reserved tables, and a string key with more
// distinct values than a dictionary takes (the table turns into the byte layout
// halfway).
TEST(GroupTableTest, CodedLayoutMatchesByteLayout) {
  const std::vector<std::vector<DataType>> layouts = {
      {DataType::Int64(), DataType::String()},
      {DataType::String()},
      {DataType::String(), DataType::Int32(), DataType::String()},
      {DataType::Boolean(), DataType::String()},
      {DataType::Timestamp(), DataType::String(), DataType::String()},
      // Two integers (the pair layout).
      {DataType::Int32(), DataType::Int64()},
      {DataType::Int64(), DataType::Int64()},
      {DataType::Int64(), DataType::Int32()},
      {DataType::Boolean(), DataType::Timestamp()},
      // One integer (the integer layout, whatever code_strings says).
      {DataType::Int64()}};
  for (const std::vector<DataType>& types : layouts) {
    // 1000000 distinct: ~45000 strings seen, more than a dictionary takes; integers
    // spread over 100000 values (several table growths).
    for (int distinct : {7, 1000000}) {
      GroupTable coded(types, /*code_strings=*/true);
      GroupTable plain(types);
      GroupTable merged(types, /*code_strings=*/true);
      // Reserved up front (Reserve): fewer groups than the table gets, which must
      // still grow, and more.
      coded.Reserve(3000);
      merged.Reserve(200000);
      uint32_t lcg = 12345;
      auto next = [&]() { return lcg = lcg * 1103515245u + 12345u; };
      for (int batch = 0; batch < 10; ++batch) {
        const int n = 5000;
        std::vector<Datum> keys;
        for (const DataType& t : types) {
          auto b = MakeBuilder(t);
          for (int r = 0; r < n; ++r) {
            const uint32_t x = next() >> 8;
            // Every third batch has no NULLs (the columns' no-NULL paths).
            if (x % 23 == 0 && batch % 3 != 2) {
              b->AppendNull();
            } else if (t.id() == TypeId::kString) {
              const int v = static_cast<int>(x % static_cast<uint32_t>(distinct));
              ASSERT_TRUE(
                  b->AppendValue(S(v % 3 == 0 ? "a string longer than twelve " + std::to_string(v)
                                              : "s" + std::to_string(v)))
                      .ok());
            } else if (t.id() == TypeId::kBoolean) {
              ASSERT_TRUE(b->AppendValue(Value::Boolean(x % 2 == 0)).ok());
            } else if (t.id() == TypeId::kInt32) {
              ASSERT_TRUE(b->AppendValue(I32(static_cast<int32_t>(x % 50) - 25)).ok());
            } else if (distinct > 7 && t.id() == TypeId::kInt64) {
              // Large and negative values, equal in their low 32 bits.
              ASSERT_TRUE(b->AppendValue(I((static_cast<int64_t>(x % 100000) - 50000) << 32)).ok());
            } else if (t.id() == TypeId::kTimestamp) {
              ASSERT_TRUE(b->AppendValue(Value::Timestamp(static_cast<int64_t>(x % 300))).ok());
            } else {
              ASSERT_TRUE(b->AppendValue(I(static_cast<int64_t>(x % 300) - 150)).ok());
            }
          }
          keys.push_back(Datum::Flat(b->Finish()));
        }
        // Odd batches: a selection of every third row.
        std::vector<uint32_t> sel;
        for (uint32_t r = 0; r < static_cast<uint32_t>(n); r += 3) sel.push_back(r);
        const RowSet rows = batch % 2 == 0 ? RowSet(n) : RowSet(n, sel);
        std::vector<uint32_t> a(n, kNoGroup), b(n, kNoGroup), found(n, kNoGroup);
        // Find before the batch's keys are inserted: kNoGroup for the new ones.
        {
          KeyEncoder scratch;
          std::vector<uint32_t> before(n, kNoGroup), want(n, kNoGroup);
          coded.Find(keys, RowSet(n), before.data(), &scratch);
          plain.Find(keys, RowSet(n), want.data(), &scratch);
          ASSERT_EQ(want, before);
        }
        coded.FindOrInsert(keys, rows, a.data());
        plain.FindOrInsert(keys, rows, b.data());
        rows.ForEach(
            [&](int64_t i) { ASSERT_EQ(b[i], a[i]) << "batch " << batch << " row " << i; });
        KeyEncoder scratch;
        coded.Find(keys, RowSet(n), found.data(), &scratch);
        std::vector<uint32_t> want(n, kNoGroup);
        plain.Find(keys, RowSet(n), want.data(), &scratch);
        EXPECT_EQ(want, found);
      }
      ASSERT_EQ(plain.num_groups(), coded.num_groups());
      std::vector<uint32_t> all;
      for (uint32_t g = 0; g < coded.num_groups(); ++g) {
        all.push_back(g);
        ASSERT_EQ(plain.group_hash(g), coded.group_hash(g));
      }
      Result<std::vector<ColumnPtr>> kc = coded.KeyColumns(all);
      Result<std::vector<ColumnPtr>> kp = plain.KeyColumns(all);
      ASSERT_TRUE(kc.ok() && kp.ok());
      for (size_t c = 0; c < types.size(); ++c) {
        for (uint32_t g = 0; g < coded.num_groups(); ++g) {
          ASSERT_EQ(GetValue(*(*kp)[c], g), GetValue(*(*kc)[c], g));
        }
      }
      // InsertFrom, from either layout into a coded table, in reverse order: the
      // same groups, and a second pass finds them all.
      for (uint32_t g = coded.num_groups(); g-- > 0;) {
        const uint32_t m = merged.InsertFrom(g % 2 == 0 ? coded : plain, g);
        ASSERT_EQ(coded.num_groups() - 1 - g, m);
      }
      for (uint32_t g = 0; g < coded.num_groups(); ++g) {
        ASSERT_EQ(coded.num_groups() - 1 - g, merged.InsertFrom(plain, g));
        ASSERT_EQ(coded.group_hash(g), merged.group_hash(coded.num_groups() - 1 - g));
      }
    }
  }
}

TEST_F(AggregateTest, ManyGroupsAcrossPartitions) {
  Rows rows;
  for (int i = 0; i < 5000; ++i) rows.push_back({I(i % 1000), I(1)});
  auto t = Table(KV(), rows, 4, 512);
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0)}, std::vector<AggregateCall>{Agg("sum", {Col(t, 1)})},
      std::vector<std::string>{"k", "s"});
  for (int parts : {1, 3}) {
    PlannerOptions opts;
    opts.shuffle_partitions = parts;
    Rows out = RunSorted(agg, opts);
    ASSERT_EQ(1000u, out.size());
    for (const Row& r : out) EXPECT_EQ(5, r[1].int64());
  }
}

TEST_F(AggregateTest, AnsiOverflowIsAStatus) {
  ctx_.eval.ansi = true;
  auto t = Table(KV(), {{I(1), I(INT64_MAX)}, {I(1), I(1)}}, 1, 10);
  auto agg = std::make_shared<plan::AggregateNode>(
      t, std::vector<ExprPtr>{Col(t, 0)},
      std::vector<AggregateCall>{Agg("sum", {Fn("+", {Col(t, 1), Lit(I(1))})})},
      std::vector<std::string>{"k", "s"});
  auto r = RunBatches(agg);
  EXPECT_FALSE(r.ok());
}

TEST_F(AggregateTest, AnsiOverflowInProjectIsAStatus) {
  ctx_.eval.ansi = true;
  auto t = Table(KV(), {{I(1), I(INT64_MAX)}}, 1, 10);
  auto proj = std::make_shared<plan::ProjectNode>(
      t, std::vector<ExprPtr>{Fn("+", {Col(t, 1), Lit(I(1))})}, std::vector<std::string>{"x"});
  auto r = RunBatches(proj);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().ToString().find("overflow")) << r.status().ToString();
}

}  // namespace
}  // namespace weir::exec::testing
