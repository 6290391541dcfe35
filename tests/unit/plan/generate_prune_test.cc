// Column pruning of Generate (LATERAL VIEW explode & co, generators in SELECT): a
// child column that only the generator's arguments read (the array being exploded)
// is not forwarded into the generated rows (Spark's Generate.unrequiredChildIndex);
// one read above stays forwarded. Filters pushed through a Generate that forwards a
// subset are rewritten over its child.

#include <gtest/gtest.h>

#include "weir/functions/generator.h"
#include "weir/plan/optimizer.h"
#include "weir/plan/optimizer_internal.h"

#include "plan_test_util.h"

namespace weir::plan::testing {
namespace {

LogicalPlanPtr OptimizedPlan(std::string_view sql) {
  auto plan = BindSql(sql);
  EXPECT_TRUE(plan.ok()) << sql << ": " << plan.status().ToString();
  if (!plan.ok()) return nullptr;
  EvalOptions options;
  EvalContext ctx(options);
  auto opt = Optimize(*plan, ctx);
  EXPECT_TRUE(opt.ok()) << sql << ": " << opt.status().ToString();
  if (!opt.ok()) return nullptr;
  // The query's output is unchanged: names and types.
  const Schema& before = *(*plan)->schema();
  const Schema& after = *(*opt)->schema();
  EXPECT_EQ(before.num_fields(), after.num_fields()) << sql;
  for (int i = 0; i < before.num_fields() && i < after.num_fields(); ++i) {
    EXPECT_EQ(before.field(i).name, after.field(i).name) << sql;
    EXPECT_EQ(before.field(i).type, after.field(i).type) << sql;
  }
  return *opt;
}

// The first Generate in the plan (pre-order), or null.
const GenerateNode* FindGenerate(const LogicalPlanPtr& plan) {
  if (plan->kind() == LogicalKind::kGenerate) return static_cast<const GenerateNode*>(plan.get());
  for (const LogicalPlanPtr& c : plan->children()) {
    if (const GenerateNode* g = FindGenerate(c)) return g;
  }
  return nullptr;
}

std::vector<std::string> FieldNames(const Schema& s) {
  std::vector<std::string> out;
  for (const Field& f : s.fields()) out.push_back(f.name);
  return out;
}

using Names = std::vector<std::string>;

// `e > 1`.
ExprPtr Gt(ExprPtr e) {
  return FunctionRegistry::Builtins()
      .Resolve(">", {std::move(e), Literal(Value::Int32(1))})
      .ValueOrDie();
}

TEST(GeneratePrune, DropsTheExplodedArrayWhenNothingAboveReadsIt) {
  LogicalPlanPtr p = OptimizedPlan("SELECT id, v FROM nested LATERAL VIEW explode(arr) e AS v");
  ASSERT_NE(p, nullptr);
  const GenerateNode* g = FindGenerate(p);
  ASSERT_NE(g, nullptr);
  // The child reads arr (the generator's argument) but only id is forwarded.
  EXPECT_EQ(Names({"id", "arr"}), FieldNames(*g->child()->schema()));
  EXPECT_EQ(std::vector<int>({0}), g->forwarded());
  EXPECT_EQ(Names({"id", "v"}), FieldNames(*g->schema()));
  EXPECT_EQ(ExplainString(*p),
            "Generate explode(arr), forwards [id]\n"
            "+- Scan nested [id, arr]\n");
}

TEST(GeneratePrune, KeepsTheArrayWhenReadAbove) {
  LogicalPlanPtr p =
      OptimizedPlan("SELECT id, arr, v FROM nested LATERAL VIEW explode(arr) e AS v");
  ASSERT_NE(p, nullptr);
  const GenerateNode* g = FindGenerate(p);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(std::vector<int>({0, 1}), g->forwarded());
  EXPECT_EQ(Names({"id", "arr", "v"}), FieldNames(*g->schema()));
  // Forwarding every child column is the default and is not printed.
  EXPECT_EQ(ExplainString(*p),
            "Generate explode(arr)\n"
            "+- Scan nested [id, arr]\n");
  // Read above in an expression, in another order.
  p = OptimizedPlan("SELECT v, size(arr) AS n FROM nested LATERAL VIEW explode(arr) e AS v");
  ASSERT_NE(p, nullptr);
  g = FindGenerate(p);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(Names({"arr", "v"}), FieldNames(*g->schema()));
}

TEST(GeneratePrune, ForwardsNothingWhenOnlyGeneratedColumnsAreRead) {
  for (const char* sql : {"SELECT v FROM nested LATERAL VIEW explode(arr) e AS v",
                          "SELECT explode(arr) AS v FROM nested"}) {
    LogicalPlanPtr p = OptimizedPlan(sql);
    ASSERT_NE(p, nullptr);
    const GenerateNode* g = FindGenerate(p);
    ASSERT_NE(g, nullptr) << sql;
    EXPECT_TRUE(g->forwarded().empty()) << sql;
    EXPECT_EQ(Names({"v"}), FieldNames(*g->schema())) << sql;
  }
}

TEST(GeneratePrune, OuterPosexplodeAndSelectListGenerators) {
  LogicalPlanPtr p = OptimizedPlan(
      "SELECT st.f, pos, v FROM nested LATERAL VIEW OUTER posexplode(arr) e AS pos, v");
  ASSERT_NE(p, nullptr);
  const GenerateNode* g = FindGenerate(p);
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(g->outer());
  EXPECT_EQ(Names({"st", "pos", "v"}), FieldNames(*g->schema()));
  // The generated columns are nullable (outer); the forwarded one keeps its type.
  EXPECT_TRUE(g->schema()->field(2).nullable);
  EXPECT_EQ(g->schema()->field(0).type, g->child()->schema()->field(0).type);

  p = OptimizedPlan("SELECT id, explode(m) FROM nested");
  ASSERT_NE(p, nullptr);
  g = FindGenerate(p);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(Names({"id", "key", "value"}), FieldNames(*g->schema()));
}

TEST(GeneratePrune, ChainedGeneratorsForwardOnlyWhatIsRead) {
  // The inner Generate's array feeds nothing above; the outer one reads the inner's
  // generated column.
  LogicalPlanPtr p = OptimizedPlan(
      "SELECT id, y FROM nested LATERAL VIEW explode(arr) a AS x "
      "LATERAL VIEW explode(array(x, x + 1)) b AS y");
  ASSERT_NE(p, nullptr);
  const GenerateNode* outer = FindGenerate(p);
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(Names({"id", "y"}), FieldNames(*outer->schema()));
  const GenerateNode* inner = FindGenerate(outer->child());
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(Names({"id", "x"}), FieldNames(*inner->schema()));
}

TEST(GeneratePrune, FilterPushedThroughAPrunedGenerateIsRewrittenOverItsChild) {
  // Generate over nested(id, st, arr, m) forwarding [m, id] (a permutation), with a
  // filter on id above it: the filter moves below, reading child column 0, not 1.
  auto scan = BindSql("SELECT * FROM nested");
  ASSERT_TRUE(scan.ok());
  const LogicalPlanPtr child = *scan;
  std::vector<ExprPtr> args = {ColumnRef(*child->schema(), 2)};
  GeneratorPtr gen = ResolveGenerator("explode", args).ValueOrDie();
  auto g = std::make_shared<GenerateNode>(child, gen, args, false, std::vector<std::string>{"v"},
                                          std::vector<int>{3, 0});
  EXPECT_EQ(Names({"m", "id", "v"}), FieldNames(*g->schema()));
  ExprPtr pred = Gt(ColumnRef(*g->schema(), 1));
  auto f = std::make_shared<FilterNode>(g, pred);
  auto pushed = internal::PushDownFilters(f);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  ASSERT_EQ((*pushed)->kind(), LogicalKind::kGenerate);
  const auto& pg = static_cast<const GenerateNode&>(**pushed);
  EXPECT_EQ(std::vector<int>({3, 0}), pg.forwarded());
  const std::string below = ExplainString(*pg.child());
  EXPECT_NE(below.find("Filter (id > 1)"), std::string::npos) << below;
  // A filter on a generated column stays above.
  ExprPtr on_v = Gt(ColumnRef(*g->schema(), 2));
  auto kept = internal::PushDownFilters(std::make_shared<FilterNode>(g, on_v));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ((*kept)->kind(), LogicalKind::kFilter);
}

}  // namespace
}  // namespace weir::plan::testing
