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

// Existence joins: every left row once, plus IN's / EXISTS's BOOLEAN.

Value B(bool v) { return Value::Boolean(v); }
Value NullB() { return Value::Null(DataType::Boolean()); }

class ExistenceJoinTest : public JoinTest {
 protected:
  Rows Exists(const plan::LogicalPlanPtr& l, const plan::LogicalPlanPtr& r, ExprPtr cond,
              ExprPtr mark) {
    auto j = std::make_shared<plan::JoinNode>(l, r, JoinType::kExistence, std::move(cond), false,
                                              std::move(mark));
    EXPECT_EQ(l->schema()->num_fields() + 1, j->schema()->num_fields());
    return RunSorted(j);
  }
  // The left side behind a filter, so probe batches carry selection vectors.
  plan::LogicalPlanPtr Filtered(const plan::LogicalPlanPtr& p) {
    return std::make_shared<plan::FilterNode>(p, IsNotNull(Col(p, p->schema()->num_fields() - 1)));
  }
};

TEST_F(ExistenceJoinTest, ExistsIsNeverNull) {
  // EXISTS (SELECT 1 FROM right WHERE right.k = left.k): a NULL key matches nothing.
  EXPECT_ROWS(SortRows({{I(1), S("a"), B(true)},
                        {I(2), S("b"), B(true)},
                        {I(2), S("b2"), B(true)},
                        {NullI(), S("n"), B(false)},
                        {I(4), S("d"), B(false)}}),
              Exists(left_, right_, KeyEq(), nullptr));
  EXPECT_NE(std::string::npos, explain_.find("BroadcastHashJoin EXISTENCE")) << explain_;
  // Uncorrelated: TRUE for every row unless the right side is empty.
  auto empty = std::make_shared<plan::FilterNode>(right_, Lit(Value::Boolean(false)));
  for (const Row& r : Exists(left_, right_, nullptr, nullptr)) EXPECT_EQ(B(true), r[2]);
  for (const Row& r : Exists(left_, empty, nullptr, nullptr)) EXPECT_EQ(B(false), r[2]);
  // With a residual (right.rv = 'x'): only 2 has such a row.
  ExprPtr is_x = And(KeyEq(), Fn("=", {JCol(left_, right_, 3), Lit(S("x"))})).ValueOrDie();
  EXPECT_ROWS(SortRows({{I(1), S("a"), B(false)},
                        {I(2), S("b"), B(true)},
                        {I(2), S("b2"), B(true)},
                        {NullI(), S("n"), B(false)},
                        {I(4), S("d"), B(false)}}),
              Exists(left_, right_, is_x, nullptr));
}

TEST_F(ExistenceJoinTest, InIsThreeValued) {
  // k IN (SELECT k FROM right): the right side has a NULL, so no match is NULL.
  EXPECT_ROWS(SortRows({{I(1), S("a"), B(true)},
                        {I(2), S("b"), B(true)},
                        {I(2), S("b2"), B(true)},
                        {NullI(), S("n"), NullB()},
                        {I(4), S("d"), NullB()}}),
              Exists(Filtered(left_), right_, nullptr, KeyEq()));
  // Without NULLs on the right: FALSE, but a NULL probe key is still NULL.
  auto no_null = std::make_shared<plan::FilterNode>(right_, IsNotNull(Col(right_, 0)));
  EXPECT_ROWS(SortRows({{I(1), S("a"), B(true)},
                        {I(2), S("b"), B(true)},
                        {I(2), S("b2"), B(true)},
                        {NullI(), S("n"), NullB()},
                        {I(4), S("d"), B(false)}}),
              Exists(left_, no_null, nullptr, KeyEq()));
  // An empty right side: FALSE for every row, NULL keys included.
  auto empty = std::make_shared<plan::FilterNode>(right_, Lit(Value::Boolean(false)));
  for (const Row& r : Exists(left_, empty, nullptr, KeyEq())) EXPECT_EQ(B(false), r[2]);
  // Only NULLs on the right: NULL for every row.
  auto nulls = std::make_shared<plan::FilterNode>(right_, IsNull(Col(right_, 0)));
  for (const Row& r : Exists(left_, nulls, nullptr, KeyEq())) EXPECT_EQ(NullB(), r[2]);
}

