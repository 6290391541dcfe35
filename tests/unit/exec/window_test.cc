#include "exec_test_util.h"

namespace weir::exec::testing {
namespace {

using plan::WindowFunctionCall;
using plan::WindowFunctionKind;
using sql::FrameBoundKind;
using sql::FrameUnit;

class WindowTest : public ExecTest {
 protected:
  WindowTest() {
    // One partition in input order, so that peers keep a deterministic order.
    t_ = Table({{"p", DataType::Int64(), true},
                {"o", DataType::Int64(), true},
                {"v", DataType::Int64(), true}},
               {{I(1), I(1), I(10)},
                {I(1), I(2), I(20)},
                {I(2), I(5), I(50)},
                {I(1), I(2), I(30)},
                {NullI(), I(1), I(7)},
                {I(1), I(3), NullI()}},
               1, 100);
  }

  WindowFunctionCall Simple(WindowFunctionKind kind, DataType type,
                            std::vector<ExprPtr> args = {}) {
    WindowFunctionCall c;
    c.kind = kind;
    c.args = std::move(args);
    c.result_type = type;
    return c;
  }
  WindowFunctionCall Aggregate(const std::string& name, plan::WindowFrameSpec frame) {
    WindowFunctionCall c;
    c.kind = WindowFunctionKind::kAggregate;
    c.aggregate = Agg(name, {Col(t_, 2)});
    c.result_type = c.aggregate.function->result_type();
    c.frame = frame;
    return c;
  }
  // The function column (index 3 + f) of the result, rows ordered by (p, o, v).
  std::string Column(const std::vector<WindowFunctionCall>& fns, int f) {
    std::vector<std::string> names;
    for (size_t i = 0; i < fns.size(); ++i) names.push_back("f" + std::to_string(i));
    auto w = std::make_shared<plan::WindowNode>(
        t_, std::vector<ExprPtr>{Col(t_, 0)}, std::vector<plan::SortKey>{{Col(t_, 1), true, true}},
        fns, names);
    Rows rows = Run(w);
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      auto key = [](const Row& r) {
        return std::make_tuple(r[0].is_null() ? -1 : r[0].int64(), r[1].int64(),
                               r[2].is_null() ? 1000 : r[2].int64());
      };
      return key(a) < key(b);
    });
    std::string out;
    for (const Row& r : rows) {
      const Value& v = r[static_cast<size_t>(3 + f)];
      out += (out.empty() ? "" : " ") + (v.is_null() ? std::string("NULL") : v.ToString());
    }
    return out;
  }

  plan::LogicalPlanPtr t_;
};

// Rows in (p, o, v) order: (NULL,1,7) (1,1,10) (1,2,20) (1,2,30) (1,3,NULL) (2,5,50).

TEST_F(WindowTest, Ranking) {
  std::vector<WindowFunctionCall> fns = {
      Simple(WindowFunctionKind::kRowNumber, DataType::Int32()),
      Simple(WindowFunctionKind::kRank, DataType::Int32()),
      Simple(WindowFunctionKind::kDenseRank, DataType::Int32()),
      Simple(WindowFunctionKind::kPercentRank, DataType::Double()),
      Simple(WindowFunctionKind::kCumeDist, DataType::Double()),
      Simple(WindowFunctionKind::kNtile, DataType::Int32(), {Lit(I32(3))})};
  EXPECT_EQ("1 1 2 3 4 1", Column(fns, 0));
  EXPECT_EQ("1 1 2 2 4 1", Column(fns, 1));
  EXPECT_EQ("1 1 2 2 3 1", Column(fns, 2));
  EXPECT_EQ("0.0 0.0 0.3333333333333333 0.3333333333333333 1.0 0.0", Column(fns, 3));
  EXPECT_EQ("1.0 0.25 0.75 0.75 1.0 1.0", Column(fns, 4));
  EXPECT_EQ("1 1 1 2 3 1", Column(fns, 5));
}

