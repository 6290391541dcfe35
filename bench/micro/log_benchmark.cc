// Produce and consume throughput of a log partition for 100-byte records on the POSIX
// Env, each against a plain file written and read with the same bytes and the same
// fsync pattern through the same Env, in the same run:
//
//   - fsync per batch: 1000 records per Partition::Append (kFsync: one fdatasync per
//     append); the baseline appends the 100,000 value bytes to a file and Syncs.
//   - fsync per record: one record per Append; the baseline appends 100 bytes and
//     Syncs. fdatasync dominates, so this case writes far fewer records.
//   - 4 appenders, fsync per batch: four threads append 1000-record batches to one
//     partition; group commit lets one fdatasync cover the batches written while the
//     previous one ran. Printed against the single appender and the plain file, with
//     the appends per fsync.
//   - consume: Partition::Read (records copied into owned strings) and ReadViews
//     (zero-copy views, what `weir consume` and the log source use) over the log each
//     produce case writes, touching every value; the baseline reads the plain file in 1 MiB chunks.
//     Both from the page cache (the files were just written), so this measures the read path, not a
//     disk.
//
// The files live in a fresh directory under $TMPDIR (or /tmp); put it on the disk you
// mean to measure: fsync on tmpfs costs nothing. Prints records/s and MB/s (of record
// values) for each case and weir's ratio to the plain file.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "weir/common/env.h"
#include "weir/log/partition.h"

namespace weir::log {
namespace {

constexpr size_t kValueBytes = 100;
constexpr int64_t kBatchRecords = 1000;
// 20 MB of values per run of the fsync-per-batch case.
constexpr int64_t kBatchCaseRecords = 200'000;
// fsync per record runs one fdatasync per record; a few ms each on a slow disk.
constexpr int64_t kRecordCaseRecords = 400;
// The log the fsync-per-record consume case reads: written without fsync, so it can
// be as long as the other one while holding the same one-record batches.
constexpr int64_t kRecordConsumeRecords = 200'000;

std::string Value(int64_t i) {
  std::string v(kValueBytes, 'a' + static_cast<char>(i % 26));
  std::snprintf(v.data(), kValueBytes, "%020lld", static_cast<long long>(i));
  v[20] = '|';
  return v;
}

std::vector<Record> Records(int64_t n) {
  std::vector<Record> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    Record r;
    r.value = Value(i);
    r.timestamp = 1'700'000'000'000 + i;
    out.push_back(std::move(r));
  }
  return out;
}

void CheckOk(const Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "log_benchmark: %s\n", s.ToString().c_str());
    std::abort();
  }
}

template <typename T>
T ValueOrDie(Result<T> r) {
  CheckOk(r.status());
  return std::move(*r);
}

// A fresh directory for the whole run, removed at exit.
const std::string& BenchDir() {
  static const std::string dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "weir-log-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::atexit([] { std::filesystem::remove_all(BenchDir()); });
    return tmpl;
  }();
  return dir;
}

std::string FreshPath(const std::string& name) {
  static int counter = 0;
  std::string path = BenchDir() + "/" + name + "-" + std::to_string(counter++);
  std::filesystem::remove_all(path);
  return path;
}

// Appends `total` records in appends of `per_append`; kFsync syncs each append.
void ProduceLog(const std::string& dir, int64_t total, int64_t per_append, Durability d) {
  PartitionOptions o;
  o.durability = d;
  std::unique_ptr<Partition> p = ValueOrDie(Partition::Open(Env::Default(), dir, o));
  const std::vector<Record> records = Records(per_append);
  for (int64_t done = 0; done < total; done += per_append) {
    ValueOrDie(p->Append(records));
  }
  CheckOk(p->Close());
}

// Writes the same value bytes as ProduceLog, syncing after each `per_sync` records.
void ProducePlain(const std::string& path, int64_t total, int64_t per_sync, bool sync) {
  std::string chunk;
  for (int64_t i = 0; i < per_sync; ++i) chunk += Value(i);
  std::unique_ptr<WritableFile> f = ValueOrDie(Env::Default()->NewWritableFile(path));
  CheckOk(Env::Default()->SyncDir(BenchDir()));
  for (int64_t done = 0; done < total; done += per_sync) {
    CheckOk(f->Append(chunk));
    CheckOk(sync ? f->Sync() : f->Flush());
  }
  CheckOk(f->Close());
}

