// The join-side rule of the optimizer (src/weir/plan/join_order.cc).

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
  EXPECT_EQ(*(*plan)->schema(), *(*opt)->schema()) << sql;
  return ExplainString(**opt);
}

// An inner join whose left input is known to be smaller swaps its inputs, so the
// smaller one is the hash join's build side (the right input); a Project restores
// the column order. Unknown sizes and outer joins keep their order.
TEST(OptimizerJoinOrder, SmallerInputBecomesTheBuildSide) {
  EXPECT_EQ(Optimized("SELECT * FROM range(10) a JOIN range(1000) b ON a.id = b.id + 1"),
            "Project [id, id]\n"
            "+- Join INNER, (id = (id + 1))\n"
            "   :- Scan range(0, 1000, 1) [id]\n"
            "   +- Scan range(0, 10, 1) [id]\n");
  EXPECT_EQ(Optimized("SELECT * FROM range(1000) a JOIN range(10) b ON a.id = b.id"),
            "Join INNER, (id = id)\n"
            ":- Scan range(0, 1000, 1) [id]\n"
            "+- Scan range(0, 10, 1) [id]\n");
  EXPECT_EQ(Optimized("SELECT * FROM range(10) a LEFT JOIN range(1000) b ON a.id = b.id"),
            "Join LEFT OUTER, (id = id)\n"
            ":- Scan range(0, 10, 1) [id]\n"
            "+- Scan range(0, 1000, 1) [id]\n");
}

}  // namespace
}  // namespace weir::plan::testing
