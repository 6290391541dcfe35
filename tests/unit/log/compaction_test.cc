// Compaction: the classic example (a key per company, a sequence of CEO updates, some
// companies delisted) replays to the same table after compaction as before it, with
// the offsets of the surviving records unchanged; the format rule for gaps; and crash
// safety of the segment swap at every step, with and without torn writes.

#include "weir/log/compaction.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/fault_injection_env.h"
#include "weir/log/partition.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

constexpr int64_t kHourMs = 3600 * 1000;
// 2024-01-01T00:00:00Z.
constexpr int64_t kT0 = 1704067200000;

using Table = std::map<std::string, std::string>;

// Every record of the partition, in offset order.
std::vector<LogRecord> ReadAll(const Partition& p) {
  std::vector<LogRecord> out;
  int64_t offset = p.start_offset();
  while (offset < p.end_offset()) {
    auto batches = p.Read(offset, 4096);
    EXPECT_OK(batches);
    if (!batches.ok() || batches->empty()) break;
    for (const RecordBatch& b : *batches) {
      for (const LogRecord& r : b.records) out.push_back(r);
    }
    offset = batches->back().header.last_offset() + 1;
  }
  return out;
}

// Replays records into the table a consumer would build: a null value deletes the key.
Table Replay(const std::vector<LogRecord>& records) {
  Table t;
  for (const LogRecord& r : records) {
    if (!r.record.key) continue;
    if (r.record.value) {
      t[*r.record.key] = *r.record.value;
    } else {
      t.erase(*r.record.key);
    }
  }
  return t;
}

uint64_t LogBytes(const Partition& p) {
  uint64_t total = 0;
  for (const SegmentInfo& s : p.segments()) total += s.size_bytes;
  return total;
}

class CompactionTest : public ::testing::Test {
 protected:
  CompactionTest()
      : mem_(NewMemEnv(&clock_)), env_(std::make_unique<FaultInjectionEnv>(mem_.get())) {}

  PartitionOptions Options() const {
    PartitionOptions o;
    o.compact = true;
    o.segment_bytes = 2048;
    o.index_interval_bytes = 256;
    o.delete_retention_ms = 10 * kHourMs;
    return o;
  }

  // `updates` CEO changes for `companies` companies, one hour apart, in batches of 1
  // to 8, about 4% of them delistings (tombstones) and 2% keyless audit records.
  void Produce(Partition* p, int companies, int updates, uint64_t seed) {
    std::mt19937_64 rng(seed);
    int written = 0;
    while (written < updates) {
      std::vector<Record> batch;
      const int n = std::min(updates - written, 1 + static_cast<int>(rng() % 8));
      for (int i = 0; i < n; ++i, ++written) {
        Record r;
        r.timestamp = kT0 + written * kHourMs;
        const uint64_t kind = rng() % 100;
        if (kind < 2) {
          r.value = "audit-" + std::to_string(written);
        } else {
          r.key = "company-" + std::to_string(rng() % companies);
          if (kind >= 6) r.value = "ceo-" + std::to_string(rng() % 100000);
        }
        batch.push_back(std::move(r));
      }
      ASSERT_OK(p->Append(batch));
    }
  }

  ManualClock clock_{0};
  std::unique_ptr<Env> mem_;
  std::unique_ptr<FaultInjectionEnv> env_;
  const std::string dir_ = "/data/topics/ceos/0";
};

