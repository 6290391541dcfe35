// Tests of the bounded top-K rewrite (src/weir/plan/top_k.cc): which uses of a
// collect_list let the optimizer replace it by the internal _top_k aggregate, and
// which leave it alone.

#include <gtest/gtest.h>

#include "weir/plan/optimizer.h"

#include "plan_test_util.h"

namespace weir::plan::testing {
namespace {

std::string Optimized(std::string_view sql) {
  auto plan = BindSql(sql);
  if (!plan.ok()) return "ERROR " + plan.status().ToString();
  EvalOptions options;
  EvalContext ctx(options);
  auto opt = Optimize(*plan, ctx);
  if (!opt.ok()) return "ERROR " + opt.status().ToString();
  // The rewrite keeps the output schema exactly.
  EXPECT_EQ((*plan)->schema()->ToString(), (*opt)->schema()->ToString()) << sql;
  return ExplainString(**opt);
}

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

// The aggregate calls of the plan's Aggregate lines (output names, which keep
// spelling "collect_list(...)", left out).
std::string AggregateCalls(const std::string& plan) {
  std::string out;
  size_t begin = 0;
  while (begin < plan.size()) {
    size_t end = plan.find('\n', begin);
    if (end == std::string::npos) end = plan.size();
    std::string line = plan.substr(begin, end - begin);
    if (Contains(line, "Aggregate ")) {
      for (size_t at; (at = line.find(" AS collect_list(")) != std::string::npos;) {
        line.replace(at, 17, " AS output_name(");
      }
      out += line + "\n";
    }
    begin = end + 1;
  }
  return out;
}

// The plan uses the top-K aggregate `call` and no collect_list.
::testing::AssertionResult Rewritten(std::string_view sql, std::string_view call) {
  std::string plan = Optimized(sql);
  std::string calls = AggregateCalls(plan);
  if (Contains(calls, call) && !Contains(calls, "collect_list(")) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected " << call << " in\n" << plan;
}

::testing::AssertionResult Kept(std::string_view sql) {
  std::string plan = Optimized(sql);
  std::string calls = AggregateCalls(plan);
  if (!Contains(calls, "_top_k") && Contains(calls, "collect_list(")) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected collect_list to stay in\n" << plan;
}

TEST(TopK, RewritesElementAtOfSortArray) {
  EXPECT_TRUE(
      Rewritten("SELECT a, element_at(sort_array(collect_list(c), false), 1) AS m1, "
                "element_at(sort_array(collect_list(c), false), 3) AS m3 FROM t GROUP BY a",
                "_top_k(c, 3, false)"));
  // Ascending, with the default direction and with an explicit one.
  EXPECT_TRUE(
      Rewritten("SELECT a, element_at(sort_array(collect_list(c)), 2) AS m FROM t GROUP BY a",
                "_top_k(c, 2, true)"));
  EXPECT_TRUE(Rewritten("SELECT element_at(sort_array(array_agg(b), true), 5) AS m FROM t",
                        "_top_k(b, 5, true)"));
}

TEST(TopK, RewritesThroughProjectsAsQ19Does) {
  // The sorted list is a column of an inner query, read by element_at above; the
  // largest index read is K.
  EXPECT_TRUE(Rewritten(
      "SELECT a, array(element_at(s, 1), element_at(s, 4), element_at(s, 2)) AS top FROM ("
      "SELECT a, sort_array(collect_list(named_struct('c', c, 'b', b)), false) AS s "
      "FROM t GROUP BY a) x",
      "_top_k(named_struct(c, b), 4, false)"));
  // The list passed on unsorted, then sorted above.
  EXPECT_TRUE(
      Rewritten("SELECT a, element_at(sort_array(l, false), 2) AS m FROM ("
                "SELECT a, collect_list(c) AS l FROM t GROUP BY a) x",
                "_top_k(c, 2, false)"));
  // HAVING and a FILTER clause.
  EXPECT_TRUE(
      Rewritten("SELECT a FROM t GROUP BY a HAVING element_at(sort_array(collect_list(c)), 1) > 0",
                "_top_k(c, 1, true)"));
  std::string filtered = Optimized(
      "SELECT a, element_at(sort_array(collect_list(c) FILTER (WHERE c > 0), false), 2) AS m "
      "FROM t GROUP BY a");
  EXPECT_TRUE(Contains(filtered, "_top_k(c, 2, false) FILTER (WHERE (c > 0.0))")) << filtered;
}

TEST(TopK, OnlyTheQualifyingCallIsRewritten) {
  std::string plan = Optimized(
      "SELECT a, element_at(sort_array(collect_list(c)), 1) AS lo, size(collect_list(b)) AS n "
      "FROM t GROUP BY a");
  EXPECT_TRUE(Contains(plan, "_top_k(c, 1, true)")) << plan;
  EXPECT_TRUE(Contains(plan, "collect_list(b)")) << plan;
}

TEST(TopK, KeepsCollectListForOtherUses) {
  // The list itself is also read.
  EXPECT_TRUE(
      Kept("SELECT a, collect_list(c) AS l, element_at(sort_array(collect_list(c)), 1) "
           "AS m FROM t GROUP BY a"));
  EXPECT_TRUE(Kept("SELECT a, sort_array(collect_list(c)) AS s FROM t GROUP BY a"));
  // size() counts every element.
  EXPECT_TRUE(
      Kept("SELECT a, size(sort_array(collect_list(c))) AS n, "
           "element_at(sort_array(collect_list(c)), 1) AS m FROM t GROUP BY a"));
  EXPECT_TRUE(
      Kept("SELECT a, size(s) AS n, element_at(s, 1) AS m FROM ("
           "SELECT a, sort_array(collect_list(c)) AS s FROM t GROUP BY a) x"));
  // Indices that are not a literal in 1..K.
  EXPECT_TRUE(Kept("SELECT a, element_at(sort_array(collect_list(c)), -1) AS m FROM t GROUP BY a"));
  EXPECT_TRUE(Kept("SELECT a, element_at(sort_array(collect_list(c)), a) AS m FROM t GROUP BY a"));
  EXPECT_TRUE(
      Kept("SELECT a, element_at(sort_array(collect_list(c)), 1001) AS m FROM t GROUP BY a"));
  // element_at of the unsorted list; both directions.
  EXPECT_TRUE(Kept("SELECT a, element_at(collect_list(c), 1) AS m FROM t GROUP BY a"));
  EXPECT_TRUE(
      Kept("SELECT a, element_at(sort_array(collect_list(c)), 1) AS lo, "
           "element_at(sort_array(collect_list(c), false), 1) AS hi FROM t GROUP BY a"));
  // A sort of the sorted list.
  EXPECT_TRUE(
      Kept("SELECT a, element_at(sort_array(s, true), 1) AS m FROM ("
           "SELECT a, sort_array(collect_list(c), false) AS s FROM t GROUP BY a) x"));
}

TEST(TopK, KeepsOtherAggregates) {
  std::string set =
      Optimized("SELECT a, element_at(sort_array(collect_set(c)), 1) AS m FROM t GROUP BY a");
  EXPECT_TRUE(Contains(set, "collect_set(c)") && !Contains(set, "_top_k")) << set;
  std::string distinct = Optimized(
      "SELECT a, element_at(sort_array(collect_list(DISTINCT c)), 1) AS m FROM t GROUP BY a");
  EXPECT_FALSE(Contains(distinct, "_top_k")) << distinct;
}

}  // namespace
}  // namespace weir::plan::testing
