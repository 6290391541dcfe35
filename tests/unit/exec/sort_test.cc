#include <random>

#include "weir/exec/planner.h"

#include "exec_test_util.h"

namespace weir::exec::testing {
namespace {

class SortTest : public ExecTest {};

TEST_F(SortTest, DirectionsAndNulls) {
  auto t = Table({{"a", DataType::Int64(), true}, {"d", DataType::Double(), true}},
                 {{I(2), D(1)},
                  {NullI(), D(std::nan(""))},
                  {I(1), D(-1)},
                  {I(2), Value::Null(DataType::Double())},
                  {I(3), D(std::nan(""))},
                  {I(1), D(5)}});
  auto asc = std::make_shared<plan::SortNode>(
      t, std::vector<plan::SortKey>{{Col(t, 0), true, true}, {Col(t, 1), false, false}});
  Rows rows = Run(asc);
  ASSERT_EQ(6u, rows.size());
  EXPECT_EQ("(NULL, NaN)\n(1, 5.0)\n(1, -1.0)\n(2, 1.0)\n(2, NULL)\n(3, NaN)\n", Show(rows));
  auto desc =
      std::make_shared<plan::SortNode>(t, std::vector<plan::SortKey>{{Col(t, 1), false, true}});
  rows = Run(desc);
  EXPECT_EQ("(2, NULL)\n(NULL, NaN)\n(3, NaN)\n(1, 5.0)\n(2, 1.0)\n(1, -1.0)\n", Show(rows));
}

TEST_F(SortTest, StringsAndStability) {
  Rows in;
  for (int i = 0; i < 200; ++i)
    in.push_back({S(std::string(1, static_cast<char>('a' + i % 5))), I(i)});
  auto t = Table({{"s", DataType::String(), true}, {"i", DataType::Int64(), true}}, in, 4, 7);
  auto sorted = std::make_shared<plan::SortNode>(
      t, std::vector<plan::SortKey>{{Col(t, 0), true, true}, {Col(t, 1), true, true}});
  Rows rows = Run(sorted);
  ASSERT_EQ(200u, rows.size());
  for (size_t i = 1; i < rows.size(); ++i) {
    bool ordered =
        rows[i - 1][0].str() < rows[i][0].str() ||
        (rows[i - 1][0].str() == rows[i][0].str() && rows[i - 1][1].int64() < rows[i][1].int64());
    ASSERT_TRUE(ordered) << i;
  }
}

TEST_F(SortTest, ExternalSortSpillsAndCleansUp) {
  std::mt19937_64 rng(7);
  Rows in;
  for (int i = 0; i < 5000; ++i) {
    in.push_back({I(static_cast<int64_t>(rng() % 1000)), S("v" + std::to_string(i))});
  }
  auto t = Table({{"k", DataType::Int64(), true}, {"s", DataType::String(), true}}, in, 4, 100);
  auto sorted =
      std::make_shared<plan::SortNode>(t, std::vector<plan::SortKey>{{Col(t, 0), true, true}});
  std::unique_ptr<Env> env = NewMemEnv();
  ASSERT_TRUE(env->CreateDirIfMissing("/spill").ok());
  ctx_.env = env.get();
  ctx_.spill_dir = "/spill";
  ctx_.memory_budget = 20000;  // bytes: forces many runs
  auto op = PlanPhysical(sorted, ctx_).ValueOrDie();
  ASSERT_TRUE(op->Prepare(ctx_).ok());
  auto files = env->GetChildren("/spill").ValueOrDie();
  EXPECT_GT(files.size(), 2u);
  auto stream = op->Execute(ctx_, 0).ValueOrDie();
  Batch b;
  int64_t prev = -1, n = 0;
  while (stream->Next(&b).ValueOrDie()) {
    for (int64_t r = 0; r < b.num_rows(); ++r) {
      int64_t k = b.column(0)->Get<int64_t>(b.RowIndex(r));
      ASSERT_LE(prev, k);
      prev = k;
      ++n;
    }
  }
  EXPECT_EQ(5000, n);
  stream.reset();
  EXPECT_TRUE(env->GetChildren("/spill").ValueOrDie().empty());
}

TEST_F(SortTest, TopN) {
  std::mt19937_64 rng(3);
  Rows in;
  std::vector<int64_t> keys;
  for (int i = 0; i < 20000; ++i) {
    int64_t k = static_cast<int64_t>(rng() % 100000);
    keys.push_back(k);
    in.push_back({I(k)});
  }
  std::sort(keys.begin(), keys.end());
  auto t = Table({{"k", DataType::Int64(), true}}, in, 4, 1000);
  auto sorted =
      std::make_shared<plan::SortNode>(t, std::vector<plan::SortKey>{{Col(t, 0), true, true}});
  Rows rows = Run(std::make_shared<plan::LimitNode>(sorted, 10, 5));
  ASSERT_EQ(10u, rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(keys[i + 5], rows[i][0].int64());
  EXPECT_NE(std::string::npos, explain_.find("TakeOrderedAndProject")) << explain_;
}

}  // namespace
}  // namespace weir::exec::testing
