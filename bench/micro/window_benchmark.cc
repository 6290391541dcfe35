// Windowed streaming aggregation (issue #6): a keyed count over 10M events with 100K
// keys, in 10-second tumbling windows and in sliding windows (size 10 s, slide 2 s),
// through a real streaming query: rate source -> WATERMARK -> GROUP BY window, key ->
// blackhole sink, Append mode. Each prints events/s and the state's bytes per key
// (memoryUsedBytes / numRowsTotal at the last epoch that held state), and the
// sliding window's cost as a ratio to the tumbling one, measured in the same run.
//
// Checkpointing (issue #7): the tumbling window again with its checkpoint on the local
// disk — every epoch's planned and commit records and state deltas fsynced, a
// snapshot every 10 epochs — on each state store backend, against the same query with
// its checkpoint in an in-memory Env (no disk at all), printed as a ratio.
//
// The rate source is given a clock that moves one second per reading, so each
// trigger reads exactly one second of event time (kEventsPerSecond events) however
// fast the loop runs; the engine itself runs on the system clock.

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "weir/weir.h"

#include "ratio_reporter.h"
#include "stepping_clock.h"

namespace weir {
namespace {

constexpr int64_t kEvents = 10'000'000;
constexpr int64_t kEventsPerSecond = 100'000;  // one epoch's worth
constexpr int64_t kKeys = 100'000;

// Counts input rows and keeps the state size of the last epoch with state.
class Progress final : public StreamingQueryListener {
 public:
  void OnQueryProgress(const StreamingQueryProgress& p) override {
    std::lock_guard<std::mutex> lock(mu_);
    rows_ += p.num_input_rows;
    for (const auto& op : p.state_operators) {
      if (op.num_rows_total > 0) {
        keys_ = op.num_rows_total;
        bytes_ = op.memory_used_bytes;
      }
    }
    cv_.notify_all();
  }
  void OnQueryTerminated(const std::string&, const std::string&, const Status&) override {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    cv_.notify_all();
  }
  bool WaitRows(int64_t rows) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return rows_ >= rows || done_; });
    return rows_ >= rows;
  }
  double BytesPerKey() {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_ > 0 ? static_cast<double>(bytes_) / static_cast<double>(keys_) : 0;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t rows_ = 0;
  int64_t keys_ = 0;
  int64_t bytes_ = 0;
  bool done_ = false;
};

// `backend` empty: the checkpoint in memory; else on disk with that state backend.
void RunWindows(benchmark::State& state, const std::string& window,
                const std::string& backend = "") {
  for (auto _ : state) {
    SteppingClock clock;
    SessionOptions options;
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("weir-window-bench-" + std::to_string(getpid())))
            .string();
    std::filesystem::remove_all(dir);
    options.data_dir = dir;
    std::unique_ptr<Env> env = NewMemEnv();
    options.env = backend.empty() ? env.get() : Env::Default();
    Session session = Session::Open(options).ValueOrDie();
    stream::ConnectorRegistry& registry = session.sql_session().connectors();
    registry.RegisterSource("stepping_rate",
                            [&clock, &registry](const stream::ConnectorContext& c) {
                              stream::ConnectorContext ctx = c;
                              ctx.clock = &clock;
                              return registry.MakeSource("rate", ctx);
                            });
    auto progress = std::make_shared<Progress>();
    session.Streams().AddListener(progress);
    const std::string sql =
        (backend.empty()
             ? std::string()
             : "SET weir.state.backend = " + backend +
                   ";\nSET spark.sql.streaming.stateStore.minDeltasForSnapshot = 10;\n") +
        "CREATE SOURCE events (timestamp TIMESTAMP, value BIGINT, "
        "WATERMARK FOR timestamp AS timestamp - INTERVAL 1 SECOND) "
        "WITH (connector = 'stepping_rate', rowsPerSecond = " +
        std::to_string(kEventsPerSecond) +
        ");\n"
        "CREATE SINK out WITH (connector = 'blackhole', checkpointLocation = '" +
        dir +
        "/checkpoint');\n"
        "INSERT INTO out SELECT window.end AS w, value % " +
        std::to_string(kKeys) + " AS k, count(*) AS n FROM events GROUP BY " + window +
        ", value % " + std::to_string(kKeys) + ";";
    Status st = session.sql_session().ExecuteScript(
        sql, [](std::string_view, const api::StatementResult&) { return Status::OK(); });
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    std::vector<StreamingQueryPtr> queries = session.Streams().active();
    const bool ok = progress->WaitRows(kEvents);
    std::string error = "the query stopped before reading every event";
    for (const auto& q : queries) {
      if (!q->exception().ok()) error = q->exception().ToString();
      q->Stop();
    }
    if (!ok) {
      state.SkipWithError(error.c_str());
      break;
    }
    state.counters["state_bytes_per_key"] = progress->BytesPerKey();
    std::filesystem::remove_all(dir);
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}

void BM_TumblingWindow(benchmark::State& state) {
  RunWindows(state, "window(timestamp, '10 seconds')");
}
void BM_SlidingWindow(benchmark::State& state) {
  RunWindows(state, "window(timestamp, '10 seconds', '2 seconds')");
}

void BM_TumblingWindowDiskMemoryState(benchmark::State& state) {
  RunWindows(state, "window(timestamp, '10 seconds')", "memory");
}
void BM_TumblingWindowDiskRocksDbState(benchmark::State& state) {
  RunWindows(state, "window(timestamp, '10 seconds')", "rocksdb");
}

BENCHMARK(BM_TumblingWindow)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SlidingWindow)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TumblingWindowDiskMemoryState)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_TumblingWindowDiskRocksDbState)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double tumbling = reporter.Rate("BM_TumblingWindow");
  const double sliding = reporter.Rate("BM_SlidingWindow");
  std::printf("\nkeyed window count, %lld events, %lld keys, Append mode, blackhole sink:\n",
              static_cast<long long>(weir::kEvents), static_cast<long long>(weir::kKeys));
  std::printf("  tumbling 10 s:        %12.0f events/s  %6.1f state bytes per key\n", tumbling,
              reporter.Counter("BM_TumblingWindow", "state_bytes_per_key"));
  std::printf("  sliding 10 s / 2 s:   %12.0f events/s  %6.1f state bytes per key\n", sliding,
              reporter.Counter("BM_SlidingWindow", "state_bytes_per_key"));
  if (tumbling > 0 && sliding > 0) {
    std::printf("  sliding costs %.2fx the tumbling window per event (goal: at most 2x)\n",
                tumbling / sliding);
  }
  const double disk_memory = reporter.Rate("BM_TumblingWindowDiskMemoryState");
  const double disk_rocksdb = reporter.Rate("BM_TumblingWindowDiskRocksDbState");
  std::printf("\ntumbling 10 s with a checkpoint every epoch on the local disk (fsynced):\n");
  std::printf("  memory state backend:  %12.0f events/s  %.2fx the checkpoint in memory\n",
              disk_memory, tumbling > 0 ? disk_memory / tumbling : 0.0);
  std::printf("  rocksdb state backend: %12.0f events/s  %.2fx the checkpoint in memory\n",
              disk_rocksdb, tumbling > 0 ? disk_rocksdb / tumbling : 0.0);
  return 0;
}
