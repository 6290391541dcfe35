// A stateful query through the fault-injecting Env (issue #7's fault tests): an EIO on
// fsync or an ENOSPC during a state or checkpoint write stops the query with a clear
// error and no commit record for the epoch; a power loss (every unsynced write
// dropped) at any sync of the run, followed by a restart, still gives the fault-free
// output; a query restarted with a changed stateful part is refused, naming the
// operator. The pipeline: JSON files -> windowed count with a watermark -> file sink,
// one file per epoch, on the in-memory state store backend (the RocksDB backend
// needs a real file system; tests/e2e/checkpoint_crash_test.sh kills it instead).

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/fault_injection_env.h"
#include "weir/weir.h"

namespace weir {
namespace {

constexpr int kFiles = 6;

std::string Pipeline(const std::string& aggregate = "count(*) AS n, sum(v) AS total") {
  return R"(
SET spark.sql.shuffle.partitions = 2;
SET spark.sql.streaming.stateStore.minDeltasForSnapshot = 2;
CREATE SOURCE events (ts TIMESTAMP, key STRING, v INT,
                      WATERMARK FOR ts AS ts - INTERVAL 5 SECONDS)
WITH (connector = 'file', path = '/in', format = 'json', maxFilesPerTrigger = '1');
CREATE SINK windows WITH (connector = 'file', path = '/out', format = 'json',
                          checkpointLocation = '/ckpt', trigger = 'available-now');
INSERT INTO windows
SELECT window.start AS start, key, )" +
         aggregate + R"(
FROM events GROUP BY window(ts, '10 seconds'), key;
)";
}

// Writes kFiles input files of 200 events each into `env`, durably.
void WriteInput(Env* env) {
  ASSERT_TRUE(env->CreateDirs("/in").ok());
  for (int f = 0; f < kFiles; ++f) {
    std::string data;
    for (int i = f * 200; i < (f + 1) * 200; ++i) {
      const int ms = i * 50;  // 10 s of event time per file
      char line[128];
      std::snprintf(line, sizeof(line),
                    "{\"ts\":\"2024-07-01 00:%02d:%02d.%03d\",\"key\":\"k%d\",\"v\":%d}\n",
                    ms / 60000, (ms / 1000) % 60, ms % 1000, i % 7, i % 5);
      data += line;
    }
    ASSERT_TRUE(WriteStringToFileSync(env, data, "/in/part-" + std::to_string(f) + ".json").ok());
  }
}

// Remembers how the queries of a session ended.
class Ends final : public StreamingQueryListener {
 public:
  void OnQueryStarted(const std::string&, const std::string&, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++started_;
  }
  void OnQueryTerminated(const std::string&, const std::string&, const Status& error) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++ended_;
    if (!error.ok() && error_.ok()) error_ = error;
    cv_.notify_all();
  }
  // Waits until every query started has ended; the first error.
  Status Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return ended_ >= started_; });
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int started_ = 0;  // guarded by mu_
  int ended_ = 0;    // guarded by mu_
  Status error_;     // guarded by mu_
};

// Runs the pipeline to its end in a fresh session on `env` (a restarted process);
// the query's error, OK when it ended cleanly.
Status Run(Env* env, Clock* clock, const std::string& pipeline = Pipeline()) {
  SessionOptions options;
  options.data_dir = "/data";
  options.threads = 2;
  options.env = env;
  options.clock = clock;
  Result<Session> session = Session::Open(std::move(options));
  if (!session.ok()) return session.status();
  auto ends = std::make_shared<Ends>();
  session->Streams().AddListener(ends);
  Status st =
      session->sql_session().ExecuteScript(pipeline, [](const auto&...) { return Status::OK(); });
  if (!st.ok()) return st;
  return ends->Wait();
}

// The sink's committed rows in `env`, sorted.
std::vector<std::string> Output(Env* env, Clock* clock) {
  SessionOptions options;
  options.data_dir = "/data";
  options.env = env;
  options.clock = clock;
  Session session = Session::Open(std::move(options)).ValueOrDie();
  std::vector<std::string> out;
  Result<DataFrame> df =
      session.Sql("SELECT CAST(start AS STRING), key, n, total FROM json.`/out`");
  if (!df.ok()) return {"error: " + df.status().ToString()};
  for (const auto& row : df->CollectRows().ValueOrDie()) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i > 0 ? "|" : "") + row[i].ToString();
    out.push_back(std::move(line));
  }
  std::sort(out.begin(), out.end());
  return out;
}

class CheckpointFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override { Reset(); }

  // A fresh machine with the input on its disk.
  void Reset() {
    fault_.reset();
    mem_ = NewMemEnv(&clock_);
    WriteInput(mem_.get());
    fault_ = std::make_unique<FaultInjectionEnv>(mem_.get());
  }

  Status Run(const std::string& pipeline = Pipeline()) {
    return weir::Run(fault_.get(), &clock_, pipeline);
  }
  std::vector<std::string> Output() { return weir::Output(mem_.get(), &clock_); }
  bool Exists(const std::string& path) { return mem_->FileExists(path).ValueOr(false); }

  // The pipeline's output without faults, on a machine of its own.
  std::vector<std::string> Golden() {
    std::unique_ptr<Env> mem = NewMemEnv(&clock_);
    WriteInput(mem.get());
    EXPECT_TRUE(weir::Run(mem.get(), &clock_).ok());
    return weir::Output(mem.get(), &clock_);
  }

  ManualClock clock_{1'719'792'000'000'000};
  std::unique_ptr<Env> mem_;
  std::unique_ptr<FaultInjectionEnv> fault_;
};

