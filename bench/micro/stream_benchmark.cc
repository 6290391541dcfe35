// The streaming engine's own cost (issue #5): one query, rate -> filter -> memory
// sink, started through the C++ API with the default trigger (as fast as possible),
//  - with 1-row epochs: epochs/s, i.e. what the framework costs per epoch (offsets,
//    the planned-epoch and commit records, planning, running a 1-row plan, the sink,
//    progress) — with the checkpoint on an in-memory Env (no fsync) and on disk;
//  - with 1M-row epochs: rows/s through the same query.
// Printed together with their ratio: how many rows an epoch's fixed cost is worth.
//
// The rate source is given a clock of its own that moves one second per reading, so
// each trigger finds exactly one more second of data (rowsPerSecond rows) however
// fast the loop runs; the engine itself runs on the system clock.

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include <benchmark/benchmark.h>
#include <time.h>
#include <unistd.h>

#include "weir/weir.h"

#include "ratio_reporter.h"
#include "stepping_clock.h"

namespace weir {
namespace {

constexpr int64_t kLargeEpochRows = 1'000'000;

// Counts the epochs a query completed; Wait blocks until a count is reached.
class EpochCounter final : public StreamingQueryListener {
 public:
  void OnQueryProgress(const StreamingQueryProgress& p) override {
    bool reached;
    {
      std::lock_guard<std::mutex> lock(mu_);
      epochs_ = p.batch_id + 1;
      rows_ += p.num_input_rows;
      reached = epochs_ >= target_;
    }
    // Only when the waiter's target is reached: waking it every epoch would cost the
    // measured loop a thread wake-up per epoch.
    if (reached) cv_.notify_all();
  }
  void OnQueryTerminated(const std::string&, const std::string&, const Status&) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      terminated_ = true;
    }
    cv_.notify_all();
  }
  // Waits until `epochs` epochs are done; false if the query ended first.
  bool Wait(int64_t epochs) {
    std::unique_lock<std::mutex> lock(mu_);
    target_ = epochs;
    cv_.wait(lock, [&] { return epochs_ >= epochs || terminated_; });
    return epochs_ >= epochs;
  }
  int64_t epochs() {
    std::lock_guard<std::mutex> lock(mu_);
    return epochs_;
  }
  int64_t rows() {
    std::lock_guard<std::mutex> lock(mu_);
    return rows_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t epochs_ = 0;       // guarded by mu_
  int64_t rows_ = 0;         // guarded by mu_
  int64_t target_ = 0;       // guarded by mu_: what Wait waits for
  bool terminated_ = false;  // guarded by mu_
};

// A session with the stepping rate source, and the running query. `on_disk`: the
// checkpoint on the real file system (a temporary directory), else an in-memory Env.
struct Fixture {
  Fixture(bool on_disk, int64_t rows_per_epoch) {
    SessionOptions options;
    data_dir =
        (std::filesystem::temp_directory_path() / ("weir-stream-bench-" + std::to_string(getpid())))
            .string();
    options.data_dir = data_dir;
    if (!on_disk) {
      mem_env = NewMemEnv();
      options.env = mem_env.get();
    }
    session = std::make_unique<Session>(Session::Open(options).ValueOrDie());
    stream::ConnectorRegistry& registry = session->sql_session().connectors();
    registry.RegisterSource("stepping_rate", [this, &registry](const stream::ConnectorContext& c) {
      stream::ConnectorContext ctx = c;
      ctx.clock = &rate_clock;
      return registry.MakeSource("rate", ctx);
    });
    counter = std::make_shared<EpochCounter>();
    session->Streams().AddListener(counter);
    DataFrame rate = session->ReadStream()
                         .format("stepping_rate")
                         .option("rowsPerSecond", rows_per_epoch)
                         .load()
                         .ValueOrDie();
    query = rate.Filter("value % 2 = 0")
                .ValueOrDie()
                .WriteStream()
                .format("memory")
                .queryName("bench")
                .option("checkpointLocation", data_dir + "/checkpoints/bench")
                .start()
                .ValueOrDie();
  }
  ~Fixture() {
    query->Stop();
    session.reset();
    std::filesystem::remove_all(data_dir);
  }