// Appends `total` records in appends of `per_append` from `threads` threads at once
// (kFsync); returns the appends per log fsync.
double ProduceLogConcurrently(const std::string& dir, int64_t total, int64_t per_append,
                              int threads) {
  std::unique_ptr<Partition> p = ValueOrDie(Partition::Open(Env::Default(), dir, {}));
  const uint64_t syncs_before = p->num_log_syncs();
  const std::vector<Record> records = Records(per_append);
  const int64_t appends = total / per_append;
  std::atomic<int64_t> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (next.fetch_add(1) < appends) ValueOrDie(p->Append(records));
    });
  }
  for (std::thread& w : workers) w.join();
  const uint64_t syncs = p->num_log_syncs() - syncs_before;
  CheckOk(p->Close());
  return syncs == 0 ? 0 : static_cast<double>(appends) / static_cast<double>(syncs);
}

void SetCounters(benchmark::State& state, int64_t records) {
  state.SetItemsProcessed(state.iterations() * records);
  state.SetBytesProcessed(state.iterations() * records * static_cast<int64_t>(kValueBytes));
}

void BM_ProduceLog(benchmark::State& state) {
  const int64_t total = state.range(0), per_append = state.range(1);
  for (auto _ : state) {
    ProduceLog(FreshPath("log"), total, per_append, Durability::kFsync);
  }
  SetCounters(state, total);
}

void BM_ProduceLogConcurrent(benchmark::State& state) {
  const int64_t total = state.range(0), per_append = state.range(1);
  const int threads = static_cast<int>(state.range(2));
  double appends_per_sync = 0;
  for (auto _ : state) {
    appends_per_sync += ProduceLogConcurrently(FreshPath("log-mt"), total, per_append, threads);
  }
  state.counters["appends_per_fsync"] = appends_per_sync / static_cast<double>(state.iterations());
  SetCounters(state, total);
}

void BM_ProducePlain(benchmark::State& state) {
  const int64_t total = state.range(0), per_sync = state.range(1);
  for (auto _ : state) {
    ProducePlain(FreshPath("plain"), total, per_sync, /*sync=*/true);
  }
  SetCounters(state, total);
}

void BM_ConsumeLog(benchmark::State& state) {
  const int64_t total = state.range(0), per_append = state.range(1);
  const std::string dir = FreshPath("consume-log");
  ProduceLog(dir, total, per_append, Durability::kInterval);
  PartitionOptions o;
  o.read_only = true;
  std::unique_ptr<Partition> p = ValueOrDie(Partition::Open(Env::Default(), dir, o));
  for (auto _ : state) {
    int64_t next = 0, bytes = 0;
    while (next < p->end_offset()) {
      std::vector<RecordBatch> batches = ValueOrDie(p->Read(next, 1 << 20));
      for (const RecordBatch& b : batches) {
        for (const LogRecord& r : b.records) bytes += static_cast<int64_t>(r.record.value->size());
        next = b.header.last_offset() + 1;
      }
    }
    if (next != total || bytes != total * static_cast<int64_t>(kValueBytes)) std::abort();
    benchmark::DoNotOptimize(bytes);
  }
  SetCounters(state, total);
}

// The zero-copy path (Partition::ReadViews into one reused BatchViews), which
// `weir consume` and the log source use.
void BM_ConsumeLogViews(benchmark::State& state) {
  const int64_t total = state.range(0), per_append = state.range(1);
  const std::string dir = FreshPath("consume-views");
  ProduceLog(dir, total, per_append, Durability::kInterval);
  PartitionOptions o;
  o.read_only = true;
  std::unique_ptr<Partition> p = ValueOrDie(Partition::Open(Env::Default(), dir, o));
  BatchViews views;
  for (auto _ : state) {
    int64_t next = 0, bytes = 0;
    while (next < p->end_offset()) {
      CheckOk(p->ReadViews(next, 1 << 20, {}, &views));
      for (const BatchView& b : views.batches()) {
        for (const RecordView& r : b.records) bytes += static_cast<int64_t>(r.value->size());
        next = b.header.last_offset() + 1;
      }
    }
    if (next != total || bytes != total * static_cast<int64_t>(kValueBytes)) std::abort();
    benchmark::DoNotOptimize(bytes);
  }
  SetCounters(state, total);
}

