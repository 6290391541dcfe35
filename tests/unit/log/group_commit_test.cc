// Group commit (partition.h): concurrent appenders to a kFsync partition share fsyncs,
// and none is acknowledged before a sync that covers its batch. The Env under test is
// FaultInjectionEnv over the in-memory Env, wrapped by SlowSyncEnv, which counts the
// syncs of .log files and makes each take a while, as a disk's fsync does.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/fault_injection_env.h"
#include "weir/common/logging.h"
#include "weir/log/partition.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;

// Passes everything to `target`; a Sync() of a file whose name ends in ".log" sleeps
// `sync_micros` first (on the real clock) and is counted.
//
// Thread-safety: thread-safe, as its target.
class SlowSyncEnv final : public Env {
 public:
  SlowSyncEnv(Env* target, int64_t sync_micros) : target_(target), sync_micros_(sync_micros) {}

  int64_t log_syncs() const { return log_syncs_.load(); }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& p) override {
    return target_->NewSequentialFile(p);
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    return target_->NewRandomAccessFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return Wrap(p, target_->NewWritableFile(p));
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return Wrap(p, target_->NewAppendableFile(p));
  }
  Result<bool> FileExists(const std::string& p) override { return target_->FileExists(p); }
  Result<std::vector<std::string>> GetChildren(const std::string& d) override {
    return target_->GetChildren(d);
  }
  Status DeleteFile(const std::string& p) override { return target_->DeleteFile(p); }
  Status CreateDirIfMissing(const std::string& d) override {
    return target_->CreateDirIfMissing(d);
  }
  Status DeleteDir(const std::string& d) override { return target_->DeleteDir(d); }
  Result<uint64_t> GetFileSize(const std::string& p) override { return target_->GetFileSize(p); }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return target_->RenameFile(from, to);
  }
  Status Truncate(const std::string& p, uint64_t size) override {
    return target_->Truncate(p, size);
  }
  Status SyncDir(const std::string& d) override { return target_->SyncDir(d); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override {
    return target_->LockFile(p);
  }
  Clock* clock() override { return target_->clock(); }

 private:
  class File final : public WritableFile {
   public:
    File(SlowSyncEnv* env, bool is_log, std::unique_ptr<WritableFile> f)
        : env_(env), is_log_(is_log), f_(std::move(f)) {}
    Status Append(std::string_view data) override { return f_->Append(data); }
    Status Flush() override { return f_->Flush(); }
    Status Sync() override {
      if (is_log_) {
        std::this_thread::sleep_for(std::chrono::microseconds(env_->sync_micros_));
        env_->log_syncs_.fetch_add(1);
      }
      return f_->Sync();
    }
    Status Close() override { return f_->Close(); }
    uint64_t Size() const override { return f_->Size(); }

   private:
    SlowSyncEnv* const env_;
    const bool is_log_;
    std::unique_ptr<WritableFile> f_;
  };

  Result<std::unique_ptr<WritableFile>> Wrap(const std::string& path,
                                             Result<std::unique_ptr<WritableFile>> f) {
    if (!f.ok()) return f.status();
    const bool is_log = path.size() > 4 && path.compare(path.size() - 4, 4, ".log") == 0;
    return std::unique_ptr<WritableFile>(new File(this, is_log, std::move(*f)));
  }

  Env* const target_;
  const int64_t sync_micros_;
  std::atomic<int64_t> log_syncs_{0};
};

// Drops log lines while alive (recovery WARNs are expected after power losses).
class LogCapture {
 public:
  LogCapture() {
    SetLogSink([](LogLevel, std::string_view) {});
  }
  ~LogCapture() { SetLogSink({}); }
};

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(mem_->CreateDirs(dir_)); }

  PartitionOptions Options() const {
    PartitionOptions o;
    o.segment_bytes = 16 << 10;
    o.index_interval_bytes = 512;
    return o;
  }

  // Everything in the partition, offset -> value.
  std::map<int64_t, std::string> ReadAll(const Partition& p) {
    std::map<int64_t, std::string> out;
    int64_t next = p.start_offset();
    while (next < p.end_offset()) {
      auto batches = p.Read(next, 64 << 10);
      EXPECT_TRUE(batches.ok()) << batches.status();
      if (!batches.ok() || batches->empty()) break;
      for (const RecordBatch& b : *batches) {
        for (const LogRecord& r : b.records) out[r.offset] = r.record.value.value_or("<null>");
        next = b.header.last_offset() + 1;
      }
    }
    return out;
  }

  ManualClock clock_;
  std::unique_ptr<Env> mem_ = NewMemEnv(&clock_);
  FaultInjectionEnv fault_{mem_.get()};
  SlowSyncEnv env_{&fault_, 2000};
  const std::string dir_ = "/data/topics/t/0";
};

// Acknowledgements collected by appender threads: offset -> value.
struct Acks {
  std::mutex mu;
  std::map<int64_t, std::string> acked;
  std::atomic<int64_t> appends{0};
};

