#include "exec_test_util.h"

namespace weir::exec::testing {
namespace {

using plan::JoinType;

class JoinTest : public ExecTest {
 protected:
  JoinTest() {
    left_ =
        Table({{"k", DataType::Int64(), true}, {"lv", DataType::String(), true}},
              {{I(1), S("a")}, {I(2), S("b")}, {I(2), S("b2")}, {NullI(), S("n")}, {I(4), S("d")}});
    right_ =
        Table({{"k", DataType::Int64(), true}, {"rv", DataType::String(), true}},
              {{I(2), S("x")}, {I(2), S("y")}, {I(3), S("z")}, {NullI(), S("rn")}, {I(1), S("w")}});
  }
  ExprPtr KeyEq(const std::string& op = "=") {
    return Fn(op, {JCol(left_, right_, 0), JCol(left_, right_, 2)});
  }
  Rows Join(JoinType type, ExprPtr cond, bool null_aware = false,
            plan::LogicalPlanPtr right = nullptr) {
    auto j =
        std::make_shared<plan::JoinNode>(left_, right ? right : right_, type, cond, null_aware);
    return RunSorted(j);
  }
  plan::LogicalPlanPtr left_, right_;
};

const Rows kInner = {{I(1), S("a"), I(1), S("w")},
                     {I(2), S("b"), I(2), S("x")},
                     {I(2), S("b"), I(2), S("y")},
                     {I(2), S("b2"), I(2), S("x")},
                     {I(2), S("b2"), I(2), S("y")}};

Rows Plus(Rows a, const Rows& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(JoinTest, Inner) {
  EXPECT_ROWS(SortRows(kInner), Join(JoinType::kInner, KeyEq()));
  EXPECT_NE(std::string::npos, explain_.find("BroadcastHashJoin")) << explain_;
}

TEST_F(JoinTest, LeftOuter) {
  EXPECT_ROWS(SortRows(Plus(
                  kInner, {{NullI(), S("n"), NullI(), NullS()}, {I(4), S("d"), NullI(), NullS()}})),
              Join(JoinType::kLeftOuter, KeyEq()));
}

TEST_F(JoinTest, RightOuter) {
  EXPECT_ROWS(SortRows(Plus(kInner, {{NullI(), NullS(), I(3), S("z")},
                                     {NullI(), NullS(), NullI(), S("rn")}})),
              Join(JoinType::kRightOuter, KeyEq()));
}

TEST_F(JoinTest, FullOuter) {
  EXPECT_ROWS(SortRows(Plus(kInner, {{NullI(), S("n"), NullI(), NullS()},
                                     {I(4), S("d"), NullI(), NullS()},
                                     {NullI(), NullS(), I(3), S("z")},
                                     {NullI(), NullS(), NullI(), S("rn")}})),
              Join(JoinType::kFullOuter, KeyEq()));
}

TEST_F(JoinTest, SemiAndAnti) {
  EXPECT_ROWS(SortRows({{I(1), S("a")}, {I(2), S("b")}, {I(2), S("b2")}}),
              Join(JoinType::kLeftSemi, KeyEq()));
  EXPECT_ROWS(SortRows({{NullI(), S("n")}, {I(4), S("d")}}), Join(JoinType::kLeftAnti, KeyEq()));
}

TEST_F(JoinTest, NullSafeKeyMatchesNulls) {
  EXPECT_ROWS(SortRows(Plus(kInner, {{NullI(), S("n"), NullI(), S("rn")}})),
              Join(JoinType::kInner, KeyEq("<=>")));
}

TEST_F(JoinTest, ResidualPredicate) {
  ExprPtr not_x = Fn("!=", {JCol(left_, right_, 3), Lit(S("x"))});
  ExprPtr cond = And(KeyEq(), not_x).ValueOrDie();
  Rows inner = {
      {I(1), S("a"), I(1), S("w")}, {I(2), S("b"), I(2), S("y")}, {I(2), S("b2"), I(2), S("y")}};
  EXPECT_ROWS(SortRows(inner), Join(JoinType::kInner, cond));
  EXPECT_ROWS(SortRows(Plus(
                  inner, {{NullI(), S("n"), NullI(), NullS()}, {I(4), S("d"), NullI(), NullS()}})),
              Join(JoinType::kLeftOuter, cond));
  EXPECT_ROWS(SortRows(Plus(inner, {{NullI(), NullS(), I(2), S("x")},
                                    {NullI(), NullS(), I(3), S("z")},
                                    {NullI(), NullS(), NullI(), S("rn")}})),
              Join(JoinType::kRightOuter, cond));
  ExprPtr is_x = And(KeyEq(), Fn("=", {JCol(left_, right_, 3), Lit(S("x"))})).ValueOrDie();
  EXPECT_ROWS(SortRows({{I(2), S("b")}, {I(2), S("b2")}}), Join(JoinType::kLeftSemi, is_x));
  EXPECT_ROWS(SortRows({{I(1), S("a")}, {NullI(), S("n")}, {I(4), S("d")}}),
              Join(JoinType::kLeftAnti, is_x));
}

TEST_F(JoinTest, NullAwareAnti) {
  // The build side has a NULL key: NOT IN is never TRUE.
  EXPECT_TRUE(Join(JoinType::kLeftAnti, KeyEq(), true).empty());
  // Without NULLs: a NULL probe key does not qualify; 4 does.
  auto no_null = std::make_shared<plan::FilterNode>(right_, IsNotNull(Col(right_, 0)));
  EXPECT_ROWS(Rows({{I(4), S("d")}}), Join(JoinType::kLeftAnti, KeyEq(), true, no_null));
  // An empty build side: every row qualifies, NULL keys included.
  auto empty = std::make_shared<plan::FilterNode>(right_, Lit(Value::Boolean(false)));
  EXPECT_EQ(5u, Join(JoinType::kLeftAnti, KeyEq(), true, empty).size());
  // With a residual: only build rows passing it count.
  ExprPtr cond = And(KeyEq(), Fn("=", {JCol(left_, right_, 3), Lit(S("w"))})).ValueOrDie();
  EXPECT_ROWS(SortRows({{I(2), S("b")}, {I(2), S("b2")}, {I(4), S("d")}}),
              Join(JoinType::kLeftAnti, cond, true, no_null));
}

TEST_F(JoinTest, CrossAndNonEquiJoins) {
  EXPECT_EQ(25u, Join(JoinType::kCross, nullptr).size());
  EXPECT_NE(std::string::npos, explain_.find("NestedLoop")) << explain_;
  ExprPtr lt = Fn("<", {JCol(left_, right_, 0), JCol(left_, right_, 2)});
  // l.k < r.k: 1 < {2, 2, 3}, 2 < {3} twice.
  EXPECT_EQ(5u, Join(JoinType::kInner, lt).size());
  Rows full = Join(JoinType::kFullOuter, lt);
  // Unmatched left: NULL and 4; unmatched right: NULL-key row and 1.
  EXPECT_EQ(9u, full.size()) << Show(full);
  EXPECT_ROWS(SortRows({{NullI(), S("n")}, {I(4), S("d")}}), Join(JoinType::kLeftAnti, lt));
}

TEST_F(JoinTest, EmptySides) {
  auto empty = std::make_shared<plan::FilterNode>(right_, Lit(Value::Boolean(false)));
  EXPECT_TRUE(Join(JoinType::kInner, KeyEq(), false, empty).empty());
  EXPECT_EQ(5u, Join(JoinType::kLeftOuter, KeyEq(), false, empty).size());
  EXPECT_EQ(5u, Join(JoinType::kLeftAnti, KeyEq(), false, empty).size());
}

}  // namespace
}  // namespace weir::exec::testing
