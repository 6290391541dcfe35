// Batch query operators against hand-written loops over the same columns, in the
// same run:
//  - GROUP BY: 10M rows, 100K groups, BIGINT key, sum and count of a BIGINT value,
//    through PlanPhysical + the physical operators (pools of 1 and 2 threads) vs an
//    absl::flat_hash_map<int64_t, {sum, count}> loop.
//  - Hash join: 10M probe rows x 1M build rows on BIGINT keys (every probe row finds
//    one build row), producing the joined batches, vs a flat_hash_map build + probe
//    that sums the matched payloads.
// Prints rows/s and weir's ratio to the hand-written baseline.

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <benchmark/benchmark.h>

#include "weir/exec/planner.h"
#include "weir/functions/aggregate.h"
#include "weir/functions/registry.h"
#include "weir/plan/logical_plan.h"
#include "weir/plan/table.h"
#include "weir/types/builder.h"

#include "ratio_reporter.h"

namespace weir {
namespace {

constexpr int64_t kRows = 10'000'000;
constexpr int64_t kGroups = 100'000;
constexpr int64_t kBuildRows = 1'000'000;
constexpr int kPartitions = 8;

uint64_t Scramble(uint64_t x) {
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ULL;
  x ^= x >> 27;
  return x;
}

// Two BIGINT columns (k, v): k = f(i) in [0, key_range), v = i.
std::vector<Batch> MakeBatches(int64_t rows, int64_t key_range) {
  SchemaPtr schema = MakeSchema({{"k", DataType::Int64(), true}, {"v", DataType::Int64(), true}});
  std::vector<Batch> out;
  Int64Builder k(DataType::Int64()), v(DataType::Int64());
  for (int64_t s = 0; s < rows; s += kDefaultBatchRows) {
    int64_t n = std::min<int64_t>(kDefaultBatchRows, rows - s);
    k.Reserve(n);
    v.Reserve(n);
    for (int64_t i = s; i < s + n; ++i) {
      k.Append(static_cast<int64_t>(Scramble(static_cast<uint64_t>(i)) %
                                    static_cast<uint64_t>(key_range)));
      v.Append(i);
    }
    out.push_back(Batch::Make(schema, {k.Finish(), v.Finish()}).ValueOrDie());
  }
  return out;
}

const std::vector<Batch>& AggData() {
  static const std::vector<Batch> data = MakeBatches(kRows, kGroups);
  return data;
}
const std::vector<Batch>& ProbeData() {
  static const std::vector<Batch> data = MakeBatches(kRows, kBuildRows);
  return data;
}
const std::vector<Batch>& BuildData() {
  // Keys 0..kBuildRows-1, each once.
  static const std::vector<Batch> data = [] {
    SchemaPtr schema = MakeSchema({{"k", DataType::Int64(), true}, {"p", DataType::Int64(), true}});
    std::vector<Batch> out;
    Int64Builder k(DataType::Int64()), p(DataType::Int64());
    for (int64_t s = 0; s < kBuildRows; s += kDefaultBatchRows) {
      int64_t n = std::min<int64_t>(kDefaultBatchRows, kBuildRows - s);
      for (int64_t i = s; i < s + n; ++i) {
        k.Append(i);
        p.Append(i * 3);
      }
      out.push_back(Batch::Make(schema, {k.Finish(), p.Finish()}).ValueOrDie());
    }
    return out;
  }();
  return data;
}

plan::LogicalPlanPtr ScanOf(const std::vector<Batch>& batches) {
  SchemaPtr schema = batches[0].schema();
  auto table = std::make_shared<plan::MemoryTable>(schema, batches, kPartitions, "t");
  return std::make_shared<plan::ScanNode>(table, std::vector<int>{0, 1});
}

// Runs every partition of the plan and counts the rows, without keeping them.
int64_t RunAndCount(const plan::LogicalPlanPtr& plan, int threads) {
  ThreadPool pool(threads);
  exec::ExecContext ctx;
  ctx.pool = &pool;
  auto op = exec::PlanPhysical(plan, ctx).ValueOrDie();
  Status st = op->Prepare(ctx);
  if (!st.ok()) std::abort();
  std::vector<int64_t> counts(static_cast<size_t>(op->num_partitions()), 0);
  TaskGroup group(&pool);
  for (int p = 0; p < op->num_partitions(); ++p) {
    group.Spawn([&, p]() -> Status {
      ASSIGN_OR_RAISE(exec::BatchStreamPtr s, op->Execute(ctx, p));
      Batch b;
      while (true) {
        ASSIGN_OR_RAISE(bool more, s->Next(&b));
        if (!more) break;
        counts[static_cast<size_t>(p)] += b.num_rows();
      }
      return Status::OK();
    });
  }
  if (!group.Wait().ok()) std::abort();
  int64_t total = 0;
  for (int64_t c : counts) total += c;
  return total;
}

void BM_AggregateWeir(benchmark::State& state) {
  auto scan = ScanOf(AggData());
  ExprPtr k = ColumnRef(*scan->schema(), 0), v = ColumnRef(*scan->schema(), 1);
  auto agg = std::make_shared<plan::AggregateNode>(
      scan, std::vector<ExprPtr>{k},
      std::vector<AggregateCall>{ResolveAggregate("sum", {v}).ValueOrDie(),
                                 ResolveAggregate("count", {v}).ValueOrDie()},
      std::vector<std::string>{"k", "s", "c"});
  for (auto _ : state) {
    int64_t groups = RunAndCount(agg, static_cast<int>(state.range(0)));
    if (groups != kGroups) state.SkipWithError("wrong group count");
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_AggregateHandWritten(benchmark::State& state) {
  struct Acc {
    int64_t sum = 0;
    int64_t count = 0;
  };
  for (auto _ : state) {
    absl::flat_hash_map<int64_t, Acc> map;
    for (const Batch& b : AggData()) {
      const int64_t* k = b.column(0)->values<int64_t>();
      const int64_t* v = b.column(1)->values<int64_t>();
      for (int64_t i = 0; i < b.num_rows(); ++i) {
        Acc& a = map[k[i]];
        a.sum += v[i];
        ++a.count;
      }
    }
    if (static_cast<int64_t>(map.size()) != kGroups) state.SkipWithError("wrong group count");
    benchmark::DoNotOptimize(map);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_JoinWeir(benchmark::State& state) {
  auto probe = ScanOf(ProbeData());
  auto build = ScanOf(BuildData());
  ExprPtr cond = FunctionRegistry::Builtins()
                     .Resolve("=", {ColumnRef(0, "k", DataType::Int64()),
                                    ColumnRef(2, "k", DataType::Int64())})
                     .ValueOrDie();
  auto join = std::make_shared<plan::JoinNode>(probe, build, plan::JoinType::kInner, cond);
  for (auto _ : state) {
    int64_t rows = RunAndCount(join, static_cast<int>(state.range(0)));
    if (rows != kRows) state.SkipWithError("wrong join row count");
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_JoinHandWritten(benchmark::State& state) {
  for (auto _ : state) {
    absl::flat_hash_map<int64_t, int64_t> map;
    map.reserve(kBuildRows);
    for (const Batch& b : BuildData()) {
      const int64_t* k = b.column(0)->values<int64_t>();
      const int64_t* p = b.column(1)->values<int64_t>();
      for (int64_t i = 0; i < b.num_rows(); ++i) map.emplace(k[i], p[i]);
    }
    int64_t matched = 0, sum = 0;
    for (const Batch& b : ProbeData()) {
      const int64_t* k = b.column(0)->values<int64_t>();
      for (int64_t i = 0; i < b.num_rows(); ++i) {
        auto it = map.find(k[i]);
        if (it != map.end()) {
          ++matched;
          sum += it->second;
        }
      }
    }
    if (matched != kRows) state.SkipWithError("wrong join row count");
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

BENCHMARK(BM_AggregateWeir)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();
BENCHMARK(BM_AggregateHandWritten)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_JoinWeir)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_JoinHandWritten)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  // Generate the inputs before timing anything.
  (void)weir::AggData();
  (void)weir::ProbeData();
  (void)weir::BuildData();
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nGROUP BY 10M rows, 100K groups (sum, count) / hash join 10M x 1M:\n");
  for (const char* what : {"Aggregate", "Join"}) {
    double base = reporter.Rate(std::string("BM_") + what + "HandWritten");
    for (const char* threads : {"1", "2"}) {
      double w = reporter.Rate(std::string("BM_") + what + "Weir/" + threads);
      if (w <= 0 || base <= 0) continue;
      std::printf(
          "  %-9s weir (%s thread%s) %7.1f M rows/s   hand-written %7.1f M rows/s   "
          "ratio %.2fx\n",
          what, threads, threads[0] == '1' ? " " : "s", w / 1e6, base / 1e6, w / base);
    }
  }
  benchmark::Shutdown();
  return 0;
}
