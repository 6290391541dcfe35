// Partitions: append and read across segment rolls, reopening, read limits,
// compression, timestamp search, options, and a reader running beside the writer.

#include "weir/log/partition.h"

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;
using testing::RandomRecords;

class PartitionTest : public ::testing::Test {
 protected:
  PartitionOptions SmallOptions() const {
    PartitionOptions o;
    o.segment_bytes = 1024;
    o.index_interval_bytes = 128;
    return o;
  }

  std::unique_ptr<Partition> OpenOrDie(const PartitionOptions& o) {
    auto p = Partition::Open(env_.get(), dir_, o);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }

  // Appends `n` random batches, checking the offsets they get. With a producer id,
  // each batch continues the producer's sequence, which here counts every record.
  void AppendRandom(Partition* p, int n, BatchOptions bo = {}) {
    for (int i = 0; i < n; ++i) {
      std::vector<Record> records = RandomRecords(rng_, 1 + rng_() % 5, 1000 * (ts_++), 80);
      if (bo.producer_id >= 0) bo.base_sequence = static_cast<int32_t>(records_.size());
      auto r = p->Append(records, bo);
      ASSERT_OK(r);
      ASSERT_EQ(static_cast<int64_t>(records_.size()), r->base_offset);
      ASSERT_EQ(r->base_offset + static_cast<int64_t>(records.size()) - 1, r->last_offset);
      for (Record& rec : records) records_.push_back(std::move(rec));
    }
  }

  // Reads everything from `from` with the given batch budget.
  std::vector<LogRecord> ReadAll(const Partition& p, int64_t from, size_t max_bytes) {
    std::vector<LogRecord> out;
    int64_t next = from;
    while (next < p.end_offset()) {
      auto batches = p.Read(next, max_bytes);
      EXPECT_TRUE(batches.ok()) << batches.status();
      if (!batches.ok() || batches->empty()) break;
      for (RecordBatch& b : *batches) {
        for (LogRecord& r : b.records) out.push_back(std::move(r));
      }
      next = out.back().offset + 1;
    }
    return out;
  }

  void ExpectContents(const Partition& p) {
    ASSERT_EQ(static_cast<int64_t>(records_.size()), p.end_offset());
    for (size_t max_bytes : {size_t{1}, size_t{700}, SIZE_MAX}) {
      std::vector<LogRecord> all = ReadAll(p, 0, max_bytes);
      ASSERT_EQ(records_.size(), all.size()) << max_bytes;
      for (size_t i = 0; i < all.size(); ++i) {
        ASSERT_EQ(static_cast<int64_t>(i), all[i].offset);
        ASSERT_EQ(records_[i], all[i].record) << i;
      }
    }
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
  const std::string dir_ = "/data/topics/clicks/0";
  std::mt19937_64 rng_{11};
  int64_t ts_ = 1;
  std::vector<Record> records_;
};

TEST_F(PartitionTest, NewPartitionIsEmptyAndDurablyCreated) {
  auto p = OpenOrDie(SmallOptions());
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(0, p->start_offset());
  EXPECT_EQ(0, p->end_offset());
  EXPECT_EQ(1u, p->num_segments());
  auto none = p->Read(0, 100);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(*env_->FileExists(dir_ + "/00000000000000000000.log"));
  EXPECT_TRUE(*env_->FileExists(dir_ + "/00000000000000000000.index"));
  EXPECT_TRUE(*env_->FileExists(dir_ + "/00000000000000000000.timeindex"));
}

TEST_F(PartitionTest, AppendAndReadAcrossSegmentRolls) {
  auto p = OpenOrDie(SmallOptions());
  AppendRandom(p.get(), 150);
  EXPECT_GT(p->num_segments(), 10u);
  ExpectContents(*p);
  // Every offset, one at a time: the first record returned is the one asked for.
  for (int64_t o = 0; o < p->end_offset(); ++o) {
    auto b = p->Read(o, 1);
    ASSERT_OK(b);
    ASSERT_EQ(1u, b->size());
    ASSERT_EQ(o, b->front().records.front().offset);
    ASSERT_EQ(records_[o], b->front().records.front().record);
  }
  auto bad = p->Read(p->end_offset() + 1, 100);
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.status().code());
  bad = p->Read(-1, 100);
  EXPECT_EQ(StatusCode::kInvalidArgument, bad.status().code());
}