void BM_ConsumePlain(benchmark::State& state) {
  const int64_t total = state.range(0), per_sync = state.range(1);
  const std::string path = FreshPath("consume-plain");
  ProducePlain(path, total, per_sync, /*sync=*/false);
  std::unique_ptr<RandomAccessFile> f = ValueOrDie(Env::Default()->NewRandomAccessFile(path));
  const uint64_t size = ValueOrDie(f->Size());
  std::string buf;
  for (auto _ : state) {
    uint64_t pos = 0;
    int64_t sum = 0;
    while (pos < size) {
      CheckOk(f->Read(pos, 1 << 20, &buf));
      pos += buf.size();
      sum += static_cast<unsigned char>(buf[0]);
    }
    benchmark::DoNotOptimize(sum);
  }
  SetCounters(state, total);
}

// Opening a partition of 1,000 segments (64 KiB each, transactional batches of ten
// 100-byte records, a commit or abort marker every five batches), read-only, from the
// segments' transaction indexes (state.range(0) == 1) or, with them moved away, by
// the full scan of every batch header (0): the open time the .txnindex saves.
constexpr int kOpenSegments = 1000;

const std::string& TransactionalLog() {
  static const std::string dir = [] {
    std::string d = FreshPath("open");
    PartitionOptions o;
    o.segment_bytes = 64 << 10;
    o.durability = Durability::kInterval;
    std::unique_ptr<Partition> p = ValueOrDie(Partition::Open(Env::Default(), d, o));
    const std::vector<Record> records = Records(10);
    int32_t seq = 0;
    for (int64_t n = 0; p->num_segments() <= static_cast<size_t>(kOpenSegments); ++n) {
      BatchOptions b{
          .producer_id = 1, .producer_epoch = 0, .base_sequence = seq, .transactional = true};
      ValueOrDie(p->Append(records, b));
      seq += 10;
      if (n % 5 == 4) {
        CheckOk(p->EndTransaction(
            1, 0, n % 3 == 0 ? TransactionResult::kAbort : TransactionResult::kCommit));
      }
    }
    CheckOk(p->Close());
    return d;
  }();
  return dir;
}

void BM_OpenPartition(benchmark::State& state) {
  const std::string& dir = TransactionalLog();
  const bool with_index = state.range(0) == 1;
  // Moves the .txnindex files away (or back): the full scan is what opening a log
  // without them costs.
  std::filesystem::create_directories(dir + "-txnindex");
  for (const auto& e : std::filesystem::directory_iterator(with_index ? dir + "-txnindex" : dir)) {
    if (e.path().extension() == ".txnindex") {
      std::filesystem::rename(
          e.path(), (with_index ? dir : dir + "-txnindex") + "/" + e.path().filename().string());
    }
  }
  PartitionOptions o;
  o.read_only = true;
  size_t aborted = 0;
  for (auto _ : state) {
    std::unique_ptr<Partition> p = ValueOrDie(Partition::Open(Env::Default(), dir, o));
    aborted = p->num_aborted_transactions();
    if (p->num_segments() < static_cast<size_t>(kOpenSegments)) std::abort();
  }
  state.counters["aborted"] = static_cast<double>(aborted);
  state.counters["segments"] = kOpenSegments;
}

