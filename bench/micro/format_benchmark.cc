// Decodes 1M web-log records (host STRING, timestamp TIMESTAMP, request STRING,
// http_reply INT, bytes BIGINT) from JSON lines and from CSV into weir batches, and
// the same buffers by hand into std::vectors (simdjson's DOM per line for JSON,
// memchr splitting for CSV; timestamps parsed by a fixed-format parser), in the same
// run, and prints records/s for each and weir's ratio to the baseline.

#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "weir/formats/csv_decoder.h"
#include "weir/formats/json_decoder.h"

#include "ratio_reporter.h"

namespace weir {
namespace {

constexpr int64_t kRecords = 1'000'000;

SchemaPtr LogSchema() {
  return MakeSchema({{"host", DataType::String(), true},
                     {"timestamp", DataType::Timestamp(), true},
                     {"request", DataType::String(), true},
                     {"http_reply", DataType::Int32(), true},
                     {"bytes", DataType::Int64(), true}});
}

struct Record {
  std::string host, ts, request;
  int reply;
  int64_t bytes;
};

Record MakeRecord(int64_t i) {
  Record r;
  r.host = "host-" + std::to_string(i * 7919 % 5000) + ".example.com";
  int64_t sec = i % 86400;
  char ts[32];
  std::snprintf(ts, sizeof(ts), "2024-03-%02d %02d:%02d:%02d", static_cast<int>(1 + i % 28),
                static_cast<int>(sec / 3600), static_cast<int>(sec / 60 % 60),
                static_cast<int>(sec % 60));
  r.ts = ts;
  r.request = "GET /images/" + std::to_string(i % 977) + ".gif HTTP/1.0";
  r.reply = i % 10 == 0 ? 404 : 200;
  r.bytes = i * 31 % 100000;
  return r;
}

// The buffer with kPadding readable bytes after it, as the file scan reads files.
struct Padded {
  std::string text;
  std::string_view view() const {
    return {text.data(), text.size() - formats::RecordDecoder::kPadding};
  }
};

const Padded& JsonData() {
  static const Padded data = [] {
    Padded p;
    for (int64_t i = 0; i < kRecords; ++i) {
      Record r = MakeRecord(i);
      p.text += "{\"host\":\"" + r.host + "\",\"timestamp\":\"" + r.ts + "\",\"request\":\"" +
                r.request + "\",\"http_reply\":" + std::to_string(r.reply) +
                ",\"bytes\":" + std::to_string(r.bytes) + "}\n";
    }
    p.text.append(formats::RecordDecoder::kPadding, '\0');
    return p;
  }();
  return data;
}

const Padded& CsvData() {
  static const Padded data = [] {
    Padded p;
    for (int64_t i = 0; i < kRecords; ++i) {
      Record r = MakeRecord(i);
      p.text += r.host + "," + r.ts + "," + r.request + "," + std::to_string(r.reply) + "," +
                std::to_string(r.bytes) + "\n";
    }
    p.text.append(formats::RecordDecoder::kPadding, '\0');
    return p;
  }();
  return data;
}

// "yyyy-MM-dd HH:mm:ss" as UTC microseconds.
int64_t ParseFixedTimestamp(std::string_view s) {
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    std::from_chars(s.data() + pos, s.data() + pos + len, v);
    return v;
  };
  return TimestampFromCivilUtc(num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2));
}

struct PlainColumns {
  std::vector<std::string> host, request;
  std::vector<int64_t> ts, bytes;
  std::vector<int32_t> reply;
  void Reserve(size_t n) {
    host.reserve(n);
    request.reserve(n);
    ts.reserve(n);
    bytes.reserve(n);
    reply.reserve(n);
  }
};