TEST_F(WindowTest, OffsetFunctions) {
  std::vector<WindowFunctionCall> fns = {
      Simple(WindowFunctionKind::kLag, DataType::Int64(), {Col(t_, 2), Lit(I32(1)), Lit(NullI())}),
      Simple(WindowFunctionKind::kLead, DataType::Int64(), {Col(t_, 2), Lit(I32(1)), Lit(I(-1))}),
      Simple(WindowFunctionKind::kLag, DataType::Int64(), {Col(t_, 2), Lit(I32(2)), Lit(I(0))})};
  EXPECT_EQ("NULL NULL 10 20 30 NULL", Column(fns, 0));
  EXPECT_EQ("-1 20 30 NULL -1 -1", Column(fns, 1));
  EXPECT_EQ("0 0 0 10 20 0", Column(fns, 2));
}

TEST_F(WindowTest, ValueFunctionsOverFrames) {
  auto first = Simple(WindowFunctionKind::kFirstValue, DataType::Int64(), {Col(t_, 2)});
  auto last = Simple(WindowFunctionKind::kLastValue, DataType::Int64(), {Col(t_, 2)});
  auto last_nn = last;
  last_nn.ignore_nulls = true;
  auto nth = Simple(WindowFunctionKind::kNthValue, DataType::Int64(), {Col(t_, 2), Lit(I32(2))});
  std::vector<WindowFunctionCall> fns = {first, last, last_nn, nth};
  // Default frame: RANGE UNBOUNDED PRECEDING to CURRENT ROW (peers included).
  EXPECT_EQ("7 10 10 10 10 50", Column(fns, 0));
  EXPECT_EQ("7 10 30 30 NULL 50", Column(fns, 1));
  EXPECT_EQ("7 10 30 30 30 50", Column(fns, 2));
  EXPECT_EQ("NULL NULL 20 20 20 NULL", Column(fns, 3));
}

TEST_F(WindowTest, AggregateFrames) {
  plan::WindowFrameSpec range_default;  // RANGE UNBOUNDED PRECEDING .. CURRENT ROW
  plan::WindowFrameSpec rows_1p{
      FrameUnit::kRows, {FrameBoundKind::kPreceding, I(1)}, {FrameBoundKind::kCurrentRow, {}}};
  plan::WindowFrameSpec range_1p{
      FrameUnit::kRange, {FrameBoundKind::kPreceding, I(1)}, {FrameBoundKind::kCurrentRow, {}}};
  plan::WindowFrameSpec whole{FrameUnit::kRows,
                              {FrameBoundKind::kUnboundedPreceding, {}},
                              {FrameBoundKind::kUnboundedFollowing, {}}};
  plan::WindowFrameSpec rows_1f{
      FrameUnit::kRows, {FrameBoundKind::kCurrentRow, {}}, {FrameBoundKind::kFollowing, I(1)}};
  std::vector<WindowFunctionCall> fns = {Aggregate("sum", range_default), Aggregate("sum", rows_1p),
                                         Aggregate("sum", range_1p), Aggregate("count", whole),
                                         Aggregate("sum", rows_1f)};
  EXPECT_EQ("7 10 60 60 60 50", Column(fns, 0));
  EXPECT_EQ("7 10 30 50 30 50", Column(fns, 1));
  EXPECT_EQ("7 10 60 60 50 50", Column(fns, 2));
  EXPECT_EQ("1 3 3 3 3 1", Column(fns, 3));
  EXPECT_EQ("7 30 50 30 NULL 50", Column(fns, 4));
}

TEST_F(WindowTest, NoPartitionKeys) {
  std::vector<WindowFunctionCall> fns = {Simple(WindowFunctionKind::kRowNumber, DataType::Int32())};
  auto w = std::make_shared<plan::WindowNode>(
      t_, std::vector<ExprPtr>{}, std::vector<plan::SortKey>{{Col(t_, 2), false, false}}, fns,
      std::vector<std::string>{"rn"});
  Rows rows = Run(w);
  ASSERT_EQ(6u, rows.size());
  EXPECT_EQ("(2, 5, 50, 1)", RowString(rows[0]));
  EXPECT_EQ("(1, 3, NULL, 6)", RowString(rows[5]));
}

}  // namespace
}  // namespace weir::exec::testing