BENCHMARK(BM_OpenPartition)
    ->Arg(0)
    ->Arg(1)
    ->MinTime(2.0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Each produce run writes a fresh file, so a few iterations are enough.
BENCHMARK(BM_ProduceLog)
    ->Args({kBatchCaseRecords, kBatchRecords})
    ->Args({kRecordCaseRecords, 1})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProduceLogConcurrent)
    ->Args({kBatchCaseRecords, kBatchRecords, 4})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ProducePlain)
    ->Args({kBatchCaseRecords, kBatchRecords})
    ->Args({kRecordCaseRecords, 1})
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConsumeLog)
    ->Args({kBatchCaseRecords, kBatchRecords})
    ->Args({kRecordConsumeRecords, 1})
    ->MinTime(1.0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConsumeLogViews)
    ->Args({kBatchCaseRecords, kBatchRecords})
    ->Args({kRecordConsumeRecords, 1})
    ->MinTime(1.0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConsumePlain)
    ->Args({kBatchCaseRecords, kBatchRecords})
    ->Args({kRecordConsumeRecords, 1})
    ->MinTime(1.0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Prints the usual table, then remembers each run's records/s and bytes/s by name
// ("BM_ProduceLog/200000/1000/...").
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  struct Rate {
    double items = 0;
    double bytes = 0;
    double appends_per_fsync = 0;
    double ms = 0;
  };
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      Rate& rate = rates_[r.run_name.function_name + "/" + r.run_name.args];
      if (auto it = r.counters.find("items_per_second"); it != r.counters.end()) {
        rate.items = it->second.value;
      }
      if (auto it = r.counters.find("bytes_per_second"); it != r.counters.end()) {
        rate.bytes = it->second.value;
      }
      rate.ms = r.GetAdjustedRealTime();  // in the benchmark's unit (ms)
      if (auto it = r.counters.find("appends_per_fsync"); it != r.counters.end()) {
        rate.appends_per_fsync = it->second.value;
      }
    }
  }
  Rate Get(const std::string& name) const {
    auto it = rates_.find(name);
    return it == rates_.end() ? Rate{} : it->second;
  }

 private:
  std::map<std::string, Rate> rates_;
};

void PrintRatio(const RatioReporter& reporter, const char* label, const std::string& log_name,
                const std::string& base_name, const char* base_label = "plain file") {
  RatioReporter::Rate w = reporter.Get(log_name);
  RatioReporter::Rate p = reporter.Get(base_name);
  if (w.items <= 0 || p.items <= 0) return;
  std::printf(
      "  %-28s weir %10.0f rec/s %8.3f MB/s   %-13s %10.0f rec/s %8.3f MB/s   ratio %.2fx\n", label,
      w.items, w.bytes / 1e6, base_label, p.items, p.bytes / 1e6, w.items / p.items);
}

}  // namespace
}  // namespace weir::log

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::log::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  using weir::log::PrintRatio;
  const std::string batch =
      std::to_string(weir::log::kBatchCaseRecords) + "/" + std::to_string(weir::log::kBatchRecords);
  const std::string record = std::to_string(weir::log::kRecordCaseRecords) + "/1";
  const std::string record_consume = std::to_string(weir::log::kRecordConsumeRecords) + "/1";
  std::printf("\n100-byte records on the POSIX Env in %s:\n", weir::log::BenchDir().c_str());
  PrintRatio(reporter, "produce, fsync per batch", "BM_ProduceLog/" + batch,
             "BM_ProducePlain/" + batch);
  const std::string concurrent = "BM_ProduceLogConcurrent/" + batch + "/4";
  PrintRatio(reporter, "4 appenders, fsync/batch", concurrent, "BM_ProducePlain/" + batch);
  PrintRatio(reporter, "4 appenders, fsync/batch", concurrent, "BM_ProduceLog/" + batch,
             "1 appender");
  if (reporter.Get(concurrent).items > 0) {
    std::printf("  %-28s %.2f appends per fsync\n", "  group commit",
                reporter.Get(concurrent).appends_per_fsync);
  }
  PrintRatio(reporter, "produce, fsync per record", "BM_ProduceLog/" + record,
             "BM_ProducePlain/" + record);
  PrintRatio(reporter, "consume, 1000-record batches", "BM_ConsumeLog/" + batch,
             "BM_ConsumePlain/" + batch);
  PrintRatio(reporter, "consume, 1-record batches", "BM_ConsumeLog/" + record_consume,
             "BM_ConsumePlain/" + record_consume);
  PrintRatio(reporter, "zero-copy, 1000-rec batches", "BM_ConsumeLogViews/" + batch,
             "BM_ConsumePlain/" + batch);
  PrintRatio(reporter, "zero-copy, 1-record batches", "BM_ConsumeLogViews/" + record_consume,
             "BM_ConsumePlain/" + record_consume);
  const auto open_full = reporter.Get("BM_OpenPartition/0");
  const auto open_index = reporter.Get("BM_OpenPartition/1");
  if (open_full.ms > 0 && open_index.ms > 0) {
    std::printf("  %-28s full scan %8.1f ms   from .txnindex %8.1f ms   ratio %.2fx\n",
                "open, 1000 segments", open_full.ms, open_index.ms,
                open_index.ms > 0 ? open_full.ms / open_index.ms : 0.0);
  }
  benchmark::Shutdown();
  return 0;
}