// Appends `n` two-record batches with values "<thread>-<i>-a|b", recording every
// acknowledgement; stops at the first error (after a power loss every append fails).
void AppendLoop(Partition* p, int thread, int n, Acks* acks) {
  for (int i = 0; i < n; ++i) {
    const std::string base = std::to_string(thread) + "-" + std::to_string(i);
    std::vector<Record> records = {MakeRecord("k", base + "-a", i),
                                   MakeRecord("k", base + "-b", i)};
    Result<AppendResult> r = p->Append(records);
    if (!r.ok()) return;
    // Acknowledged: it must already be visible, since it is durable.
    EXPECT_LE(r->last_offset + 1, p->end_offset());
    acks->appends.fetch_add(1);
    std::lock_guard<std::mutex> lock(acks->mu);
    acks->acked[r->base_offset] = base + "-a";
    acks->acked[r->last_offset] = base + "-b";
  }
}

TEST_F(GroupCommitTest, ConcurrentAppendersShareFsyncs) {
  auto p = Partition::Open(&env_, dir_, Options());
  ASSERT_OK(p);
  const int64_t syncs_before = env_.log_syncs();
  const uint64_t partition_syncs_before = (*p)->num_log_syncs();
  constexpr int kThreads = 8, kPerThread = 40;
  Acks acks;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(AppendLoop, p->get(), t, kPerThread, &acks);
  }
  for (std::thread& t : threads) t.join();
  ASSERT_EQ(kThreads * kPerThread, acks.appends.load());
  const int64_t syncs = env_.log_syncs() - syncs_before;
  std::printf("%d appends by %d threads, %lld log syncs\n", kThreads * kPerThread, kThreads,
              static_cast<long long>(syncs));
  // Rolls (16 KiB segments) sync too; still far fewer syncs than appends.
  EXPECT_LT(syncs, kThreads * kPerThread / 2)
      << syncs << " syncs for " << kThreads * kPerThread << " appends";
  EXPECT_EQ(static_cast<uint64_t>(syncs), (*p)->num_log_syncs() - partition_syncs_before);
  // Offsets are contiguous and every record is where its append was told.
  EXPECT_EQ(2 * kThreads * kPerThread, (*p)->end_offset());
  EXPECT_EQ(acks.acked, ReadAll(**p));
}

TEST_F(GroupCommitTest, OneAppenderSyncsEveryAppend) {
  auto p = Partition::Open(&env_, dir_, Options());
  ASSERT_OK(p);
  const int64_t before = env_.log_syncs();
  for (int i = 0; i < 10; ++i) ASSERT_OK((*p)->Append({{MakeRecord("k", "v", i)}}));
  EXPECT_EQ(10, env_.log_syncs() - before);
}

TEST_F(GroupCommitTest, EveryAcknowledgedRecordSurvivesPowerLoss) {
  LogCapture quiet;
  Acks acks;
  {
    auto p = Partition::Open(&env_, dir_, Options());
    ASSERT_OK(p);
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) threads.emplace_back(AppendLoop, p->get(), t, 1000, &acks);
    // Pull the plug while they append.
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    ASSERT_OK(fault_.SimulatePowerLoss(PowerLossOptions{.tear_last_write = true, .seed = 7}));
    for (std::thread& t : threads) t.join();
  }
  ASSERT_GT(acks.appends.load(), 0);
  auto p = Partition::Open(&env_, dir_, Options());
  ASSERT_OK(p);
  const std::map<int64_t, std::string> found = ReadAll(**p);
  for (const auto& [offset, value] : acks.acked) {
    auto it = found.find(offset);
    ASSERT_TRUE(it != found.end()) << "acknowledged offset " << offset << " lost";
    EXPECT_EQ(value, it->second) << "at offset " << offset;
  }
}

// Crash loop: threads append, power fails at a random moment (with or without a torn
// last write), the partition reopens; every acknowledgement of every cycle holds, the
// offsets stay contiguous, and no offset is given twice.
TEST_F(GroupCommitTest, NoAcknowledgedRecordLostInCrashLoop) {
  LogCapture quiet;
  std::mt19937_64 rng(99);
  std::map<int64_t, std::string> acked;
  int64_t total_appends = 0;
  for (int cycle = 0; cycle < 25; ++cycle) {
    Acks acks;
    {
      auto p = Partition::Open(&env_, dir_, Options());
      ASSERT_OK(p);
      const int64_t start = (*p)->end_offset();
      std::vector<std::thread> threads;
      const int n = 2 + static_cast<int>(rng() % 5);
      for (int t = 0; t < n; ++t) {
        threads.emplace_back(AppendLoop, p->get(), cycle * 100 + t, 1000, &acks);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
      PowerLossOptions loss;
      loss.tear_last_write = rng() % 2 == 0;
      loss.seed = rng();
      ASSERT_OK(fault_.SimulatePowerLoss(loss));
      for (std::thread& t : threads) t.join();
      for (const auto& [offset, value] : acks.acked) {
        ASSERT_GE(offset, start) << "offset given twice";
        ASSERT_TRUE(acked.emplace(offset, value).second) << "offset given twice";
      }
    }
    total_appends += acks.appends.load();
    auto p = Partition::Open(&env_, dir_, Options());
    ASSERT_OK(p);
    const std::map<int64_t, std::string> found = ReadAll(**p);
    int64_t expect = 0;
    for (const auto& [offset, value] : found) {
      ASSERT_EQ(expect, offset) << "gap in cycle " << cycle;
      ++expect;
    }
    for (const auto& [offset, value] : acked) {
      auto it = found.find(offset);
      ASSERT_TRUE(it != found.end())
          << "cycle " << cycle << ": acknowledged offset " << offset << " lost";
      ASSERT_EQ(value, it->second);
    }
  }
  EXPECT_GT(total_appends, 25);
}

}  // namespace
}  // namespace weir::log