TEST_F(PartitionTest, SegmentsAreNamedByBaseOffsetAndStayWithinSegmentBytes) {
  auto p = OpenOrDie(SmallOptions());
  AppendRandom(p.get(), 100);
  auto children = env_->GetChildren(dir_);
  ASSERT_OK(children);
  int64_t prev = -1;
  for (const std::string& name : *children) {
    int64_t base;
    SegmentFileKind kind;
    ASSERT_TRUE(ParseSegmentFileName(name, &base, &kind)) << name;
    if (kind != SegmentFileKind::kLog) continue;
    EXPECT_GT(base, prev);
    prev = base;
    auto size = env_->GetFileSize(dir_ + "/" + name);
    ASSERT_OK(size);
    EXPECT_LE(*size, 1024u) << name;
    auto first = p->Read(base, 1);
    ASSERT_OK(first);
    if (*size > 0) {
      EXPECT_EQ(base, first->front().header.base_offset);
    }
  }
}

TEST_F(PartitionTest, ReopenKeepsEverythingAndContinuesTheOffsets) {
  {
    auto p = OpenOrDie(SmallOptions());
    AppendRandom(p.get(), 60);
    ASSERT_OK(p->Close());
    EXPECT_EQ(StatusCode::kInvalidArgument, p->Append(records_).status().code());
  }
  for (int round = 0; round < 3; ++round) {
    auto p = OpenOrDie(SmallOptions());
    ExpectContents(*p);
    AppendRandom(p.get(), 20);
    ExpectContents(*p);
  }
}

TEST_F(PartitionTest, ReadReturnsAtLeastOneBatchAndRespectsMaxBytes) {
  auto p = OpenOrDie(SmallOptions());
  AppendRandom(p.get(), 40);
  for (size_t max_bytes : {size_t{0}, size_t{1}, size_t{300}, size_t{2000}}) {
    auto b = p->Read(0, max_bytes);
    ASSERT_OK(b);
    ASSERT_FALSE(b->empty());
    size_t total = 0;
    for (const RecordBatch& batch : *b) total += batch.header.size();
    if (b->size() > 1) {
      EXPECT_LE(total, max_bytes);
    }
  }
}

TEST_F(PartitionTest, RecordsBeforeTheOffsetAreLeftOutOfTheFirstBatch) {
  auto p = OpenOrDie(SmallOptions());
  std::vector<Record> five;
  for (int i = 0; i < 5; ++i) five.push_back(MakeRecord("k", std::to_string(i), i));
  ASSERT_OK(p->Append(five));
  auto b = p->Read(3, 1000);
  ASSERT_OK(b);
  ASSERT_EQ(1u, b->size());
  ASSERT_EQ(2u, b->front().records.size());
  EXPECT_EQ(3, b->front().records[0].offset);
  EXPECT_EQ("3", *b->front().records[0].record.value);
  EXPECT_EQ(0, b->front().header.base_offset);
}

TEST_F(PartitionTest, CompressedAndProducerBatches) {
  auto p = OpenOrDie(SmallOptions());
  for (Compression c : {Compression::kZstd, Compression::kLz4, Compression::kNone}) {
    BatchOptions bo;
    bo.compression = c;
    bo.producer_id = 9;
    bo.producer_epoch = 2;
    AppendRandom(p.get(), 15, bo);
  }
  ExpectContents(*p);
  auto b = p->Read(0, 1);
  ASSERT_OK(b);
  EXPECT_EQ(Compression::kZstd, b->front().header.compression());
  EXPECT_EQ(9, b->front().header.producer_id);
}

TEST_F(PartitionTest, InvalidBatchesAreRejectedWithoutHarm) {
  auto p = OpenOrDie(SmallOptions());
  EXPECT_EQ(StatusCode::kInvalidArgument, p->Append(std::vector<Record>{}).status().code());
  std::vector<Record> huge = {MakeRecord("k", std::string(kMaxBatchSize, 'x'), 1)};
  EXPECT_EQ(StatusCode::kInvalidArgument, p->Append(huge).status().code());
  AppendRandom(p.get(), 3);
  ExpectContents(*p);
}

TEST_F(PartitionTest, ABatchLargerThanSegmentBytesGetsASegmentOfItsOwn) {
  auto p = OpenOrDie(SmallOptions());
  AppendRandom(p.get(), 2);
  std::vector<Record> big = {MakeRecord("k", std::string(5000, 'b'), 5)};
  ASSERT_OK(p->Append(big));
  records_.push_back(big[0]);
  AppendRandom(p.get(), 2);
  EXPECT_EQ(3u, p->num_segments());
  ExpectContents(*p);
}