TEST_F(CheckpointFaultsTest, FaultFreeRunClosesTheWindows) {
  // 6 files of 10 s each: the watermark closes every window but the last file's.
  std::vector<std::string> golden = Golden();
  EXPECT_EQ(golden.size(), 5u * 7u);
  EXPECT_EQ(golden.front(), "2024-07-01T00:00:00.000Z|k0|29|57");
}

TEST_F(CheckpointFaultsTest, EioOnStateFsyncStopsWithoutACommitRecord) {
  const std::vector<std::string> golden = Golden();
  // The third state delta written (epoch 1, one of its partitions).
  fault_->InjectFault(FaultRule{FaultOp::kSync, "/ckpt/state/", 2, 1, EIO});
  Status st = Run();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("/ckpt/state/0/"), std::string::npos) << st.ToString();
  EXPECT_NE(st.ToString().find("injected"), std::string::npos) << st.ToString();
  EXPECT_TRUE(Exists("/ckpt/offsets/1"));
  EXPECT_FALSE(Exists("/ckpt/commits/1"));
  fault_->ClearFaults();
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(Output(), golden);
}

TEST_F(CheckpointFaultsTest, EnospcOnStateWriteStopsWithoutACommitRecord) {
  const std::vector<std::string> golden = Golden();
  fault_->InjectFault(FaultRule{FaultOp::kAppend, "/ckpt/state/", 5, 1, ENOSPC});
  Status st = Run();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("No space left on device"), std::string::npos) << st.ToString();
  // Six appends reach epoch 1 at the earliest (each file has at least a header and
  // a trailer); whichever epoch failed has no commit record.
  int64_t committed = 0;
  while (Exists("/ckpt/commits/" + std::to_string(committed))) ++committed;
  EXPECT_LT(committed, kFiles);
  EXPECT_TRUE(Exists("/ckpt/offsets/" + std::to_string(committed)));
  fault_->ClearFaults();
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(Output(), golden);
}

TEST_F(CheckpointFaultsTest, EnospcOnCommitRecordStopsWithoutIt) {
  const std::vector<std::string> golden = Golden();
  fault_->InjectFault(FaultRule{FaultOp::kAppend, "/ckpt/commits/", 2, 1, ENOSPC});
  Status st = Run();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.ToString().find("/ckpt/commits/"), std::string::npos) << st.ToString();
  EXPECT_TRUE(Exists("/ckpt/commits/1"));
  EXPECT_FALSE(Exists("/ckpt/commits/2"));
  fault_->ClearFaults();
  ASSERT_TRUE(Run().ok());
  EXPECT_EQ(Output(), golden);
}

// A power loss right after each fsync of the run (the k-th one fails, the query
// stops, the machine loses every unsynced write), then a restart: the output is the
// fault-free one every time.
TEST_F(CheckpointFaultsTest, PowerLossAtEverySyncKeepsTheGoldenOutput) {
  const std::vector<std::string> golden = Golden();
  int k = 0;
  for (;; ++k) {
    Reset();
    fault_->InjectFault(FaultRule{FaultOp::kSync, "", k, 1, EIO});
    Status st = Run();
    const bool fired = fault_->faults_fired() > 0;
    ASSERT_TRUE(fault_->SimulatePowerLoss(PowerLossOptions{true, static_cast<uint64_t>(k)}).ok());
    fault_->ClearFaults();
    if (!fired) {
      ASSERT_TRUE(st.ok()) << st.ToString();
      break;  // k is past the run's last fsync
    }
    EXPECT_FALSE(st.ok()) << "sync " << k << " failed and the query went on";
    Status restarted = Run();
    ASSERT_TRUE(restarted.ok()) << "power loss at sync " << k << ": " << restarted.ToString();
    ASSERT_EQ(Output(), golden) << "power loss at sync " << k;
  }
  EXPECT_GT(k, 3 * kFiles);  // planned record, state, sink and commit per epoch at least
}

TEST_F(CheckpointFaultsTest, ChangedAggregationIsRefusedNamingTheOperator) {
  fault_->InjectFault(FaultRule{FaultOp::kAppend, "/ckpt/offsets/.3.tmp", 0, 1, EIO});
  ASSERT_FALSE(Run().ok());  // epochs 0-2 committed
  fault_->ClearFaults();
  Status st = Run(Pipeline("count(*) AS n, max(v) AS total"));
  ASSERT_FALSE(st.ok());
  const std::string msg = st.ToString();
  EXPECT_NE(msg.find("stateful operator 0 (stateStoreSave)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sum(int)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("max(int)"), std::string::npos) << msg;
  EXPECT_FALSE(Exists("/ckpt/commits/3"));  // nothing ran
  // A compatible change (the aggregates renamed) restores the state.
  Status compatible = Run(Pipeline("count(*) AS events, sum(v) AS total"));
  EXPECT_TRUE(compatible.ok()) << compatible.ToString();
}

}  // namespace
}  // namespace weir
