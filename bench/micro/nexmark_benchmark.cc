// The Nexmark generator's speed on one thread (bench/nexmark): events per second into
// columnar batches (every kind; bids with every column; bids with q2's two columns)
// and into structs, against a baseline measured in the same run: copying the same
// bytes out of batches generated beforehand (what a pre-generated input costs).

#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

#include <benchmark/benchmark.h>

#include "nexmark/generator.h"
#include "ratio_reporter.h"

namespace weir {
namespace {

constexpr int64_t kEventsPerIteration = 1 << 20;

const nexmark::Generator& Gen() {
  static const nexmark::Generator g = nexmark::Generator::Make({}).ValueOrDie();
  return g;
}

// Generates events [0, 2^20) of `kind` with `columns`, 4096 rows per batch.
void Generate(benchmark::State& state, nexmark::EventKind kind, std::vector<int> columns) {
  auto writer = nexmark::BatchWriter::Make(Gen(), kind, columns).ValueOrDie();
  int64_t start = 0;
  for (auto _ : state) {
    int64_t k = start;
    const int64_t end = start + kEventsPerIteration;
    while (k < end) {
      writer->Append(&k, end, kDefaultBatchRows);
      Batch b = writer->Finish().ValueOrDie();
      benchmark::DoNotOptimize(b);
    }
    start = end;  // new events every iteration: no cache of earlier work helps
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}

void BM_AllKindsAllColumns(benchmark::State& state) {
  auto p =
      nexmark::BatchWriter::Make(Gen(), nexmark::EventKind::kPerson,
                                 AllFieldIndices(*nexmark::SchemaOf(nexmark::EventKind::kPerson)))
          .ValueOrDie();
  auto a =
      nexmark::BatchWriter::Make(Gen(), nexmark::EventKind::kAuction,
                                 AllFieldIndices(*nexmark::SchemaOf(nexmark::EventKind::kAuction)))
          .ValueOrDie();
  auto b = nexmark::BatchWriter::Make(Gen(), nexmark::EventKind::kBid,
                                      AllFieldIndices(*nexmark::SchemaOf(nexmark::EventKind::kBid)))
               .ValueOrDie();
  int64_t start = 0;
  for (auto _ : state) {
    for (int64_t at = start; at < start + kEventsPerIteration; at += kDefaultBatchRows) {
      for (auto* w : {p.get(), a.get(), b.get()}) {
        int64_t k = at;
        w->Append(&k, at + kDefaultBatchRows, kDefaultBatchRows);
        Batch out = w->Finish().ValueOrDie();
        benchmark::DoNotOptimize(out);
      }
    }
    start += kEventsPerIteration;
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}

void BM_BidsAllColumns(benchmark::State& state) {
  Generate(state, nexmark::EventKind::kBid,
           AllFieldIndices(*nexmark::SchemaOf(nexmark::EventKind::kBid)));
}

void BM_BidsAuctionAndPrice(benchmark::State& state) {
  Generate(state, nexmark::EventKind::kBid, {nexmark::kBidAuction, nexmark::kBidPrice});
}

void BM_Structs(benchmark::State& state) {
  nexmark::Event e;
  int64_t start = 0;
  for (auto _ : state) {
    for (int64_t k = start; k < start + kEventsPerIteration; ++k) {
      Gen().Generate(k, &e);
      benchmark::DoNotOptimize(e);
    }
    start += kEventsPerIteration;
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}

// Baseline: the bytes of 2^20 events' bid batches (values and string bytes; the
// channel table the url columns share counted once), copied from batches generated
// before timing.
void BM_CopyPregeneratedBids(benchmark::State& state) {
  std::vector<const char*> from;
  std::vector<size_t> sizes;
  std::vector<Batch> batches;
  std::set<const Buffer*> seen;
  for (int64_t at = 0; at < kEventsPerIteration; at += kDefaultBatchRows) {
    batches.push_back(
        nexmark::GenerateBatch(Gen(), nexmark::EventKind::kBid, at, at + kDefaultBatchRows)
            .ValueOrDie());
    for (const ColumnPtr& c : batches.back().columns()) {
      from.push_back(reinterpret_cast<const char*>(c->values_buffer()->data()));
      sizes.push_back(c->values_buffer()->size());
      for (const BufferPtr& chunk : c->string_data()) {
        if (!seen.insert(chunk.get()).second) continue;
        from.push_back(reinterpret_cast<const char*>(chunk->data()));
        sizes.push_back(chunk->size());
      }
    }
  }
  size_t total = 0;
  for (size_t s : sizes) total += s;
  std::vector<char> to(total);
  for (auto _ : state) {
    char* out = to.data();
    for (size_t i = 0; i < from.size(); ++i) {
      std::memcpy(out, from[i], sizes[i]);
      out += sizes[i];
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  state.counters["bytes_per_event"] =
      static_cast<double>(total) / static_cast<double>(kEventsPerIteration);
}

BENCHMARK(BM_AllKindsAllColumns)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BidsAllColumns)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BidsAuctionAndPrice)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Structs)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CopyPregeneratedBids)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double copy = reporter.Rate("BM_CopyPregeneratedBids");
  std::printf(
      "\nNexmark generator, one thread, events per second (ratio to copying the bid\n"
      "batches of as many events, generated beforehand):\n");
  for (const char* name :
       {"BM_AllKindsAllColumns", "BM_BidsAllColumns", "BM_BidsAuctionAndPrice", "BM_Structs"}) {
    const double rate = reporter.Rate(name);
    if (rate > 0 && copy > 0) {
      std::printf("  %-24s %8.2f M events/s  (%.3fx the copy)\n", name, rate / 1e6, rate / copy);
    }
  }
  if (copy > 0) std::printf("  %-24s %8.2f M events/s\n", "BM_CopyPregeneratedBids", copy / 1e6);
  benchmark::Shutdown();
  return 0;
}