TEST_F(PartitionTest, FindOffsetByTimestampMatchesAFullScan) {
  auto p = OpenOrDie(SmallOptions());
  AppendRandom(p.get(), 120);
  for (int64_t ts = -2000; ts <= 1000 * ts_ + 1000; ts += 333) {
    int64_t expected = p->end_offset();
    for (size_t i = 0; i < records_.size(); ++i) {
      if (records_[i].timestamp >= ts) {
        expected = static_cast<int64_t>(i);
        break;
      }
    }
    auto got = p->FindOffsetByTimestamp(ts);
    ASSERT_OK(got);
    ASSERT_EQ(expected, *got) << ts;
  }
}

TEST_F(PartitionTest, BadOptionsAndMissingDirectory) {
  PartitionOptions o;
  o.segment_bytes = 0;
  EXPECT_EQ(StatusCode::kInvalidArgument, Partition::Open(env_.get(), dir_, o).status().code());
  o = PartitionOptions();
  o.segment_bytes = kMaxSegmentBytes + 1;
  EXPECT_EQ(StatusCode::kInvalidArgument, Partition::Open(env_.get(), dir_, o).status().code());
  o = PartitionOptions();
  o.index_interval_bytes = 0;
  EXPECT_EQ(StatusCode::kInvalidArgument, Partition::Open(env_.get(), dir_, o).status().code());
  o = PartitionOptions();
  o.flush_interval_ms = -1;
  EXPECT_EQ(StatusCode::kInvalidArgument, Partition::Open(env_.get(), dir_, o).status().code());
  o = PartitionOptions();
  o.create_if_missing = false;
  EXPECT_TRUE(Partition::Open(env_.get(), dir_, o).status().IsNotFound());
}

TEST_F(PartitionTest, StrayFilesAreIgnoredAndOrphanIndexesDeleted) {
  {
    auto p = OpenOrDie(SmallOptions());
    AppendRandom(p.get(), 30);
  }
  ASSERT_OK(WriteStringToFileSync(env_.get(), "x", dir_ + "/notes.txt"));
  ASSERT_OK(WriteStringToFileSync(env_.get(), "junk", dir_ + "/00000000099999999998.index"));
  auto p = OpenOrDie(SmallOptions());
  ExpectContents(*p);
  EXPECT_FALSE(*env_->FileExists(dir_ + "/00000000099999999998.index"));
  EXPECT_TRUE(*env_->FileExists(dir_ + "/notes.txt"));
}

TEST_F(PartitionTest, ReadersRunBesideTheWriter) {
  auto p = OpenOrDie(SmallOptions());
  std::atomic<bool> done{false};
  std::atomic<int64_t> reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      const int64_t end = p->end_offset();
      auto b = p->Read(0, SIZE_MAX);
      ASSERT_OK(b);
      int64_t next = 0;
      for (const RecordBatch& batch : *b) {
        for (const LogRecord& r : batch.records) ASSERT_EQ(next++, r.offset);
      }
      ASSERT_GE(next, end);  // everything published before the read is returned
      reads.fetch_add(1);
    }
  });
  AppendRandom(p.get(), 300);
  // Keep the reader going until it has overlapped with the appends a few times.
  while (reads.load() < 3) std::this_thread::yield();
  done.store(true);
  reader.join();
  ExpectContents(*p);
}

TEST_F(PartitionTest, IntervalDurabilitySyncsWhenTheIntervalHasPassed) {
  ManualClock clock;
  auto env = NewMemEnv(&clock);
  PartitionOptions o = SmallOptions();
  o.durability = Durability::kInterval;
  o.flush_interval_ms = 100;
  auto p = Partition::Open(env.get(), dir_, o);
  ASSERT_OK(p);
  std::vector<Record> one = {MakeRecord("k", "v", 1)};
  ASSERT_OK((*p)->Append(one));
  ASSERT_OK((*p)->Read(0, 100));  // visible once written
  EXPECT_EQ(1, (*p)->end_offset());
  clock.Advance(100'000);
  ASSERT_OK((*p)->Append(one));
  ASSERT_OK((*p)->Sync());
  ASSERT_OK((*p)->Close());
  auto again = Partition::Open(env.get(), dir_, o);
  ASSERT_OK(again);
  EXPECT_EQ(2, (*again)->end_offset());
}

}  // namespace
}  // namespace weir::log
