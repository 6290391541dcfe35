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
