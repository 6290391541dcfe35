// Common subexpressions of a projection are computed once (subexpressions.h), with
// Spark's rule for which occurrences count as always evaluated
// (org.apache.spark.sql.catalyst.expressions.EquivalentExpressions: only the first
// condition of CASE WHEN, the first argument of coalesce and the left side of AND/OR
// are recursed into unconditionally).

#include "weir/exec/subexpressions.h"

#include "exec_test_util.h"

namespace weir::exec {
namespace {

using testing::Col;
using testing::Fn;
using testing::I;
using testing::Lit;
using testing::NullS;
using testing::Rows;
using testing::S;

SchemaPtr Input() {
  return MakeSchema({{"c", DataType::String(), true}, {"n", DataType::Int64(), true}});
}

ExprPtr C() { return ColumnRef(*Input(), 0); }
ExprPtr N() { return ColumnRef(*Input(), 1); }
ExprPtr Lower() { return Fn("lower", {C()}); }
ExprPtr Eq(ExprPtr a, const std::string& s) { return Fn("=", {std::move(a), Lit(S(s))}); }

// CASE WHEN lower(c) = 'apple' THEN '0' WHEN lower(c) = 'google' THEN '1' ELSE c END
ExprPtr ChannelCase() {
  return CaseWhen({{Eq(Lower(), "apple"), Lit(S("0"))}, {Eq(Lower(), "google"), Lit(S("1"))}}, C())
      .ValueOrDie();
}

TEST(SubexpressionsTest, RepeatedCaseConditionIsComputedOnce) {
  const ExprPtr n = N();
  HoistedExpressions h = HoistCommonSubexpressions({n, ChannelCase()}, 2);
  ASSERT_EQ(1u, h.common.size());
  EXPECT_EQ(Lower()->ToString(), h.common[0]->ToString());
  ASSERT_EQ(2u, h.rewritten.size());
  EXPECT_EQ(n, h.rewritten[0]);  // untouched expressions are kept as they are
  const std::string rewritten = h.rewritten[1]->ToString();
  EXPECT_EQ(std::string::npos, rewritten.find("lower")) << rewritten;
  EXPECT_NE(std::string::npos, rewritten.find("_common0")) << rewritten;
}

TEST(SubexpressionsTest, RepeatsAcrossTheListCount) {
  HoistedExpressions h =
      HoistCommonSubexpressions({Lower(), Fn("length", {Lower()}), Fn("upper", {C()})}, 2);
  ASSERT_EQ(1u, h.common.size());
  EXPECT_EQ(Lower()->ToString(), h.common[0]->ToString());
}

TEST(SubexpressionsTest, ConditionallyEvaluatedRepeatsAreNotHoisted) {
  // Only in CASE branches: a row that takes neither would not have computed it.
  ExprPtr branches =
      CaseWhen({{Fn(">", {N(), Lit(I(0))}), Lower()}}, Fn("concat", {Lower(), C()})).ValueOrDie();
  EXPECT_TRUE(HoistCommonSubexpressions({branches}, 2).common.empty());
  // Only on the right of AND / OR, and after coalesce's first argument.
  ExprPtr ands = And(Fn(">", {N(), Lit(I(0))}), Eq(Lower(), "a")).ValueOrDie();
  ExprPtr ors = Or(Fn("<", {N(), Lit(I(5))}), Eq(Lower(), "b")).ValueOrDie();
  ExprPtr co = Coalesce({C(), Lower(), Lower()}).ValueOrDie();
  EXPECT_TRUE(HoistCommonSubexpressions({ands, ors, co}, 2).common.empty());
  // One unconditional occurrence is enough.
  EXPECT_EQ(1u, HoistCommonSubexpressions({ands, ors, co, Lower()}, 2).common.size());
}

TEST(SubexpressionsTest, ColumnsLiteralsAndNondeterministicCallsStay) {
  EXPECT_TRUE(HoistCommonSubexpressions({C(), C(), Lit(I(1)), Lit(I(1))}, 2).common.empty());
  ExprPtr r = Fn("rand", {Lit(I(7))});
  ASSERT_FALSE(r->deterministic());
  // rand(7) twice gives two draws; only the deterministic cast of n is shared.
  HoistedExpressions h = HoistCommonSubexpressions({Fn("+", {r, N()}), Fn("-", {r, N()})}, 2);
  for (const ExprPtr& e : h.common) {
    EXPECT_TRUE(e->deterministic()) << e->ToString();
    EXPECT_EQ(std::string::npos, e->ToString().find("rand")) << e->ToString();
  }
  EXPECT_NE(std::string::npos, h.rewritten[0]->ToString().find("rand"));
}

TEST(SubexpressionsTest, SameNamedColumnsAreDifferent) {
  // After a join two inputs' columns may share a name: lower(a) of one is not lower(a)
  // of the other.
  ExprPtr left = ColumnRef(0, "a", DataType::String());
  ExprPtr right = ColumnRef(1, "a", DataType::String());
  ASSERT_EQ(left->ToString(), right->ToString());
  EXPECT_TRUE(
      HoistCommonSubexpressions({Fn("lower", {left}), Fn("lower", {right})}, 2).common.empty());
  EXPECT_EQ(1u,
            HoistCommonSubexpressions({Fn("lower", {left}), Fn("lower", {left})}, 2).common.size());
}

TEST(SubexpressionsTest, AFilterSharesOnlyWhatItsPredicateAlwaysEvaluates) {
  // WHERE lower(c) = 'a' OR n > 0 ... SELECT lower(c): computed once, by the filter.
  ExprPtr pred = Or(Eq(Lower(), "a"), Fn(">", {N(), Lit(I(0))})).ValueOrDie();
  HoistedExpressions h = HoistFilterSubexpressions(pred, {N(), ChannelCase()}, 2);
  ASSERT_EQ(1u, h.common.size());
  EXPECT_EQ(Lower()->ToString(), h.common[0]->ToString());
  ASSERT_EQ(3u, h.rewritten.size());  // the predicate, then the projection
  EXPECT_NE(std::string::npos, h.rewritten[0]->ToString().find("_common0"));
  EXPECT_NE(std::string::npos, h.rewritten[2]->ToString().find("_common0"));
  // Only on the predicate's right of OR: not every input row computed it.
  ExprPtr right = Or(Fn(">", {N(), Lit(I(0))}), Eq(Lower(), "a")).ValueOrDie();
  EXPECT_TRUE(HoistFilterSubexpressions(right, {Lower()}, 2).common.empty());
  // Only in the projection, even twice: computing it before the filter would
  // evaluate it on the rows the filter drops.
  HoistedExpressions only_projected =
      HoistFilterSubexpressions(Fn(">", {N(), Lit(I(0))}), {Lower(), Fn("length", {Lower()})}, 2);
  EXPECT_TRUE(only_projected.common.empty());
  EXPECT_EQ(Lower()->ToString(), only_projected.rewritten[1]->ToString());
}

class SubexpressionsOpTest : public testing::ExecTest {};

TEST_F(SubexpressionsOpTest, AFilterComputesWhatTheProjectionAboveRepeats) {
  plan::LogicalPlanPtr t = testing::Table(Input()->fields(),
                                          {{S("Apple"), I(1)},
                                           {S("GOOGLE"), I(0)},
                                           {S("Baidu"), I(3)},
                                           {NullS(), I(4)},
                                           {S("apple"), I(5)},
                                           {S("x"), I(0)}},
                                          /*partitions=*/2, /*rows_per_batch=*/3);
  auto f = std::make_shared<plan::FilterNode>(
      t, Or(Eq(Fn("lower", {Col(t, 0)}), "apple"), Fn("<>", {Col(t, 1), Lit(I(0))})).ValueOrDie());
  auto p = std::make_shared<plan::ProjectNode>(f, std::vector<ExprPtr>{Col(f, 1), ChannelCase()},
                                               std::vector<std::string>{"n", "id"});
  EXPECT_ROWS(SortRows({{I(1), S("0")}, {I(3), S("Baidu")}, {I(4), NullS()}, {I(5), S("0")}}),
              RunSorted(p));
  // The condition both repeat, and lower(c), which the CASE's second condition repeats.
  EXPECT_NE(std::string::npos,
            explain_.find("computing [(lower(c) = apple) AS _common0, lower(c) AS _common1]"))
      << explain_;
}

TEST_F(SubexpressionsOpTest, WhatOnlyTheProjectionComputesSeesOnlyKeptRows) {
  // SELECT 10 DIV n WHERE n <> 0 under ANSI: the division never meets the zeros the
  // filter drops, so it is not computed before the filter.
  ctx_.eval.ansi = true;
  plan::LogicalPlanPtr t =
      testing::Table(Input()->fields(), {{S("a"), I(5)}, {S("b"), I(0)}, {S("c"), I(2)}},
                     /*partitions=*/1, /*rows_per_batch=*/3);
  auto f = std::make_shared<plan::FilterNode>(t, Fn("<>", {Col(t, 1), Lit(I(0))}));
  ExprPtr div = Fn("div", {Lit(I(10)), Col(f, 1)});
  auto p = std::make_shared<plan::ProjectNode>(f, std::vector<ExprPtr>{div, div},
                                               std::vector<std::string>{"q", "q2"});
  EXPECT_ROWS(SortRows({{I(2), I(2)}, {I(5), I(5)}}), RunSorted(p));
  EXPECT_EQ(std::string::npos, explain_.find("computing")) << explain_;
}

TEST_F(SubexpressionsOpTest, ProjectionOverAFilterGivesTheSameRows) {
  plan::LogicalPlanPtr t = testing::Table(Input()->fields(),
                                          {{S("Apple"), I(1)},
                                           {S("GOOGLE"), I(2)},
                                           {S("Baidu"), I(3)},
                                           {NullS(), I(4)},
                                           {S("apple"), I(5)},
                                           {S("x"), I(6)}},
                                          /*partitions=*/2, /*rows_per_batch=*/3);
  // The filter leaves selection vectors on the batches the projection reads.
  auto f = std::make_shared<plan::FilterNode>(t, Fn("<>", {Col(t, 1), Lit(I(5))}));
  auto p = std::make_shared<plan::ProjectNode>(
      f, std::vector<ExprPtr>{Col(f, 1), ChannelCase(), Fn("length", {Lower()})},
      std::vector<std::string>{"n", "id", "len"});
  EXPECT_ROWS(SortRows({{I(1), S("0"), testing::I32(5)},
                        {I(2), S("1"), testing::I32(6)},
                        {I(3), S("Baidu"), testing::I32(5)},
                        {I(4), NullS(), Value::Null(DataType::Int32())},
                        {I(6), S("x"), testing::I32(1)}}),
              RunSorted(p));
}

}  // namespace
}  // namespace weir::exec