TEST_F(ExistenceJoinTest, CorrelatedInWithResidual) {
  // x IN (SELECT y FROM r WHERE r.g = l.g AND r.w < l.lim)
  auto l = Table({{"g", DataType::Int64(), true},
                  {"x", DataType::Int64(), true},
                  {"lim", DataType::Int64(), true}},
                 {{I(1), I(10), I(5)},
                  {I(1), I(10), I(100)},
                  {I(1), NullI(), I(0)},
                  {I(1), NullI(), I(100)},
                  {I(1), I(30), I(100)},
                  {I(1), I(30), I(20)},
                  {NullI(), I(10), I(100)},
                  {I(2), I(10), I(100)},
                  {I(2), NullI(), I(100)}});
  auto r = Table({{"g", DataType::Int64(), true},
                  {"y", DataType::Int64(), true},
                  {"w", DataType::Int64(), true}},
                 {{I(1), I(10), I(10)},
                  {I(1), I(10), I(10)},
                  {I(1), NullI(), I(50)},
                  {I(1), I(20), I(1)},
                  {NullI(), I(10), I(0)}});
  ExprPtr corr = Fn("=", {JCol(l, r, 0), JCol(l, r, 3)});
  ExprPtr lim = Fn("<", {JCol(l, r, 5), JCol(l, r, 2)});
  ExprPtr mark = Fn("=", {JCol(l, r, 1), JCol(l, r, 4)});
  const Rows want = SortRows({
      {I(1), I(10), I(5), B(false)},       // only (1, 20) counts
      {I(1), I(10), I(100), B(true)},      // 10 matches (twice)
      {I(1), NullI(), I(0), B(false)},     // no row counts: FALSE even for NULL
      {I(1), NullI(), I(100), NullB()},    // NULL against counting rows
      {I(1), I(30), I(100), NullB()},      // no match, a NULL counts
      {I(1), I(30), I(20), B(false)},      // the NULL row fails the residual
      {NullI(), I(10), I(100), B(false)},  // a NULL correlation key matches nothing
      {I(2), I(10), I(100), B(false)},     // no rows for g = 2
      {I(2), NullI(), I(100), B(false)},
  });
  EXPECT_ROWS(want, Exists(l, r, And(corr, lim).ValueOrDie(), mark));
  // Without the residual every row of group 1 counts: the NULL one too.
  EXPECT_ROWS(SortRows({{I(1), I(10), I(5), B(true)},
                        {I(1), I(10), I(100), B(true)},
                        {I(1), NullI(), I(0), NullB()},
                        {I(1), NullI(), I(100), NullB()},
                        {I(1), I(30), I(100), NullB()},
                        {I(1), I(30), I(20), NullB()},
                        {NullI(), I(10), I(100), B(false)},
                        {I(2), I(10), I(100), B(false)},
                        {I(2), NullI(), I(100), B(false)}}),
              Exists(l, r, corr, mark));
}

TEST_F(ExistenceJoinTest, MultiColumnIn) {
  // (a, b) IN (SELECT x, y FROM r): per row, TRUE AND NULL is NULL, FALSE AND NULL
  // is FALSE.
  auto l = Table({{"a", DataType::Int64(), true}, {"b", DataType::Int64(), true}},
                 {{I(1), I(2)}, {I(3), I(2)}, {I(2), I(3)}, {NullI(), I(3)}, {NullI(), I(4)}});
  auto with_null = Table({{"x", DataType::Int64(), true}, {"y", DataType::Int64(), true}},
                         {{I(1), NullI()}, {I(2), I(3)}});
  auto no_null = Table({{"x", DataType::Int64(), true}, {"y", DataType::Int64(), true}},
                       {{I(2), I(3)}, {I(5), I(6)}, {I(2), I(3)}});
  auto mark = [&](const plan::LogicalPlanPtr& r) {
    return And(Fn("=", {JCol(l, r, 0), JCol(l, r, 2)}), Fn("=", {JCol(l, r, 1), JCol(l, r, 3)}))
        .ValueOrDie();
  };
  EXPECT_ROWS(SortRows({{I(1), I(2), NullB()},
                        {I(3), I(2), B(false)},
                        {I(2), I(3), B(true)},
                        {NullI(), I(3), NullB()},
                        {NullI(), I(4), NullB()}}),
              Exists(l, with_null, nullptr, mark(with_null)));
  EXPECT_ROWS(SortRows({{I(1), I(2), B(false)},
                        {I(3), I(2), B(false)},
                        {I(2), I(3), B(true)},
                        {NullI(), I(3), NullB()},
                        {NullI(), I(4), B(false)}}),
              Exists(l, no_null, nullptr, mark(no_null)));
}

}  // namespace
}  // namespace weir::exec::testing
