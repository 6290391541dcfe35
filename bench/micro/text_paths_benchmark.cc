// The fast paths of text-heavy functions against the general paths they replace,
// measured in the same run (docs/development.md, "Benchmarks"):
//  - the file sink's CSV writer (formats::WriteCsv) against AppendCsv;
//  - date_format's PatternFormatter against DateTimePattern::Format;
//  - regexp matching with the required-literal start (MatchFrom) against RE2 alone,
//    on Nexmark-like URLs, half of them without the literal.
// Each pair prints the fast path's rate and its ratio to the general one.

#include <cstdio>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "weir/formats/csv_writer.h"
#include "weir/functions/datetime_format.h"
#include "weir/functions/java_regex_internal.h"
#include "weir/types/builder.h"
#include "weir/types/render.h"

#include "ratio_reporter.h"

namespace weir {
namespace {

constexpr int64_t kRows = 100000;

// Bids as q10 writes them: auction, bidder, price, dateTime, extra, dt, hm.
Batch BidBatch() {
  SchemaPtr schema = MakeSchema({{"auction", DataType::Int64()},
                                 {"bidder", DataType::Int64()},
                                 {"price", DataType::Int64()},
                                 {"dateTime", DataType::Timestamp()},
                                 {"extra", DataType::String()},
                                 {"dt", DataType::String()},
                                 {"hm", DataType::String()}});
  BatchBuilder b(schema);
  int64_t t = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0);
  for (int64_t i = 0; i < kRows; ++i) {
    t += 1000 * (i % 7);
    b.AppendRow({Value::Int64(1000 + i % 997), Value::Int64(2000 + i % 991),
                 Value::Int64(100 + i * 37 % 100000), Value::Timestamp(t),
                 Value::String(i % 3 == 0 ? "" : "some extra text, with a comma"),
                 Value::String("2024-03-05"), Value::String("10:00")})
        .Check();
  }
  return *b.Finish();
}

void BM_CsvWriteCsv(benchmark::State& state) {
  const Batch batch = BidBatch();
  std::string out;
  for (auto _ : state) {
    out.clear();
    formats::WriteCsv(batch, CsvOptions(), &out).Check();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_CsvWriteCsv);

void BM_CsvAppendCsv(benchmark::State& state) {
  const Batch batch = BidBatch();
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendCsv(batch, CsvOptions(), &out).Check();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_CsvAppendCsv);

template <bool kFast>
void BM_DateFormat(benchmark::State& state) {
  const datetime::DateTimePattern pattern =
      *datetime::DateTimePattern::Compile("yyyy-MM-dd", false);
  const TimeZone utc;
  const datetime::ZoneCalc zone(utc.zone());
  datetime::PatternFormatter formatter(pattern, zone, utc.name());
  std::string text;
  const int64_t start = TimestampFromCivilUtc(2024, 3, 5, 10, 0, 0);
  for (auto _ : state) {
    size_t bytes = 0;
    for (int64_t i = 0; i < kRows; ++i) {
      const int64_t t = start + i * 1000003;
      if constexpr (kFast) {
        bytes += formatter.Format(t).size();
      } else {
        text.clear();
        pattern.Format(t, zone, utc.name(), &text);
        bytes += text.size();
      }
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK_TEMPLATE(BM_DateFormat, true)->Name("BM_DateFormatFast");
BENCHMARK_TEMPLATE(BM_DateFormat, false)->Name("BM_DateFormatGeneral");

template <bool kFast>
void BM_RegexpExtract(benchmark::State& state) {
  std::unique_ptr<regex::JavaRegex> re =
      *regex::JavaRegex::Compile("bench", "(&|^)channel_id=([^&]*)");
  if (!kFast) re->required = regex::RequiredLiteral();
  std::vector<std::string> urls;
  for (int i = 0; i < 1000; ++i) {
    std::string url = "https://www.nexmark.com/abc" + std::to_string(i) + "/def/item.htm?query=1";
    if (i % 2 == 0) url += "&channel_id=" + std::to_string(i * 7919);
    urls.push_back(url);
  }
  std::vector<re2::StringPiece> groups(3);
  for (auto _ : state) {
    size_t matched = 0;
    for (const std::string& u : urls) matched += regex::MatchFrom(*re, u, 0, &groups);
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(urls.size()));
}
BENCHMARK_TEMPLATE(BM_RegexpExtract, true)->Name("BM_RegexpRequiredLiteral");
BENCHMARK_TEMPLATE(BM_RegexpExtract, false)->Name("BM_RegexpRe2Only");

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\nText fast paths against the general paths (same run):\n");
  const char* pairs[][3] = {
      {"CSV rows (q10's bids)", "BM_CsvWriteCsv", "BM_CsvAppendCsv"},
      {"date_format yyyy-MM-dd", "BM_DateFormatFast", "BM_DateFormatGeneral"},
      {"regexp_extract on URLs", "BM_RegexpRequiredLiteral", "BM_RegexpRe2Only"}};
  for (const auto& p : pairs) {
    const double fast = reporter.Rate(p[1]);
    const double general = reporter.Rate(p[2]);
    if (fast <= 0 || general <= 0) continue;
    std::printf("  %-24s fast %8.2f M/s   general %8.2f M/s   ratio %.2fx\n", p[0], fast / 1e6,
                general / 1e6, fast / general);
  }
  benchmark::Shutdown();
  return 0;
}