  SteppingClock rate_clock;
  std::string data_dir;
  std::unique_ptr<Env> mem_env;
  std::unique_ptr<Session> session;
  std::shared_ptr<EpochCounter> counter;
  StreamingQueryPtr query;
};

// CPU time of the whole process (every thread), in microseconds.
double ProcessCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// Each iteration waits for `state.range(0)` more epochs of the running query.
void RunEpochs(benchmark::State& state, bool on_disk, int64_t rows_per_epoch) {
  Fixture f(on_disk, rows_per_epoch);
  const int64_t batch = state.range(0);
  int64_t target = f.counter->epochs() + 10;  // warm up
  if (!f.counter->Wait(target)) state.SkipWithError(f.query->exception().ToString().c_str());
  const int64_t rows_before = f.counter->rows();
  const int64_t epochs_before = f.counter->epochs();
  const double cpu_before = ProcessCpuMicros();
  for (auto _ : state) {
    target += batch;
    if (!f.counter->Wait(target)) {
      state.SkipWithError(f.query->exception().ToString().c_str());
      break;
    }
  }
  const double cpu = ProcessCpuMicros() - cpu_before;
  const int64_t epochs = f.counter->epochs() - epochs_before;
  const int64_t rows = f.counter->rows() - rows_before;
  state.SetItemsProcessed(rows_per_epoch == 1 ? epochs : rows);
  const double n = static_cast<double>(std::max<int64_t>(epochs, 1));
  state.counters["rows_per_epoch"] = static_cast<double>(rows) / n;
  // CPU spent per epoch by every thread: steadier than wall time on a busy machine.
  state.counters["cpu_us_per_epoch"] = cpu / n;
}

void BM_OneRowEpochsMemEnv(benchmark::State& state) { RunEpochs(state, false, 1); }
void BM_OneRowEpochsDisk(benchmark::State& state) { RunEpochs(state, true, 1); }
void BM_LargeEpochsMemEnv(benchmark::State& state) { RunEpochs(state, false, kLargeEpochRows); }

BENCHMARK(BM_OneRowEpochsMemEnv)->Arg(100)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_OneRowEpochsDisk)->Arg(20)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_LargeEpochsMemEnv)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double mem = reporter.Rate("BM_OneRowEpochsMemEnv");
  const double disk = reporter.Rate("BM_OneRowEpochsDisk");
  const double rows = reporter.Rate("BM_LargeEpochsMemEnv");
  std::printf("\nrate -> filter(value %% 2 = 0) -> memory sink, default trigger:\n");
  if (mem > 0) {
    std::printf(
        "  1-row epochs, checkpoint in memory: %9.0f epochs/s  (%7.1f us per epoch, %6.1f us "
        "CPU)\n",
        mem, 1e6 / mem, reporter.Counter("BM_OneRowEpochsMemEnv", "cpu_us_per_epoch"));
  }
  if (disk > 0) {
    std::printf(
        "  1-row epochs, checkpoint on disk:   %9.0f epochs/s  (%7.1f us per epoch, %6.1f us "
        "CPU)\n",
        disk, 1e6 / disk, reporter.Counter("BM_OneRowEpochsDisk", "cpu_us_per_epoch"));
  }
  if (rows > 0) {
    std::printf("  1M-row epochs, checkpoint in memory: %8.1f M rows/s  (%7.1f ms per epoch)\n",
                rows / 1e6, 1e3 * static_cast<double>(weir::kLargeEpochRows) / rows);
  }
  if (mem > 0 && rows > 0) {
    std::printf(
        "  ratio rows/s (1M-row epochs) : epochs/s (1-row epochs) = %.0f : 1 — an epoch's fixed\n"
        "  cost is worth %.0f rows of processing\n",
        rows / mem, rows / mem);
  }
  benchmark::Shutdown();
  return 0;
}