TEST_F(CompactionTest, CeoUpdatesReplayToTheSameTable) {
  auto p = Partition::Open(env_.get(), dir_, Options());
  ASSERT_OK(p);
  Produce(p->get(), 50, 2000, 1);
  // Now is 100 hours after the last update: the tombstones of the last 90 hours stay.
  clock_.SetNowMicros((kT0 + 2100 * kHourMs) * 1000);
  ASSERT_GT((*p)->num_segments(), 20u);

  const std::vector<LogRecord> before = ReadAll(**p);
  ASSERT_EQ(2000u, before.size());
  const uint64_t bytes_before = LogBytes(**p);
  const int64_t end = (*p)->end_offset();
  const size_t segments = (*p)->num_segments();

  auto stats = (*p)->Compact();
  ASSERT_OK(stats);
  EXPECT_GT(stats->segments_rewritten, 0u);
  EXPECT_GT(stats->records_removed, 1500);

  const std::vector<LogRecord> after = ReadAll(**p);
  EXPECT_EQ(Replay(before), Replay(after));
  EXPECT_LT(LogBytes(**p), bytes_before / 3);
  EXPECT_EQ(before.size() - static_cast<size_t>(stats->records_removed), after.size());
  EXPECT_EQ(end, (*p)->end_offset());
  EXPECT_EQ(segments, (*p)->num_segments());

  // Every survivor is the record that had its offset before; offsets increase.
  std::map<int64_t, const LogRecord*> by_offset;
  for (const LogRecord& r : before) by_offset[r.offset] = &r;
  int64_t last = -1;
  const int64_t active_base = (*p)->segments().back().base_offset;
  std::map<std::string, int> sealed_key_count;
  size_t keyless_after = 0;
  for (const LogRecord& r : after) {
    ASSERT_GT(r.offset, last);
    last = r.offset;
    ASSERT_TRUE(by_offset.count(r.offset));
    EXPECT_EQ(by_offset[r.offset]->record, r.record) << "offset " << r.offset;
    if (!r.record.key) ++keyless_after;
    if (r.record.key && r.offset < active_base) ++sealed_key_count[*r.record.key];
    // Tombstones older than delete_retention_ms are gone.
    if (r.record.key && !r.record.value && r.offset < active_base) {
      EXPECT_GE(r.record.timestamp, kT0 + 2090 * kHourMs);
    }
  }
  // The latest value per key in the sealed segments is all that is left of them.
  for (const auto& [key, n] : sealed_key_count) EXPECT_EQ(1, n) << key;
  size_t keyless_before = 0;
  for (const LogRecord& r : before) keyless_before += r.record.key ? 0 : 1;
  EXPECT_EQ(keyless_before, keyless_after);

  // A read at a removed offset starts at the next survivor.
  for (size_t i = 0; i + 1 < after.size(); ++i) {
    if (after[i + 1].offset == after[i].offset + 1) continue;
    auto batches = (*p)->Read(after[i].offset + 1, 1);
    ASSERT_OK(batches);
    ASSERT_FALSE(batches->empty());
    EXPECT_EQ(after[i + 1].offset, batches->front().records.front().offset);
    break;
  }

  // Compacting again finds nothing to remove; appends continue at the same offset.
  auto again = (*p)->Compact();
  ASSERT_OK(again);
  EXPECT_EQ(0u, again->segments_rewritten);
  auto appended = (*p)->Append(std::vector<Record>{testing::MakeRecord("company-1", "x", kT0)});
  ASSERT_OK(appended);
  EXPECT_EQ(end, appended->base_offset);

  // Reopening (recovery of segments with gaps) serves the same records, index intact.
  ASSERT_OK((*p)->Close());
  p->reset();
  auto reopened = Partition::Open(env_.get(), dir_, Options());
  ASSERT_OK(reopened);
  std::vector<LogRecord> expected = after;
  expected.push_back(LogRecord{end, testing::MakeRecord("company-1", "x", kT0)});
  EXPECT_EQ(expected, ReadAll(**reopened));
  // So does a reader in another process.
  PartitionOptions ro = Options();
  ro.read_only = true;
  auto reader = Partition::Open(env_.get(), dir_, ro);
  ASSERT_OK(reader);
  EXPECT_EQ(expected, ReadAll(**reader));
}

TEST_F(CompactionTest, OnlyForCompactTopicsAndNeverTheActiveSegment) {
  PartitionOptions o = Options();
  o.compact = false;
  auto p = Partition::Open(env_.get(), dir_, o);
  ASSERT_OK(p);
  EXPECT_EQ(StatusCode::kInvalidArgument, (*p)->Compact().status().code());
  p->reset();

  p = Partition::Open(env_.get(), dir_, Options());
  ASSERT_OK(p);
  // One segment only: the active one holds every update and is left alone.
  for (int i = 0; i < 10; ++i) {
    ASSERT_OK((*p)->Append(std::vector<Record>{testing::MakeRecord("k", std::to_string(i), kT0)}));
  }
  auto stats = (*p)->Compact();
  ASSERT_OK(stats);
  EXPECT_EQ(0u, stats->segments_rewritten);
  EXPECT_EQ(10u, ReadAll(**p).size());
}