template <typename MakeDecoder>
void RunWeir(benchmark::State& state, const Padded& data, MakeDecoder make) {
  for (auto _ : state) {
    formats::RecordDecoderPtr decoder = make();
    formats::InputPosition pos;
    std::string_view buffer = data.view();
    size_t offset = 0;
    int64_t rows = 0;
    while (offset < buffer.size()) {
      offset +=
          decoder->DecodeSome(buffer.substr(offset), true, kDefaultBatchRows, &pos).ValueOrDie();
      Batch b = decoder->Flush().ValueOrDie();
      rows += b.num_rows();
      benchmark::DoNotOptimize(b);
    }
    if (rows != kRecords) state.SkipWithError("wrong row count");
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}

void BM_JsonWeir(benchmark::State& state) {
  RunWeir(state, JsonData(), [] {
    return formats::MakeJsonDecoder(LogSchema(), {0, 1, 2, 3, 4}, {}).ValueOrDie();
  });
}

void BM_JsonSimdjsonVectors(benchmark::State& state) {
  const Padded& data = JsonData();
  for (auto _ : state) {
    simdjson::dom::parser parser;
    PlainColumns out;
    out.Reserve(kRecords);
    std::string_view buffer = data.view();
    size_t offset = 0;
    while (offset < buffer.size()) {
      const char* nl = static_cast<const char*>(
          std::memchr(buffer.data() + offset, '\n', buffer.size() - offset));
      size_t end = nl ? static_cast<size_t>(nl - buffer.data()) : buffer.size();
      simdjson::dom::element doc;
      if (parser.parse(buffer.data() + offset, end - offset, false).get(doc) == simdjson::SUCCESS) {
        simdjson::dom::object o = doc.get_object().value_unsafe();
        for (simdjson::dom::key_value_pair kv : o) {
          if (kv.key == "host")
            out.host.emplace_back(kv.value.get_string().value_unsafe());
          else if (kv.key == "timestamp")
            out.ts.push_back(ParseFixedTimestamp(kv.value.get_string().value_unsafe()));
          else if (kv.key == "request")
            out.request.emplace_back(kv.value.get_string().value_unsafe());
          else if (kv.key == "http_reply")
            out.reply.push_back(static_cast<int32_t>(kv.value.get_int64().value_unsafe()));
          else if (kv.key == "bytes")
            out.bytes.push_back(kv.value.get_int64().value_unsafe());
        }
      }
      offset = end + 1;
    }
    if (static_cast<int64_t>(out.bytes.size()) != kRecords) state.SkipWithError("wrong count");
    benchmark::DoNotOptimize(out.host.data());
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}

void BM_CsvWeir(benchmark::State& state) {
  RunWeir(state, CsvData(), [] {
    return formats::MakeCsvDecoder(LogSchema(), {0, 1, 2, 3, 4}, {}).ValueOrDie();
  });
}

void BM_CsvSplitVectors(benchmark::State& state) {
  const Padded& data = CsvData();
  for (auto _ : state) {
    PlainColumns out;
    out.Reserve(kRecords);
    std::string_view buffer = data.view();
    size_t offset = 0;
    std::string_view fields[5];
    while (offset < buffer.size()) {
      const char* nl = static_cast<const char*>(
          std::memchr(buffer.data() + offset, '\n', buffer.size() - offset));
      size_t end = nl ? static_cast<size_t>(nl - buffer.data()) : buffer.size();
      std::string_view line = buffer.substr(offset, end - offset);
      size_t start = 0;
      for (int f = 0; f < 5; ++f) {
        size_t comma = f < 4 ? line.find(',', start) : line.size();
        fields[f] = line.substr(start, comma - start);
        start = comma + 1;
      }
      out.host.emplace_back(fields[0]);
      out.ts.push_back(ParseFixedTimestamp(fields[1]));
      out.request.emplace_back(fields[2]);
      int32_t reply = 0;
      std::from_chars(fields[3].data(), fields[3].data() + fields[3].size(), reply);
      out.reply.push_back(reply);
      int64_t bytes = 0;
      std::from_chars(fields[4].data(), fields[4].data() + fields[4].size(), bytes);
      out.bytes.push_back(bytes);
      offset = end + 1;
    }
    if (static_cast<int64_t>(out.bytes.size()) != kRecords) state.SkipWithError("wrong count");
    benchmark::DoNotOptimize(out.host.data());
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}

BENCHMARK(BM_JsonWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_JsonSimdjsonVectors)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_CsvWeir)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_CsvSplitVectors)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n1M web-log records (host, timestamp, request, http_reply, bytes):\n");
  const char* pairs[][3] = {{"JSON", "BM_JsonWeir", "BM_JsonSimdjsonVectors"},
                            {"CSV", "BM_CsvWeir", "BM_CsvSplitVectors"}};
  for (const auto& p : pairs) {
    double w = reporter.Rate(p[1]);
    double b = reporter.Rate(p[2]);
    if (w <= 0 || b <= 0) continue;
    std::printf(
        "  %-4s weir %7.2f M records/s   hand-written baseline %7.2f M records/s   "
        "ratio %.2fx\n",
        p[0], w / 1e6, b / 1e6, w / b);
  }
  benchmark::Shutdown();
  return 0;
}
