// Builds and scans a stream of 10M rows (BIGINT, STRING) as weir batches, and the
// same rows as a plain pair of std::vectors, in the same run, and prints rows/s for
// each and weir's ratio to the baseline.
//
// The scan reads every value and every string's bytes' length and first byte, and
// checks validity, so that neither side can skip work.

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "weir/types/builder.h"

#include "ratio_reporter.h"

namespace weir {
namespace {

constexpr int64_t kRows = 10'000'000;

// A pool of strings of 4 to 40 bytes, so both inline and out-of-line StringRefs occur.
const std::vector<std::string>& StringPool() {
  static const std::vector<std::string> pool = [] {
    std::vector<std::string> p;
    for (int i = 0; i < 1024; ++i) {
      std::string s = "user-" + std::to_string(i * 7919);
      s.resize(4 + static_cast<size_t>(i * 37 % 37), 'x');
      p.push_back(std::move(s));
    }
    return p;
  }();
  return pool;
}

SchemaPtr BenchSchema() {
  return MakeSchema({{"id", DataType::Int64(), true}, {"name", DataType::String(), true}});
}

std::vector<Batch> BuildBatches() {
  const auto& pool = StringPool();
  SchemaPtr schema = BenchSchema();
  std::vector<Batch> out;
  out.reserve(static_cast<size_t>(kRows / kDefaultBatchRows + 1));
  Int64Builder ids(DataType::Int64());
  StringBuilder names;
  for (int64_t start = 0; start < kRows; start += kDefaultBatchRows) {
    int64_t n = std::min<int64_t>(kDefaultBatchRows, kRows - start);
    ids.Reserve(n);
    names.Reserve(n);
    for (int64_t i = start; i < start + n; ++i) {
      ids.Append(i);
      names.Append(pool[static_cast<size_t>(i) & 1023]);
    }
    out.push_back(Batch::Make(schema, {ids.Finish(), names.Finish()}).ValueOrDie());
  }
  return out;
}

struct PlainRows {
  std::vector<int64_t> ids;
  std::vector<std::string> names;
};

PlainRows BuildPlain() {
  const auto& pool = StringPool();
  PlainRows rows;
  rows.ids.reserve(kRows);
  rows.names.reserve(kRows);
  for (int64_t i = 0; i < kRows; ++i) {
    rows.ids.push_back(i);
    rows.names.push_back(pool[static_cast<size_t>(i) & 1023]);
  }
  return rows;
}

void BM_BuildWeir(benchmark::State& state) {
  for (auto _ : state) {
    std::vector<Batch> batches = BuildBatches();
    benchmark::DoNotOptimize(batches.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_BuildPlainVector(benchmark::State& state) {
  for (auto _ : state) {
    PlainRows rows = BuildPlain();
    benchmark::DoNotOptimize(rows.ids.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_ScanWeir(benchmark::State& state) {
  static const std::vector<Batch> batches = BuildBatches();
  for (auto _ : state) {
    int64_t sum = 0;
    uint64_t bytes = 0;
    for (const Batch& b : batches) {
      const Column& ids = *b.column(0);
      const Column& names = *b.column(1);
      const int64_t* id = ids.values<int64_t>();
      const StringRef* name = names.values<StringRef>();
      const int64_t n = b.num_rows();
      if (!ids.may_have_nulls() && !names.may_have_nulls()) {
        for (int64_t i = 0; i < n; ++i) {
          sum += id[i];
          bytes += name[i].size() + static_cast<unsigned char>(name[i].data()[0]);
        }
      } else {
        for (int64_t i = 0; i < n; ++i) {
          if (ids.IsValid(i)) sum += id[i];
          if (names.IsValid(i))
            bytes += name[i].size() + static_cast<unsigned char>(name[i].data()[0]);
        }
      }
    }
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_ScanPlainVector(benchmark::State& state) {
  static const PlainRows rows = BuildPlain();
  for (auto _ : state) {
    int64_t sum = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < rows.ids.size(); ++i) {
      sum += rows.ids[i];
      bytes += rows.names[i].size() + static_cast<unsigned char>(rows.names[i][0]);
    }
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

BENCHMARK(BM_BuildWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_BuildPlainVector)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_ScanWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_ScanPlainVector)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n10M rows of (BIGINT, STRING), %d-row batches:\n",
              static_cast<int>(weir::kDefaultBatchRows));
  for (const char* phase : {"Build", "Scan"}) {
    double w = reporter.Rate(std::string("BM_") + phase + "Weir");
    double p = reporter.Rate(std::string("BM_") + phase + "PlainVector");
    if (w <= 0 || p <= 0) continue;
    std::printf("  %-5s weir %8.1f M rows/s   std::vector %8.1f M rows/s   ratio %.2fx\n", phase,
                w / 1e6, p / 1e6, w / p);
  }
  benchmark::Shutdown();
  return 0;
}
