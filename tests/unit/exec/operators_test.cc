#include "weir/functions/generator.h"

#include "exec_test_util.h"

namespace weir::exec::testing {
namespace {

class OperatorsTest : public ExecTest {
 protected:
  OperatorsTest() {
    Rows rows;
    for (int i = 0; i < 10; ++i) rows.push_back({I(i), S("s" + std::to_string(i))});
    t_ = Table({{"k", DataType::Int64(), true}, {"s", DataType::String(), true}}, rows, 3, 2);
  }
  plan::LogicalPlanPtr t_;
};

TEST_F(OperatorsTest, ScanProjectFilter) {
  auto f = std::make_shared<plan::FilterNode>(t_, Fn(">=", {Col(t_, 0), Lit(I(7))}));
  auto p = std::make_shared<plan::ProjectNode>(
      f, std::vector<ExprPtr>{Col(f, 1), Fn("*", {Col(f, 0), Lit(I(2))})},
      std::vector<std::string>{"s", "k2"});
  EXPECT_ROWS(SortRows({{S("s7"), I(14)}, {S("s8"), I(16)}, {S("s9"), I(18)}}), RunSorted(p));
  EXPECT_NE(std::string::npos, explain_.find("Filter")) << explain_;
}

TEST_F(OperatorsTest, Values) {
  SchemaPtr schema = MakeSchema({{"a", DataType::Int64(), true}});
  auto v = std::make_shared<plan::ValuesNode>(schema, Rows{{I(1)}, {NullI()}});
  EXPECT_ROWS(Rows({{I(1)}, {NullI()}}), Run(v));
}

TEST_F(OperatorsTest, LimitAndOffset) {
  EXPECT_EQ(4u, Run(std::make_shared<plan::LimitNode>(t_, 4)).size());
  EXPECT_EQ(3u, Run(std::make_shared<plan::LimitNode>(t_, 4, 7)).size());
  EXPECT_EQ(2u, Run(std::make_shared<plan::LimitNode>(t_, -1, 8)).size());
  EXPECT_EQ(0u, Run(std::make_shared<plan::LimitNode>(t_, 0)).size());
  EXPECT_EQ(10u, Run(std::make_shared<plan::LimitNode>(t_, 100)).size());
  // Over a sort the rows are the first ones of the order.
  auto sorted =
      std::make_shared<plan::SortNode>(t_, std::vector<plan::SortKey>{{Col(t_, 0), false, false}});
  EXPECT_ROWS(Rows({{I(7), S("s7")}, {I(6), S("s6")}}),
              Run(std::make_shared<plan::LimitNode>(sorted, 2, 2)));
  EXPECT_NE(std::string::npos, explain_.find("TakeOrdered")) << explain_;
}

TEST_F(OperatorsTest, UnionAll) {
  auto u = std::make_shared<plan::SetOpNode>(plan::SetOpKind::kUnion, true,
                                             std::vector<plan::LogicalPlanPtr>{t_, t_, t_});
  EXPECT_EQ(30u, Run(u).size());
}

class SetOpTest : public ExecTest {
 protected:
  Rows Do(plan::SetOpKind kind, bool all) {
    std::vector<Field> f = {{"a", DataType::Int64(), true}};
    auto l = Table(f, {{I(1)}, {I(1)}, {I(1)}, {I(2)}, {NullI()}, {NullI()}, {I(3)}});
    auto r = Table(f, {{I(1)}, {I(1)}, {NullI()}, {I(3)}, {I(3)}, {I(4)}});
    return RunSorted(
        std::make_shared<plan::SetOpNode>(kind, all, std::vector<plan::LogicalPlanPtr>{l, r}));
  }
};

TEST_F(SetOpTest, IntersectAndExcept) {
  using K = plan::SetOpKind;
  EXPECT_ROWS(SortRows({{I(1)}, {NullI()}, {I(3)}}), Do(K::kIntersect, false));
  EXPECT_ROWS(SortRows({{I(1)}, {I(1)}, {NullI()}, {I(3)}}), Do(K::kIntersect, true));
  EXPECT_ROWS(SortRows({{I(2)}}), Do(K::kExcept, false));
  EXPECT_ROWS(SortRows({{I(1)}, {I(2)}, {NullI()}}), Do(K::kExcept, true));
}

TEST_F(OperatorsTest, ExpandForGroupingSets) {
  SchemaPtr schema = MakeSchema({{"k", DataType::Int64(), true}, {"g", DataType::Int64(), true}});
  auto e = std::make_shared<plan::ExpandNode>(
      t_, std::vector<std::vector<ExprPtr>>{{Col(t_, 0), Lit(I(0))}, {Lit(NullI()), Lit(I(1))}},
      schema);
  auto f = std::make_shared<plan::FilterNode>(e, Fn("<", {Col(e, 0), Lit(I(1))}));
  auto agg =
      std::make_shared<plan::AggregateNode>(e, std::vector<ExprPtr>{Col(e, 0), Col(e, 1)},
                                            std::vector<AggregateCall>{Agg("count", {Lit(I32(1))})},
                                            std::vector<std::string>{"k", "g", "n"});
  Rows rows = RunSorted(agg);
  ASSERT_EQ(11u, rows.size());
  EXPECT_EQ(20u, Run(e).size());
  EXPECT_EQ(1u, Run(f).size());
}

TEST_F(OperatorsTest, GenerateExplode) {
  DataType arr = DataType::Array(DataType::Int64());
  auto t = Table({{"id", DataType::Int64(), true}, {"xs", arr, true}},
                 {{I(1), Value::Array(DataType::Int64(), {I(10), I(11)})},
                  {I(2), Value::Array(DataType::Int64(), {})},
                  {I(3), Value::Null(arr)},
                  {I(4), Value::Array(DataType::Int64(), {I(40)})}});
  for (bool outer : {false, true}) {
    std::vector<ExprPtr> args = {Col(t, 1)};
    GeneratorPtr gen = ResolveGenerator("explode", args).ValueOrDie();
    auto g =
        std::make_shared<plan::GenerateNode>(t, gen, args, outer, std::vector<std::string>{"x"});
    auto p = std::make_shared<plan::ProjectNode>(g, std::vector<ExprPtr>{Col(g, 0), Col(g, 2)},
                                                 std::vector<std::string>{"id", "x"});
    Rows expected = {{I(1), I(10)}, {I(1), I(11)}, {I(4), I(40)}};
    if (outer) {
      expected.push_back({I(2), NullI()});
      expected.push_back({I(3), NullI()});
    }
    EXPECT_ROWS(SortRows(expected), RunSorted(p)) << "outer=" << outer;
  }
}

// A Generate that forwards a subset of its child's columns (as column pruning leaves
// it): the output has only those, in the listed order, then the generated ones.
TEST_F(OperatorsTest, GenerateForwardsOnlyListedColumns) {
  DataType arr = DataType::Array(DataType::Int64());
  auto t = Table({{"id", DataType::Int64(), true}, {"xs", arr, true}, {"tag", DataType::String()}},
                 {{I(1), Value::Array(DataType::Int64(), {I(10), I(11)}), S("a")},
                  {I(2), Value::Array(DataType::Int64(), {}), S("b")},
                  {I(4), Value::Array(DataType::Int64(), {I(40)}), S("d")}});
  for (bool outer : {false, true}) {
    std::vector<ExprPtr> args = {Col(t, 1)};
    GeneratorPtr gen = ResolveGenerator("posexplode", args).ValueOrDie();
    // Forwards tag then id, not the array.
    auto g = std::make_shared<plan::GenerateNode>(
        t, gen, args, outer, std::vector<std::string>{"pos", "x"}, std::vector<int>{2, 0});
    ASSERT_EQ(4, g->schema()->num_fields());
    EXPECT_EQ("tag", g->schema()->field(0).name);
    EXPECT_EQ("id", g->schema()->field(1).name);
    auto batches = RunBatches(g);
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    for (const Batch& b : *batches) EXPECT_EQ(4, b.num_columns());
    Rows expected = {{S("a"), I(1), I32(0), I(10)},
                     {S("a"), I(1), I32(1), I(11)},
                     {S("d"), I(4), I32(0), I(40)}};
    if (outer) expected.push_back({S("b"), I(2), Value::Null(DataType::Int32()), NullI()});
    EXPECT_ROWS(SortRows(expected), RunSorted(g)) << "outer=" << outer;
  }
  // Forwarding nothing: only the generated column.
  std::vector<ExprPtr> args = {Col(t, 1)};
  GeneratorPtr gen = ResolveGenerator("explode", args).ValueOrDie();
  auto g = std::make_shared<plan::GenerateNode>(t, gen, args, false, std::vector<std::string>{"x"},
                                                std::vector<int>{});
  EXPECT_ROWS(SortRows(Rows{{I(10)}, {I(11)}, {I(40)}}), RunSorted(g));
}

TEST_F(OperatorsTest, ScalarSubquery) {
  auto max = std::make_shared<plan::AggregateNode>(
      t_, std::vector<ExprPtr>{}, std::vector<AggregateCall>{Agg("max", {Col(t_, 0)})},
      std::vector<std::string>{"m"});
  auto sub = std::make_shared<plan::ScalarSubqueryExpr>(max);
  auto f = std::make_shared<plan::FilterNode>(t_, Fn("=", {Col(t_, 0), sub}));
  EXPECT_ROWS(Rows({{I(9), S("s9")}}), Run(f));
  // No row: NULL.
  auto none = std::make_shared<plan::FilterNode>(t_, Lit(Value::Boolean(false)));
  auto proj = std::make_shared<plan::ProjectNode>(none, std::vector<ExprPtr>{Col(none, 0)},
                                                  std::vector<std::string>{"k"});
  auto p2 = std::make_shared<plan::ProjectNode>(
      t_, std::vector<ExprPtr>{std::make_shared<plan::ScalarSubqueryExpr>(proj)},
      std::vector<std::string>{"x"});
  Rows rows = Run(std::make_shared<plan::LimitNode>(p2, 1));
  ASSERT_EQ(1u, rows.size());
  EXPECT_TRUE(rows[0][0].is_null());
  // Too many rows: an error.
  auto many = std::make_shared<plan::ProjectNode>(
      t_,
      std::vector<ExprPtr>{
          std::make_shared<plan::ScalarSubqueryExpr>(std::make_shared<plan::ProjectNode>(
              t_, std::vector<ExprPtr>{Col(t_, 0)}, std::vector<std::string>{"k"}))},
      std::vector<std::string>{"x"});
  auto r = RunBatches(many);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.status().ToString().find("SCALAR_SUBQUERY_TOO_MANY_ROWS"));
}

TEST_F(OperatorsTest, Cancellation) {
  std::atomic<bool> cancelled{true};
  ctx_.cancelled = &cancelled;
  auto agg = std::make_shared<plan::AggregateNode>(
      t_, std::vector<ExprPtr>{Col(t_, 0)}, std::vector<AggregateCall>{Agg("count", {Col(t_, 0)})},
      std::vector<std::string>{"k", "n"});
  auto r = RunBatches(agg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StatusCode::kCancelled, r.status().code());
}

TEST_F(OperatorsTest, ExplainShowsPhysicalTree) {
  auto agg = std::make_shared<plan::AggregateNode>(
      t_, std::vector<ExprPtr>{Col(t_, 0)}, std::vector<AggregateCall>{Agg("count", {Col(t_, 0)})},
      std::vector<std::string>{"k", "n"});
  Run(agg);
  EXPECT_EQ("HashAggregate(keys=[k], functions=[count(k)])\n+- Scan t [k, s]\n", explain_);
}

}  // namespace
}  // namespace weir::exec::testing
