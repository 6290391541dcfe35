// How a stream-stream join's condition bounds its state: Spark's
// StreamingJoinHelper.getStateValueWatermark and its examples.

#include "weir/stream/stream_join_analysis.h"

#include <gtest/gtest.h>

#include "weir/functions/registry.h"

namespace weir::stream::internal {
namespace {

// Left input: (lts TIMESTAMP watermarked, lid INT, lend TIMESTAMP);
// right input: (rts TIMESTAMP watermarked, rid INT). Columns over left ++ right.
constexpr int kNumLeft = 3;
const std::vector<EventTimeKind> kLeftKinds = {EventTimeKind::kTimestamp, EventTimeKind::kNone,
                                               EventTimeKind::kNone};
const std::vector<EventTimeKind> kRightKinds = {EventTimeKind::kTimestamp, EventTimeKind::kNone};
const std::vector<DataType> kLeftTypes = {DataType::Timestamp(), DataType::Int32(),
                                          DataType::Timestamp()};
const std::vector<DataType> kRightTypes = {DataType::Timestamp(), DataType::Int32()};

ExprPtr LTs() { return ColumnRef(0, "lts", DataType::Timestamp()); }
ExprPtr LId() { return ColumnRef(1, "lid", DataType::Int32()); }
ExprPtr LEnd() { return ColumnRef(2, "lend", DataType::Timestamp()); }
ExprPtr RTs() { return ColumnRef(3, "rts", DataType::Timestamp()); }
ExprPtr RId() { return ColumnRef(4, "rid", DataType::Int32()); }

ExprPtr Call(std::string_view name, std::vector<ExprPtr> args) {
  return FunctionRegistry::Builtins().Resolve(name, std::move(args)).ValueOrDie();
}
ExprPtr Minutes(int64_t m) { return Literal(Value::IntervalValue(Interval{0, 0, m * 60'000'000})); }
ExprPtr AndAll(std::vector<ExprPtr> es) {
  ExprPtr out = es[0];
  for (size_t i = 1; i < es.size(); ++i) out = And(out, es[i]).ValueOrDie();
  return out;
}

std::optional<StateValueBound> Bound(const ExprPtr& condition, bool left) {
  return FindStateValueBound(condition, kNumLeft, left, kLeftKinds, kRightKinds, kLeftTypes,
                             kRightTypes);
}

constexpr int64_t kMinute = 60'000;
constexpr int64_t kW = 1'000'000'000'000;  // a watermark (ms)

// The example of Spark's StreamingSymmetricHashJoinExec: with
// `leftTime > rightTime - 8 min AND leftTime < rightTime + 1 hour` and watermark
// 12:34, the left state watermark is 12:26 and the right one 11:34.
TEST(StreamJoinAnalysisTest, SparksExample) {
  const ExprPtr cond =
      AndAll({Call("=", {LId(), RId()}), Call(">", {LTs(), Call("-", {RTs(), Minutes(8)})}),
              Call("<", {LTs(), Call("+", {RTs(), Minutes(60)})})});
  auto left = Bound(cond, true);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->column, 0);
  EXPECT_EQ(left->StateWatermarkMs(kW), kW - 8 * kMinute);
  auto right = Bound(cond, false);
  ASSERT_TRUE(right.has_value());
  EXPECT_EQ(right->column, 0);
  EXPECT_EQ(right->StateWatermarkMs(kW), kW - 60 * kMinute);
}

// BETWEEN is >= and <=: non-strict bounds clear one millisecond less.
TEST(StreamJoinAnalysisTest, BetweenIsInclusive) {
  const ExprPtr cond = AndAll({Call("=", {LId(), RId()}),
                               Call("between", {RTs(), LTs(), Call("+", {LTs(), Minutes(30)})})});
  auto left = Bound(cond, true);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->StateWatermarkMs(kW), kW - 30 * kMinute - 1);
  auto right = Bound(cond, false);
  ASSERT_TRUE(right.has_value());
  EXPECT_EQ(right->StateWatermarkMs(kW), kW - 1);
}

// Flink's interval join `r.ts BETWEEN l.ts - 5 min AND l.ts + 10 min`, written with
// the interval subtracted on the other side of the comparison.
TEST(StreamJoinAnalysisTest, IntervalJoinBothWays) {
  const ExprPtr cond = AndAll({Call(">=", {Call("+", {RTs(), Minutes(5)}), LTs()}),
                               Call("<=", {RTs(), Call("+", {LTs(), Minutes(10)})})});
  // l.ts <= r.ts + 5 min gives no lower bound on l; r.ts <= l.ts + 10 min does.
  auto left = Bound(cond, true);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->StateWatermarkMs(kW), kW - 10 * kMinute - 1);
  auto right = Bound(cond, false);
  ASSERT_TRUE(right.has_value());
  EXPECT_EQ(right->StateWatermarkMs(kW), kW - 5 * kMinute - 1);
}

