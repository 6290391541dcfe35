// Differential tests: hash join and hash aggregate against naive nested loops on
// random data with NULLs and duplicate keys.

#include <map>
#include <random>

#include "exec_test_util.h"

namespace weir::exec::testing {
namespace {

class RandomTest : public ExecTest {};

Rows RandomRows(std::mt19937_64& rng, int n, int keys, bool string_keys) {
  Rows rows;
  for (int i = 0; i < n; ++i) {
    Value k;
    if (rng() % 8 == 0) {
      k = string_keys ? NullS() : NullI();
    } else {
      int64_t v = static_cast<int64_t>(rng() % static_cast<uint64_t>(keys));
      k = string_keys ? S("key-number-" + std::to_string(v)) : I(v);
    }
    Value v = rng() % 10 == 0 ? NullI() : I(static_cast<int64_t>(rng() % 100));
    rows.push_back({k, v});
  }
  return rows;
}

bool SqlEq(const Value& a, const Value& b) { return !a.is_null() && !b.is_null() && a == b; }

TEST_F(RandomTest, HashJoinMatchesNestedLoops) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 12; ++round) {
    const bool strings = round % 2 == 1;
    DataType kt = strings ? DataType::String() : DataType::Int64();
    Rows l = RandomRows(rng, 1 + static_cast<int>(rng() % 300), 20, strings);
    Rows r = RandomRows(rng, static_cast<int>(rng() % 200), 20, strings);
    auto lt = Table({{"k", kt, true}, {"v", DataType::Int64(), true}}, l, 3, 17);
    auto rt = Table({{"k", kt, true}, {"w", DataType::Int64(), true}}, r, 2, 13);
    // l.k = r.k AND l.v < r.w (a residual half the time).
    ExprPtr cond = Fn("=", {JCol(lt, rt, 0), JCol(lt, rt, 2)});
    const bool residual = round % 4 >= 2;
    if (residual) cond = And(cond, Fn("<", {JCol(lt, rt, 1), JCol(lt, rt, 3)})).ValueOrDie();
    auto pass = [&](const Row& a, const Row& b) {
      if (!SqlEq(a[0], b[0])) return false;
      if (!residual) return true;
      return !a[1].is_null() && !b[1].is_null() && a[1].int64() < b[1].int64();
    };
    Row lnull = {Value::Null(kt), NullI()}, rnull = {Value::Null(kt), NullI()};
    for (auto type :
         {plan::JoinType::kInner, plan::JoinType::kLeftOuter, plan::JoinType::kRightOuter,
          plan::JoinType::kFullOuter, plan::JoinType::kLeftSemi, plan::JoinType::kLeftAnti}) {
      Rows expected;
      std::vector<bool> rmatched(r.size(), false);
      for (const Row& a : l) {
        bool any = false;
        for (size_t j = 0; j < r.size(); ++j) {
          if (!pass(a, r[j])) continue;
          any = true;
          rmatched[j] = true;
          if (type != plan::JoinType::kLeftSemi && type != plan::JoinType::kLeftAnti) {
            expected.push_back({a[0], a[1], r[j][0], r[j][1]});
          }
        }
        if (type == plan::JoinType::kLeftSemi && any) expected.push_back(a);
        if (type == plan::JoinType::kLeftAnti && !any) expected.push_back(a);
        if (!any && (type == plan::JoinType::kLeftOuter || type == plan::JoinType::kFullOuter)) {
          expected.push_back({a[0], a[1], rnull[0], rnull[1]});
        }
      }
      if (type == plan::JoinType::kRightOuter || type == plan::JoinType::kFullOuter) {
        for (size_t j = 0; j < r.size(); ++j) {
          if (!rmatched[j]) expected.push_back({lnull[0], lnull[1], r[j][0], r[j][1]});
        }
      }
      auto j = std::make_shared<plan::JoinNode>(lt, rt, type, cond);
      PlannerOptions opts;
      opts.shuffle_partitions = 1 + round % 3;
      EXPECT_ROWS(SortRows(expected), RunSorted(j, opts))
          << "round " << round << " type " << static_cast<int>(type);
    }
  }
}

TEST_F(RandomTest, HashAggregateMatchesReference) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 10; ++round) {
    const bool strings = round % 2 == 1;
    DataType kt = strings ? DataType::String() : DataType::Int64();
    Rows in =
        RandomRows(rng, static_cast<int>(rng() % 2000), 1 + static_cast<int>(rng() % 300), strings);
    auto t = Table({{"k", kt, true}, {"v", DataType::Int64(), true}}, in, 4, 33);
    std::map<std::string, std::tuple<Value, int64_t, int64_t, bool, int64_t>> ref;
    for (const Row& r : in) {
      std::string key = r[0].is_null() ? "NULL" : r[0].ToString();
      auto& e = ref[key];
      std::get<0>(e) = r[0];
      ++std::get<4>(e);
      if (!r[1].is_null()) {
        std::get<1>(e) += r[1].int64();
        ++std::get<2>(e);
        std::get<3>(e) = true;
      }
    }
    Rows expected;
    for (auto& [key, e] : ref) {
      expected.push_back({std::get<0>(e), std::get<3>(e) ? I(std::get<1>(e)) : NullI(),
                          I(std::get<2>(e)), I(std::get<4>(e))});
    }
    auto agg = std::make_shared<plan::AggregateNode>(
        t, std::vector<ExprPtr>{Col(t, 0)},
        std::vector<AggregateCall>{Agg("sum", {Col(t, 1)}), Agg("count", {Col(t, 1)}),
                                   Agg("count", {Lit(I32(1))})},
        std::vector<std::string>{"k", "s", "c", "n"});
    PlannerOptions opts;
    opts.shuffle_partitions = 1 + round % 4;
    EXPECT_ROWS(SortRows(expected), RunSorted(agg, opts)) << "round " << round;
  }
}

}  // namespace
}  // namespace weir::exec::testing
