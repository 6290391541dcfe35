// Expression kernels over 10M rows, each beside a hand-written loop over plain
// arrays computing the same thing, in the same run:
//   a + b          (BIGINT + BIGINT)
//   url LIKE '%channel_id%'
//   date_trunc('HOUR', ts)
//   hash(a, url)   (Spark's Murmur3, seed 42)
// Each pair prints rows/s and weir's ratio to the loop. Functions not registered
// yet are skipped with a note.

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "weir/expr/expr.h"
#include "weir/functions/registry.h"
#include "weir/types/builder.h"

#include "ratio_reporter.h"

namespace weir {
namespace {

constexpr int64_t kRows = 10'000'000;

struct Data {
  SchemaPtr schema;
  std::vector<Batch> batches;
  // The same values as plain arrays for the baselines.
  std::vector<int64_t> a, b, ts;
  std::vector<std::string> url;
};

const Data& GetData() {
  static const Data data = [] {
    Data d;
    d.schema = MakeSchema({{"a", DataType::Int64(), false},
                           {"b", DataType::Int64(), false},
                           {"url", DataType::String(), false},
                           {"ts", DataType::Timestamp(), false}});
    uint64_t x = 12345;
    auto next = [&x] {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x;
    };
    for (int64_t i = 0; i < kRows; ++i) {
      d.a.push_back(static_cast<int64_t>(next() % 1000000));
      d.b.push_back(static_cast<int64_t>(next() % 1000000));
      // Nexmark-like URLs; about one in four carries a channel_id.
      std::string u = "https://www.nexmark.com/item.htm?query=" + std::to_string(next() % 100000);
      if (next() % 4 == 0) u += "&channel_id=" + std::to_string(next() % 100);
      d.url.push_back(std::move(u));
      d.ts.push_back(1'700'000'000'000'000LL + static_cast<int64_t>(next() % 86'400'000'000ULL));
    }
    for (int64_t start = 0; start < kRows; start += kDefaultBatchRows) {
      int64_t n = std::min<int64_t>(kDefaultBatchRows, kRows - start);
      Int64Builder a(DataType::Int64()), b(DataType::Int64()), ts(DataType::Timestamp());
      StringBuilder url;
      for (int64_t i = start; i < start + n; ++i) {
        a.Append(d.a[static_cast<size_t>(i)]);
        b.Append(d.b[static_cast<size_t>(i)]);
        url.Append(d.url[static_cast<size_t>(i)]);
        ts.Append(d.ts[static_cast<size_t>(i)]);
      }
      d.batches.push_back(
          Batch::Make(d.schema, {a.Finish(), b.Finish(), url.Finish(), ts.Finish()}).ValueOrDie());
    }
    return d;
  }();
  return data;
}

// Binds name(args) against the data's schema; null when the function is missing.
ExprPtr Bind(std::string_view name, std::vector<ExprPtr> args) {
  Result<ExprPtr> e = FunctionRegistry::Builtins().Resolve(name, std::move(args));
  return e.ok() ? *e : nullptr;
}

ExprPtr Col(int i) { return ColumnRef(*GetData().schema, i); }

void RunExpr(benchmark::State& state, const ExprPtr& expr) {
  if (expr == nullptr) {
    state.SkipWithError("function not registered yet");
    return;
  }
  const Data& d = GetData();
  EvalOptions options;
  EvalContext ctx(options);
  for (auto _ : state) {
    for (const Batch& b : d.batches) {
      Result<Datum> r = expr->Eval(ctx, b, RowSet(b.num_rows()));
      if (!r.ok()) {
        state.SkipWithError(r.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(r->column().get());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_AddWeir(benchmark::State& state) { RunExpr(state, Bind("+", {Col(0), Col(1)})); }

void BM_AddLoop(benchmark::State& state) {
  const Data& d = GetData();
  std::vector<int64_t> out(kDefaultBatchRows);
  for (auto _ : state) {
    for (int64_t start = 0; start < kRows; start += kDefaultBatchRows) {
      int64_t n = std::min<int64_t>(kDefaultBatchRows, kRows - start);
      const int64_t* a = d.a.data() + start;
      const int64_t* b = d.b.data() + start;
      for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = a[i] + b[i];
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_LikeWeir(benchmark::State& state) {
  RunExpr(state, Bind("like", {Col(2), Literal(Value::String("%channel_id%"))}));
}

void BM_LikeLoop(benchmark::State& state) {
  const Data& d = GetData();
  std::vector<uint8_t> out(kDefaultBatchRows);
  for (auto _ : state) {
    for (int64_t start = 0; start < kRows; start += kDefaultBatchRows) {
      int64_t n = std::min<int64_t>(kDefaultBatchRows, kRows - start);
      for (int64_t i = 0; i < n; ++i) {
        // LIKE '%channel_id%': '_' is a wildcard, so "channel", any one character, "id".
        const std::string& u = d.url[static_cast<size_t>(start + i)];
        bool hit = false;
        for (size_t p = u.find("channel"); p != std::string::npos && !hit;
             p = u.find("channel", p + 1)) {
          hit = p + 10 <= u.size() && u.compare(p + 8, 2, "id") == 0;
        }
        out[static_cast<size_t>(i)] = hit;
      }
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_DateTruncWeir(benchmark::State& state) {
  RunExpr(state, Bind("date_trunc", {Literal(Value::String("HOUR")), Col(3)}));
}

void BM_DateTruncLoop(benchmark::State& state) {
  const Data& d = GetData();
  std::vector<int64_t> out(kDefaultBatchRows);
  constexpr int64_t kHour = 3'600'000'000LL;
  for (auto _ : state) {
    for (int64_t start = 0; start < kRows; start += kDefaultBatchRows) {
      int64_t n = std::min<int64_t>(kDefaultBatchRows, kRows - start);
      const int64_t* ts = d.ts.data() + start;
      for (int64_t i = 0; i < n; ++i) {
        int64_t t = ts[i];
        out[static_cast<size_t>(i)] = t - ((t % kHour) + kHour) % kHour;  // UTC
      }
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_HashWeir(benchmark::State& state) { RunExpr(state, Bind("hash", {Col(0), Col(2)})); }

// Murmur3 x86_32 with Spark's per-byte tail, written out plainly.
inline uint32_t Mix(uint32_t h, uint32_t k) {
  k *= 0xcc9e2d51u;
  k = (k << 15) | (k >> 17);
  k *= 0x1b873593u;
  h ^= k;
  h = (h << 13) | (h >> 19);
  return h * 5 + 0xe6546b64u;
}
inline uint32_t Finish(uint32_t h, uint32_t len) {
  h ^= len;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}
inline uint32_t HashLong(int64_t v, uint32_t seed) {
  uint32_t h = Mix(seed, static_cast<uint32_t>(v));
  h = Mix(h, static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
  return Finish(h, 8);
}
inline uint32_t HashBytes(const char* p, size_t n, uint32_t seed) {
  uint32_t h = seed;
  size_t aligned = n - n % 4;
  for (size_t i = 0; i < aligned; i += 4) {
    uint32_t k;
    std::memcpy(&k, p + i, 4);
    h = Mix(h, k);
  }
  for (size_t i = aligned; i < n; ++i) h = Mix(h, static_cast<uint32_t>(static_cast<int8_t>(p[i])));
  return Finish(h, static_cast<uint32_t>(n));
}

void BM_HashLoop(benchmark::State& state) {
  const Data& d = GetData();
  std::vector<int32_t> out(kDefaultBatchRows);
  for (auto _ : state) {
    for (int64_t start = 0; start < kRows; start += kDefaultBatchRows) {
      int64_t n = std::min<int64_t>(kDefaultBatchRows, kRows - start);
      for (int64_t i = 0; i < n; ++i) {
        size_t r = static_cast<size_t>(start + i);
        uint32_t h = HashLong(d.a[r], 42);
        out[static_cast<size_t>(i)] =
            static_cast<int32_t>(HashBytes(d.url[r].data(), d.url[r].size(), h));
      }
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

BENCHMARK(BM_AddWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_AddLoop)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_LikeWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_LikeLoop)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_DateTruncWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_DateTruncLoop)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_HashWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_HashLoop)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n10M rows, %d-row batches, one thread:\n",
              static_cast<int>(weir::kDefaultBatchRows));
  for (const char* k : {"Add", "Like", "DateTrunc", "Hash"}) {
    double w = reporter.Rate(std::string("BM_") + k + "Weir");
    double p = reporter.Rate(std::string("BM_") + k + "Loop");
    if (w <= 0 || p <= 0) {
      std::printf("  %-10s skipped (not available yet)\n", k);
      continue;
    }
    std::printf("  %-10s weir %8.1f M rows/s   loop %8.1f M rows/s   ratio %.2fx\n", k, w / 1e6,
                p / 1e6, w / p);
  }
  benchmark::Shutdown();
  return 0;
}