TEST_F(CompactionTest, GapsNeedTheCompactedAttribute) {
  // Segment 0 holds offsets 0-1 and then a batch at 5; segment 10 is active and empty.
  ASSERT_OK(CreateDirsDurably(env_.get(), dir_));
  for (bool compacted : {false, true}) {
    SCOPED_TRACE(compacted);
    BatchOptions bo;
    bo.compacted = compacted;
    std::vector<Record> two = {testing::MakeRecord("a", "1", kT0),
                               testing::MakeRecord("b", "2", kT0)};
    auto first = EncodeBatch(0, two, bo);
    auto second = EncodeBatch(5, two, bo);
    ASSERT_OK(first);
    ASSERT_OK(second);
    ASSERT_OK(WriteStringToFileSync(env_.get(), *first + *second,
                                    dir_ + "/" + SegmentFileName(0, SegmentFileKind::kLog)));
    ASSERT_OK(WriteStringToFileSync(env_.get(), "",
                                    dir_ + "/" + SegmentFileName(10, SegmentFileKind::kLog)));
    auto p = Partition::Open(env_.get(), dir_, Options());
    ASSERT_OK(p);
    EXPECT_EQ(0, (*p)->start_offset());
    EXPECT_EQ(10, (*p)->end_offset());
    auto at2 = (*p)->Read(2, 1 << 20);
    if (compacted) {
      ASSERT_OK(at2);
      ASSERT_EQ(1u, at2->size());
      EXPECT_EQ(5, at2->front().records.front().offset);
      // Offsets 7 to 9 are a trailing gap: nothing to read there.
      auto at8 = (*p)->Read(8, 1 << 20);
      ASSERT_OK(at8);
      EXPECT_TRUE(at8->empty());
    } else {
      EXPECT_TRUE(at2.status().IsCorruption()) << at2.status();
      // Version 1 contiguity: the read from 0 ends at the gap.
      auto at0 = (*p)->Read(0, 1 << 20);
      ASSERT_OK(at0);
      EXPECT_EQ(1u, at0->size());
    }
  }
}

TEST_F(CompactionTest, KeepsEachProducersLastBatchWhole) {
  auto p = Partition::Open(env_.get(), dir_, Options());
  ASSERT_OK(p);
  BatchOptions bo;
  bo.producer_id = 7;
  bo.producer_epoch = 0;
  std::vector<Record> batch = {testing::MakeRecord("k", "a", kT0),
                               testing::MakeRecord("k", "b", kT0)};
  for (int i = 0; i < 3; ++i) {
    bo.base_sequence = 2 * i;
    ASSERT_OK((*p)->Append(batch, bo));
  }
  // Other records fill the segment until it is sealed.
  while ((*p)->num_segments() < 2) {
    ASSERT_OK((*p)->Append(std::vector<Record>{testing::MakeRecord("other", "x", kT0)}));
  }
  auto stats = (*p)->Compact();
  ASSERT_OK(stats);
  EXPECT_GT(stats->records_removed, 0);
  ASSERT_OK((*p)->Close());
  p->reset();
  p = Partition::Open(env_.get(), dir_, Options());
  ASSERT_OK(p);
  // The last batch (offsets 4-5) is whole, so its retry is recognized after the
  // reopen and the producer's next sequence is accepted.
  auto retry = (*p)->Append(batch, bo);
  ASSERT_OK(retry);
  EXPECT_EQ(4, retry->base_offset);
  bo.base_sequence = 6;
  ASSERT_OK((*p)->Append(batch, bo));
  std::vector<LogRecord> all = ReadAll(**p);
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(4, all[0].offset);  // offsets 0-3 ("k" superseded) are gone
  EXPECT_EQ(5, all[1].offset);
}

TEST_F(CompactionTest, RunsBesideAppends) {
  auto p = Partition::Open(env_.get(), dir_, Options());
  ASSERT_OK(p);
  clock_.SetNowMicros(kT0 * 1000);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    Produce(p->get(), 20, 1500, 3);
    done = true;
  });
  // At least one compaction, even if the writer finishes first (it can, on a
  // loaded machine); usually many run while it appends.
  int compactions = 0;
  do {
    auto stats = (*p)->Compact();
    ASSERT_OK(stats);
    ++compactions;
  } while (!done);
  writer.join();
  ASSERT_OK((*p)->Compact());
  EXPECT_GT(compactions, 0);
  // The same updates in a partition never compacted give the same table.
  auto full = Partition::Open(env_.get(), "/data/topics/ceos/1", Options());
  ASSERT_OK(full);
  Produce(full->get(), 20, 1500, 3);
  EXPECT_EQ(Replay(ReadAll(**full)), Replay(ReadAll(**p)));
  EXPECT_EQ((*full)->end_offset(), (*p)->end_offset());
}

// Crash safety of the swap: the I/O operation number `skip` of kind `op` inside
// Compact() fails (so the process "dies" just before it), then the machine loses
// power (or not, or with torn writes) and the partition is reopened. Each segment
// must hold exactly its records from before or from after compaction.
class CompactionCrashTest : public CompactionTest {
 protected:
  struct Snapshot {
    std::map<int64_t, std::vector<LogRecord>> by_segment;
    int64_t end = 0;
  };

