// Crash tests of a partition on FaultInjectionEnv over the in-memory Env: power
// losses at random points with and without torn writes, injected I/O errors, torn
// tails, bit flips in sealed segments and damaged indexes. What must hold:
// every acknowledged record survives with its offset and bytes, offsets have no gap
// and are never reused, and damage in a sealed segment is reported, never served.

#include <map>
#include <mutex>
#include <random>
#include <string>
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
using testing::RandomRecords;

// Collects WARN and ERROR lines while alive.
class LogCapture {
 public:
  LogCapture() {
    SetLogSink([this](LogLevel level, std::string_view line) {
      if (level < LogLevel::kWarn) return;
      std::lock_guard<std::mutex> lock(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() { SetLogSink({}); }

  bool Contains(std::string_view needle) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& l : lines_) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class PartitionCrashTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(mem_->CreateDirs(dir_)); }

  PartitionOptions Options() const {
    PartitionOptions o;
    o.segment_bytes = 2048;
    o.index_interval_bytes = 256;
    return o;
  }

  std::unique_ptr<Partition> OpenOrDie(const PartitionOptions& o) {
    auto p = Partition::Open(&env_, dir_, o);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }

  // Everything in the partition, as offset -> record, checking offsets are contiguous.
  std::map<int64_t, Record> ReadEverything(const Partition& p) {
    std::map<int64_t, Record> out;
    int64_t next = p.start_offset();
    while (next < p.end_offset()) {
      auto batches = p.Read(next, 64 << 10);
      EXPECT_TRUE(batches.ok()) << batches.status();
      if (!batches.ok() || batches->empty()) break;
      for (RecordBatch& b : *batches) {
        for (LogRecord& r : b.records) {
          EXPECT_EQ(next, r.offset) << "offsets must be contiguous";
          next = r.offset + 1;
          out.emplace(r.offset, std::move(r.record));
        }
      }
    }
    EXPECT_EQ(p.end_offset(), next);
    return out;
  }

  std::string LogPath(int64_t base) const {
    return dir_ + "/" + SegmentFileName(base, SegmentFileKind::kLog);
  }

  ManualClock clock_;
  std::unique_ptr<Env> mem_ = NewMemEnv(&clock_);
  FaultInjectionEnv env_{mem_.get()};
  const std::string dir_ = "/data/topics/t/0";
  std::mt19937_64 rng_{2024};
};

// The crash loop, run once per seed.
class PartitionCrashLoopTest : public PartitionCrashTest,
                               public ::testing::WithParamInterface<uint64_t> {};

// (a) Open, append with acknowledgements, sometimes fail an operation, lose power
// (or just stop), reopen: every acknowledged record is there with its offset and
// bytes, offsets are contiguous from 0, and appending continues right after them.
TEST_P(PartitionCrashLoopTest, AcknowledgedRecordsSurviveRandomPowerLosses) {
  rng_.seed(GetParam());
  LogCapture quiet;                 // recovery WARNs are expected here
  std::map<int64_t, Record> acked;  // durable and visible: must survive
  std::map<int64_t, Record> maybe;  // attempted, not acknowledged: may survive
  int power_losses = 0, faults = 0, failed_appends = 0;
  const FaultOp kOps[] = {FaultOp::kSync, FaultOp::kAppend, FaultOp::kSyncDir, FaultOp::kCreate};
  for (int cycle = 0; cycle < 200; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    PartitionOptions o = Options();
    const bool interval = rng_() % 4 == 0;
    if (interval) o.durability = Durability::kInterval;
    auto p = OpenOrDie(o);
    ASSERT_NE(nullptr, p);

    std::map<int64_t, Record> present = ReadEverything(*p);
    ASSERT_EQ(0, p->start_offset());
    for (const auto& [offset, record] : acked) {
      auto it = present.find(offset);
      ASSERT_NE(present.end(), it) << "acknowledged offset " << offset << " lost";
      ASSERT_EQ(record, it->second) << "offset " << offset << " changed";
    }
    for (const auto& [offset, record] : present) {
      if (acked.count(offset)) continue;
      auto it = maybe.find(offset);
      ASSERT_NE(maybe.end(), it) << "offset " << offset << " was never appended";
      ASSERT_EQ(record, it->second);
    }
    // Open synced what it recovered, and readers can see it: it must now survive.
    acked = std::move(present);
    maybe.clear();

    if (rng_() % 3 == 0) {
      ++faults;
      env_.InjectFault(FaultRule{.op = kOps[rng_() % 4],
                                 .path_substring = rng_() % 2 ? ".log" : "",
                                 .skip = static_cast<int>(rng_() % 6),
                                 .times = rng_() % 2 ? 1 : -1,
                                 .error = EIO});
    }
    int64_t next = p->end_offset();
    const int appends = static_cast<int>(rng_() % 10);
    for (int i = 0; i < appends; ++i) {
      std::vector<Record> records = RandomRecords(rng_, 1 + rng_() % 4, 1000 * cycle, 120);
      BatchOptions bo;
      bo.compression = static_cast<Compression>(rng_() % 3);
      auto r = p->Append(records, bo);
      for (size_t j = 0; j < records.size(); ++j) maybe[next + int64_t(j)] = records[j];
      if (!r.ok()) {
        ASSERT_TRUE(r.status().IsIoError()) << r.status();
        ++failed_appends;
        // The error is sticky: nothing more is accepted.
        EXPECT_FALSE(p->Append(records).ok());
        break;
      }
      ASSERT_EQ(next, r->base_offset) << "offsets continue right after the last one";
      next = r->last_offset + 1;
      if (!interval) {
        for (size_t j = 0; j < records.size(); ++j) {
          acked[r->base_offset + int64_t(j)] = std::move(maybe[r->base_offset + int64_t(j)]);
          maybe.erase(r->base_offset + int64_t(j));
        }
      } else if (rng_() % 3 == 0 && p->Sync().ok()) {
        for (auto& [offset, record] : maybe) acked[offset] = std::move(record);
        maybe.clear();
      }
      clock_.Advance(static_cast<int64_t>(rng_() % 400'000));
    }
    env_.ClearFaults();
    if (rng_() % 4 != 0) {
      ++power_losses;
      ASSERT_OK(env_.SimulatePowerLoss(
          PowerLossOptions{.tear_last_write = rng_() % 2 == 0, .seed = rng_()}));
    }
    p.reset();  // the process dies; nothing is flushed or synced
  }
  EXPECT_GT(acked.size(), 600u);
  EXPECT_GT(power_losses, 100);
  EXPECT_GT(failed_appends, 10);
  EXPECT_GT(faults, 40);
}

// (a') An idempotent producer that retries its unacknowledged batch after every
// injected failure and power loss: every acknowledged record is in the log exactly
// once, no record is ever there twice, and a retry gets the offsets the log holds.
TEST_P(PartitionCrashLoopTest, IdempotentProducerRetriesWithoutDuplicates) {
  rng_.seed(GetParam());
  LogCapture quiet;
  constexpr int64_t kProducer = 42;
  int32_t next_seq = 0;         // the sequence of the next new record
  std::vector<Record> pending;  // the batch to retry, not acknowledged
  int32_t pending_seq = -1;
  std::map<int32_t, int64_t> acked;  // sequence -> offset acknowledged for it
  int retries = 0, deduplicated = 0;
  auto seq_of = [](const Record& r) { return std::stoi(r.value->substr(4)); };
  for (int cycle = 0; cycle < 300; ++cycle) {
    SCOPED_TRACE("cycle " + std::to_string(cycle));
    auto p = OpenOrDie(Options());
    ASSERT_NE(nullptr, p);
    std::map<int32_t, int64_t> in_log;  // sequence -> offset
    for (const auto& [offset, record] : ReadEverything(*p)) {
      ASSERT_TRUE(in_log.emplace(seq_of(record), offset).second)
          << "sequence " << seq_of(record) << " is in the log twice";
    }
    for (const auto& [seq, offset] : acked) {
      auto it = in_log.find(seq);
      ASSERT_NE(in_log.end(), it) << "acknowledged sequence " << seq << " lost";
      ASSERT_EQ(offset, it->second);
    }
    if (rng_() % 2 == 0) {
      env_.InjectFault(FaultRule{.op = rng_() % 3 ? FaultOp::kSync : FaultOp::kAppend,
                                 .path_substring = ".log",
                                 .skip = static_cast<int>(rng_() % 4),
                                 .times = 1,
                                 .error = EIO});
    }
    const int appends = static_cast<int>(rng_() % 6);
    for (int i = 0; i < appends; ++i) {
      const bool retry = !pending.empty();
      if (!retry) {
        pending_seq = next_seq;
        const int n = 1 + static_cast<int>(rng_() % 4);
        for (int j = 0; j < n; ++j) {
          pending.push_back(MakeRecord("k", "seq-" + std::to_string(next_seq++), cycle));
        }
      }
      BatchOptions bo;
      bo.producer_id = kProducer;
      bo.producer_epoch = 0;
      bo.base_sequence = pending_seq;
      const int64_t end_before = p->end_offset();
      auto r = p->Append(pending, bo);
      if (!r.ok()) {
        ASSERT_TRUE(r.status().IsIoError()) << r.status();
        break;  // the producer restarts and retries the batch
      }
      retries += retry;
      if (p->end_offset() == end_before) ++deduplicated;
      for (size_t j = 0; j < pending.size(); ++j) {
        const int32_t seq = pending_seq + static_cast<int32_t>(j);
        if (in_log.count(seq)) {
          ASSERT_EQ(in_log[seq], r->base_offset + int64_t(j)) << "a retry gets the logged offsets";
        }
        acked[seq] = r->base_offset + int64_t(j);
      }
      pending.clear();
    }
    env_.ClearFaults();
    if (rng_() % 3 != 0) {
      ASSERT_OK(env_.SimulatePowerLoss(
          PowerLossOptions{.tear_last_write = rng_() % 2 == 0, .seed = rng_()}));
    }
    p.reset();
  }
  EXPECT_GT(acked.size(), 500u);
  EXPECT_GT(retries, 20);
  EXPECT_GT(deduplicated, 3) << "some retried batches had reached the disk";
}

// Seed 1 once caught a segment created by a failed roll whose directory entry was
// never synced; more seeds run in the same time as one long loop would.
INSTANTIATE_TEST_SUITE_P(Seeds, PartitionCrashLoopTest, ::testing::Values(1, 2024, 99));

// (b) A torn or garbage tail of the active segment is truncated, with a WARN naming
// the bytes dropped, and appends continue at the right offset.
TEST_F(PartitionCrashTest, TornTailOfTheActiveSegmentIsTruncated) {
  LogCapture logs;
  auto p = OpenOrDie(Options());
  std::vector<Record> records = {MakeRecord("k", "v", 1), MakeRecord("k2", "v2", 2)};
  for (int i = 0; i < 5; ++i) ASSERT_OK(p->Append(records));
  const int64_t end = p->end_offset();
  p.reset();
  const std::string log = LogPath(0);
  const uint64_t good_size = *mem_->GetFileSize(log);
  const std::string next_batch = *EncodeBatch(end, records);
  std::string bad_crc = next_batch;
  bad_crc.back() ^= 1;
  std::vector<std::string> tails = {next_batch.substr(0, 1),
                                    next_batch.substr(0, 12),
                                    next_batch.substr(0, kBatchHeaderSize),
                                    next_batch.substr(0, next_batch.size() - 1),
                                    bad_crc,
                                    std::string(100, '\0'),
                                    std::string(3, '\xff')};
  for (const std::string& tail : tails) {
    SCOPED_TRACE(tail.size());
    {
      auto f = mem_->NewAppendableFile(log);
      ASSERT_OK(f);
      ASSERT_OK((*f)->Append(tail));
      ASSERT_OK((*f)->Close());
    }
    logs.Clear();
    auto q = OpenOrDie(Options());
    EXPECT_TRUE(logs.Contains("truncating " + std::to_string(tail.size()) + " bytes"));
    EXPECT_EQ(good_size, *mem_->GetFileSize(log));
    EXPECT_EQ(end, q->end_offset());
    EXPECT_EQ(static_cast<size_t>(end), ReadEverything(*q).size());
  }
  auto q = OpenOrDie(Options());
  auto r = q->Append(records);
  ASSERT_OK(r);
  EXPECT_EQ(end, r->base_offset);
}

// (b) The same through a power loss: in interval mode nothing after the open is
// synced, and the power loss tears the last append (FaultInjectionEnv keeps the
// appends before it). Recovery keeps the whole batches, a prefix of what was appended,
// and drops the torn one.
TEST_F(PartitionCrashTest, PowerLossInIntervalModeKeepsAPrefix) {
  LogCapture logs;
  PartitionOptions o = Options();
  o.durability = Durability::kInterval;
  o.segment_bytes = 1 << 20;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    SCOPED_TRACE(seed);
    auto p = OpenOrDie(o);
    const int64_t start = p->end_offset();
    std::vector<Record> appended;
    for (int i = 0; i < 5; ++i) {
      std::vector<Record> records = RandomRecords(rng_, 3, 100);
      ASSERT_OK(p->Append(records));
      appended.insert(appended.end(), records.begin(), records.end());
    }
    const std::string log = LogPath(0);
    const uint64_t written = env_.GetFileDurability(log)->written;
    ASSERT_OK(env_.SimulatePowerLoss({.tear_last_write = true, .seed = seed}));
    const uint64_t torn = written - *mem_->GetFileSize(log);
    p.reset();
    logs.Clear();
    auto q = OpenOrDie(o);
    EXPECT_EQ(start + 12, q->end_offset()) << "four whole batches survive, the torn one not";
    std::map<int64_t, Record> present = ReadEverything(*q);
    for (int64_t i = 0; i < 12; ++i) EXPECT_EQ(appended[i], present.at(start + i));
    if (torn > 0) {
      EXPECT_TRUE(logs.Contains("truncating")) << torn;
    }
  }
}

// (c) A flipped bit in the middle of a sealed segment: that batch is Corruption on
// read, never served, never truncated; the other batches still read.
TEST_F(PartitionCrashTest, BitFlipInASealedSegmentIsReportedNotServed) {
  LogCapture logs;
  auto p = OpenOrDie(Options());
  std::vector<AppendResult> results;
  for (int i = 0; i < 60; ++i) {
    auto r = p->Append(RandomRecords(rng_, 3, 100, 60));
    ASSERT_OK(r);
    results.push_back(*r);
  }
  ASSERT_GT(p->num_segments(), 3u);
  p.reset();
  // Flip a bit in the middle of the first segment's log, inside some batch.
  const std::string log = LogPath(0);
  std::string bytes = *ReadFileToString(mem_.get(), log);
  const size_t flip = bytes.size() / 2;
  bytes[flip] ^= 0x04;
  ASSERT_OK(WriteStringToFileSync(mem_.get(), bytes, log));

  auto q = OpenOrDie(Options());
  EXPECT_EQ(bytes, *ReadFileToString(mem_.get(), log)) << "a sealed segment is never truncated";
  int corrupt = 0;
  for (const AppendResult& r : results) {
    auto b = q->Read(r.base_offset, 1);
    if (!b.ok()) {
      EXPECT_TRUE(b.status().IsCorruption()) << b.status();
      ++corrupt;
      continue;
    }
    EXPECT_EQ(r.base_offset, b->front().records.front().offset);
  }
  EXPECT_EQ(1, corrupt);
  // Reading through the damage stops before it; the next read reports it.
  auto from_start = q->Read(0, SIZE_MAX);
  ASSERT_OK(from_start);
  const int64_t stop = from_start->back().header.last_offset() + 1;
  EXPECT_LT(stop, q->end_offset());
  EXPECT_TRUE(q->Read(stop, SIZE_MAX).status().IsCorruption());
  // Appends are unaffected.
  ASSERT_OK(q->Append(RandomRecords(rng_, 1, 5)));
}

// (d) Missing, truncated or garbled indexes, in sealed and active segments, are
// rebuilt, and every offset is still found.
TEST_F(PartitionCrashTest, DamagedIndexesAreRebuilt) {
  LogCapture logs;
  auto p = OpenOrDie(Options());
  for (int i = 0; i < 80; ++i) ASSERT_OK(p->Append(RandomRecords(rng_, 2, 100, 60)));
  const int64_t end = p->end_offset();
  p.reset();
  auto children = *mem_->GetChildren(dir_);
  std::vector<std::string> indexes;
  for (const std::string& name : children) {
    int64_t base;
    SegmentFileKind kind;
    if (ParseSegmentFileName(name, &base, &kind) && kind != SegmentFileKind::kLog) {
      indexes.push_back(dir_ + "/" + name);
    }
  }
  ASSERT_GT(indexes.size(), 6u);
  std::map<std::string, std::string> good;
  for (const std::string& path : indexes) good[path] = *ReadFileToString(mem_.get(), path);

  for (int damage = 0; damage < 4; ++damage) {
    SCOPED_TRACE(damage);
    for (const std::string& path : indexes) {
      switch (damage) {
        case 0:
          ASSERT_OK(mem_->DeleteFile(path));
          break;
        case 1:
          ASSERT_OK(mem_->Truncate(path, good[path].size() / 2 + 1));
          break;
        case 2: {
          std::string g = good[path];
          for (size_t i = 0; i < g.size(); i += 5) g[i] = static_cast<char>(rng_());
          ASSERT_OK(WriteStringToFileSync(mem_.get(), g, path));
          break;
        }
        case 3:
          ASSERT_OK(WriteStringToFileSync(mem_.get(), good[path] + "\x01\x02\x03", path));
          break;
      }
    }
    auto q = OpenOrDie(Options());
    ASSERT_EQ(end, q->end_offset());
    for (int64_t o = 0; o < end; ++o) {
      auto b = q->Read(o, 1);
      ASSERT_OK(b);
      ASSERT_EQ(o, b->front().records.front().offset);
    }
    q.reset();
    for (const std::string& path : indexes) {
      EXPECT_EQ(good[path], *ReadFileToString(mem_.get(), path)) << path;
    }
  }
}

// (e) An fsync that fails makes Append fail; the record is not acknowledged, not
// visible, and after a power loss it is gone and its offset is given again.
TEST_F(PartitionCrashTest, FailedFsyncFailsTheAppend) {
  auto p = OpenOrDie(Options());
  std::vector<Record> first = {MakeRecord("a", "1", 1)};
  ASSERT_OK(p->Append(first));
  env_.InjectFault(FaultRule{.op = FaultOp::kSync, .path_substring = ".log", .times = 1});
  std::vector<Record> second = {MakeRecord("b", "2", 2)};
  auto r = p->Append(second);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsIoError());
  EXPECT_EQ(EIO, r.status().sys_errno());
  EXPECT_EQ(1, p->end_offset()) << "a failed append is not visible";
  // The fault has passed, but the partition does not retry a failed fsync.
  auto again = p->Append(second);
  EXPECT_TRUE(again.status().IsIoError()) << again.status();
  EXPECT_NE(std::string::npos, again.status().message().find("refuses appends"));

  LogCapture quiet;
  ASSERT_OK(env_.SimulatePowerLoss());
  p.reset();
  auto q = OpenOrDie(Options());
  EXPECT_EQ(1, q->end_offset());
  auto b = q->Append(second);
  ASSERT_OK(b);
  EXPECT_EQ(1, b->base_offset);
  auto read = q->Read(0, SIZE_MAX);
  ASSERT_OK(read);
  ASSERT_EQ(2u, read->size());
  EXPECT_EQ(first[0], read->at(0).records[0].record);
  EXPECT_EQ(second[0], read->at(1).records[0].record);
}

// A roll whose new segment cannot be made durable fails the append; after a power
// loss the new segment is gone and nothing acknowledged is lost.
TEST_F(PartitionCrashTest, FailedSyncDirOnRollFailsTheAppend) {
  auto p = OpenOrDie(Options());
  int64_t acked_end = 0;
  env_.InjectFault(FaultRule{.op = FaultOp::kSyncDir, .times = -1});
  Status failure;
  for (int i = 0; i < 200 && failure.ok(); ++i) {
    auto r = p->Append(RandomRecords(rng_, 2, 100, 100));
    if (r.ok()) {
      acked_end = r->last_offset + 1;
    } else {
      failure = r.status();
    }
  }
  ASSERT_TRUE(failure.IsIoError()) << failure;
  EXPECT_EQ(1u, p->num_segments());
  env_.ClearFaults();
  LogCapture quiet;
  ASSERT_OK(env_.SimulatePowerLoss());
  p.reset();
  auto q = OpenOrDie(Options());
  EXPECT_EQ(acked_end, q->end_offset());
  EXPECT_EQ(1u, q->num_segments());
  // The roll succeeds now.
  for (int i = 0; i < 50 && q->num_segments() == 1; ++i) {
    auto r = q->Append(RandomRecords(rng_, 2, 100, 100));
    ASSERT_OK(r);
    EXPECT_EQ(acked_end, r->base_offset);
    acked_end = r->last_offset + 1;
  }
  EXPECT_EQ(2u, q->num_segments());
  EXPECT_EQ(0u, env_.unsynced_dir_ops());
}

}  // namespace
}  // namespace weir::log