// Several conjuncts bounding one column: the lowest state watermark wins.
TEST(StreamJoinAnalysisTest, MinimumOverConjuncts) {
  const ExprPtr cond = AndAll({Call(">", {LTs(), Call("-", {RTs(), Minutes(8)})}),
                               Call(">", {LTs(), Call("-", {RTs(), Minutes(3)})})});
  auto left = Bound(cond, true);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->StateWatermarkMs(kW), kW - 8 * kMinute);
}

// The bounded column need not be the side's event-time column (NEXMARK q4's
// `B.dateTime <= A.expires` bounds auctions by expires); weir evicts by it.
TEST(StreamJoinAnalysisTest, BoundsANonWatermarkColumn) {
  const ExprPtr cond = AndAll({Call(">=", {RTs(), LTs()}), Call("<=", {RTs(), LEnd()})});
  auto left = Bound(cond, true);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->column, 2);
  EXPECT_EQ(left->StateWatermarkMs(kW), kW - 1);
}

TEST(StreamJoinAnalysisTest, NoBound) {
  // No time condition at all.
  EXPECT_FALSE(Bound(Call("=", {LId(), RId()}), true).has_value());
  // l.ts < r.ts bounds l from above only.
  EXPECT_FALSE(Bound(Call("<", {LTs(), RTs()}), true).has_value());
  // The other side's column is not watermarked.
  EXPECT_FALSE(Bound(Call(">", {RTs(), LEnd()}), false).has_value());
  // Months have no fixed length (Spark refuses them too).
  const ExprPtr month = Literal(Value::IntervalValue(Interval{1, 0, 0}));
  EXPECT_FALSE(Bound(Call(">", {LTs(), Call("-", {RTs(), month})}), true).has_value());
  // Two columns of the bounded side in one comparison.
  EXPECT_FALSE(
      Bound(Call(">", {Call("-", {LTs(), Call("-", {LEnd(), RTs()})}), RTs()}), true).has_value());
  // A bounded column that is not a timestamp.
  EXPECT_FALSE(Bound(Call(">", {LId(), RId()}), true).has_value());
  EXPECT_FALSE(Bound(nullptr, true).has_value());
}

// Spark computes W * 1000 + c in doubles and truncates the milliseconds toward
// zero.
TEST(StreamJoinAnalysisTest, TruncatesMilliseconds) {
  StateValueBound b;
  b.column = 0;
  b.offsets = {{1500.0, false}};
  EXPECT_EQ(b.StateWatermarkMs(10), 11);
  b.offsets = {{-1500.0, false}};
  EXPECT_EQ(b.StateWatermarkMs(0), -1);
  b.offsets = {{-1500.0, true}};
  EXPECT_EQ(b.StateWatermarkMs(10), 7);
}

TEST(StreamJoinAnalysisTest, SplitsTheCondition) {
  const ExprPtr cond =
      AndAll({Call("=", {RId(), LId()}), Call("<=>", {LTs(), RTs()}),
              Call(">", {LId(), Literal(Value::Int32(1))}),
              Call("<", {RId(), Literal(Value::Int32(9))}), Call("<", {LTs(), RTs()})});
  auto parts = SplitJoinCondition(cond, kNumLeft);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->left_keys.size(), 2u);
  EXPECT_EQ(parts->left_keys[0]->ToString(), "lid");
  EXPECT_EQ(parts->right_keys[0]->ToString(), "rid");
  EXPECT_EQ(static_cast<const ColumnRefExpr&>(*parts->right_keys[0]).index(), 1);
  EXPECT_FALSE(parts->null_safe[0]);
  EXPECT_TRUE(parts->null_safe[1]);
  ASSERT_NE(parts->left_only, nullptr);
  EXPECT_EQ(parts->left_only->ToString(), "(lid > 1)");
  ASSERT_NE(parts->right_only, nullptr);
  EXPECT_EQ(parts->right_only->ToString(), "(rid < 9)");
  ASSERT_NE(parts->both, nullptr);
  EXPECT_EQ(parts->both->ToString(), "(lts < rts)");

  // A watermarked key makes the key watermark.
  exec::EventTimeKey key = WatermarkJoinKey(*parts, kLeftKinds, kRightKinds);
  EXPECT_EQ(key.index, 1);
  EXPECT_FALSE(key.window_struct);
  auto plain = SplitJoinCondition(Call("=", {LId(), RId()}), kNumLeft);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(WatermarkJoinKey(*plain, kLeftKinds, kRightKinds).index, -1);
}

}  // namespace
}  // namespace weir::stream::internal