  Snapshot Take(const Partition& p) {
    Snapshot s;
    std::vector<int64_t> bases;
    for (const SegmentInfo& info : p.segments()) bases.push_back(info.base_offset);
    for (const LogRecord& r : ReadAll(p)) {
      auto it = std::upper_bound(bases.begin(), bases.end(), r.offset);
      s.by_segment[*std::prev(it)].push_back(r);
    }
    for (int64_t b : bases) s.by_segment[b];
    s.end = p.end_offset();
    return s;
  }

  // Builds the partition in a fresh in-memory file system.
  void Build() {
    env_.reset();
    mem_ = NewMemEnv(&clock_);
    env_ = std::make_unique<FaultInjectionEnv>(mem_.get());
    auto p = Partition::Open(env_.get(), dir_, Options());
    ASSERT_OK(p);
    Produce(p->get(), 8, 250, 7);
    clock_.SetNowMicros((kT0 + 255 * kHourMs) * 1000);
    ASSERT_OK((*p)->Close());
  }
};

TEST_F(CompactionCrashTest, PowerLossAtEveryStepOfTheSwap) {
  Build();
  Snapshot pre, post;
  {
    auto p = Partition::Open(env_.get(), dir_, Options());
    ASSERT_OK(p);
    pre = Take(**p);
    ASSERT_GT(pre.by_segment.size(), 3u);
    auto stats = (*p)->Compact();
    ASSERT_OK(stats);
    ASSERT_GT(stats->segments_rewritten, 1u);
    post = Take(**p);
    ASSERT_OK(env_->SimulatePowerLoss());  // everything was durable
  }
  {
    auto p = Partition::Open(env_.get(), dir_, Options());
    ASSERT_OK(p);
    EXPECT_EQ(post.by_segment, Take(**p).by_segment);
  }

  int cases = 0, mixed = 0;
  for (FaultOp op :
       {FaultOp::kCreate, FaultOp::kAppend, FaultOp::kSync, FaultOp::kSyncDir, FaultOp::kRename}) {
    for (int skip = 0;; ++skip) {
      ASSERT_LT(skip, 1000);
      bool fired = false;
      for (int mode = 0; mode < 3; ++mode) {  // no power loss, power loss, torn writes
        SCOPED_TRACE(::testing::Message()
                     << FaultOpName(op) << " skip " << skip << " mode " << mode);
        Build();
        {
          auto p = Partition::Open(env_.get(), dir_, Options());
          ASSERT_OK(p);
          env_->InjectFault(FaultRule{.op = op, .skip = skip});
          const int64_t before = env_->faults_fired();
          Result<CompactionStats> stats = (*p)->Compact();
          fired = env_->faults_fired() > before;
          env_->ClearFaults();
          EXPECT_EQ(fired, !stats.ok()) << stats.status();
          if (mode > 0) {
            ASSERT_OK(env_->SimulatePowerLoss(PowerLossOptions{
                .tear_last_write = mode == 2, .seed = static_cast<uint64_t>(skip)}));
          }
        }
        auto p = Partition::Open(env_.get(), dir_, Options());
        ASSERT_OK(p);
        const Snapshot got = Take(**p);
        EXPECT_EQ(pre.end, got.end);
        ASSERT_EQ(pre.by_segment.size(), got.by_segment.size());
        int new_segments = 0;
        for (const auto& [base, records] : got.by_segment) {
          const bool is_pre = records == pre.by_segment[base];
          const bool is_post = records == post.by_segment[base];
          EXPECT_TRUE(is_pre || is_post)
              << "segment " << base << ": " << records.size() << " records, "
              << pre.by_segment[base].size() << " before and " << post.by_segment[base].size()
              << " after compaction";
          new_segments += !is_pre && is_post;
        }
        mixed += new_segments > 0 && new_segments < static_cast<int>(post.by_segment.size());
        // No temporary file survives the open.
        auto children = env_->GetChildren(dir_);
        ASSERT_OK(children);
        for (const std::string& name : *children) {
          EXPECT_EQ(std::string::npos, name.find(".cleaned")) << name;
          EXPECT_EQ(std::string::npos, name.find(".swap")) << name;
        }
        // A further compaction completes the job.
        auto stats = (*p)->Compact();
        ASSERT_OK(stats);
        EXPECT_EQ(post.by_segment, Take(**p).by_segment);
        ++cases;
      }
      if (!fired) break;
    }
  }
  EXPECT_GT(cases, 100);
  EXPECT_GT(mixed, 0);
}

}  // namespace
}  // namespace weir::log
