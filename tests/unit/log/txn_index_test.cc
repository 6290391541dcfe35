// The transaction index (docs/log_format.md section 9): its encoding, damage
// detection, and a partition that opens from the sealed segments' .txnindex files
// with the same transaction state as the full scan of every batch header, rebuilding
// a missing or damaged file.

#include "weir/log/txn_index.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/logging.h"
#include "weir/log/partition.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;

TxnIndex Sample() {
  TxnIndex index;
  index.base_offset = 100;
  index.end_offset = 200;
  index.aborted = {{7, 40, 120}, {9, 150, 151}};
  TransactionState::OpenTransaction t;
  t.epoch = 3;
  t.first_offset = 170;
  index.open = {{5, t}};
  return index;
}

TEST(TxnIndexTest, RoundTrip) {
  const TxnIndex index = Sample();
  const std::string bytes = EncodeTxnIndex(index);
  EXPECT_EQ(33u + 2 * 24 + 18, bytes.size());
  auto decoded = DecodeTxnIndex(bytes);
  ASSERT_OK(decoded);
  EXPECT_EQ(100, decoded->base_offset);
  EXPECT_EQ(200, decoded->end_offset);
  EXPECT_EQ(index.aborted, decoded->aborted);
  ASSERT_EQ(1u, decoded->open.size());
  EXPECT_EQ(5, decoded->open[0].first);
  EXPECT_EQ(3, decoded->open[0].second.epoch);
  EXPECT_EQ(170, decoded->open[0].second.first_offset);
  EXPECT_OK(DecodeTxnIndex(EncodeTxnIndex(TxnIndex{})));
}

TEST(TxnIndexTest, EveryTruncationAndBitFlipIsCorruption) {
  const std::string bytes = EncodeTxnIndex(Sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_TRUE(DecodeTxnIndex(bytes.substr(0, n)).status().IsCorruption()) << n;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      EXPECT_TRUE(DecodeTxnIndex(damaged).status().IsCorruption()) << i << " " << bit;
    }
  }
}

class TxnIndexPartitionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogSink([](LogLevel, std::string_view) {});
  }
  void TearDown() override { SetLogSink({}); }

  PartitionOptions Options() const {
    PartitionOptions o;
    o.segment_bytes = 1024;
    o.index_interval_bytes = 256;
    return o;
  }

  // Many transactions of three producers over many segments: committed, aborted, and
  // producer 3's left open, with plain records in between.
  void Fill(Partition* p) {
    std::map<int64_t, int32_t> seq;
    auto txn = [&](int64_t id, int n) {
      std::vector<Record> records;
      for (int i = 0; i < n; ++i) records.push_back(MakeRecord("k", std::string(40, 'v'), 1));
      BatchOptions o{
          .producer_id = id, .producer_epoch = 0, .base_sequence = seq[id], .transactional = true};
      seq[id] += n;
      ASSERT_OK(p->Append(records, o));
    };
    for (int round = 0; round < 40; ++round) {
      txn(1, 2);
      txn(2, 1);
      ASSERT_OK(p->Append({{MakeRecord("plain", std::string(40, 'p'), 1)}}));
      txn(1, 1);
      ASSERT_OK(p->EndTransaction(
          1, 0, round % 3 == 0 ? TransactionResult::kAbort : TransactionResult::kCommit));
      ASSERT_OK(p->EndTransaction(
          2, 0, round % 2 == 0 ? TransactionResult::kAbort : TransactionResult::kCommit));
    }
    txn(3, 2);
    ASSERT_OK(p->Append({{MakeRecord("after", "x", 1)}}));
  }

  // What a read-committed reader sees, offset by offset, and the LSO.
  std::vector<int64_t> Committed(const Partition& p) {
    std::vector<int64_t> out;
    int64_t next = p.start_offset();
    const ReadOptions ro{.isolation = IsolationLevel::kReadCommitted};
    while (next < p.last_stable_offset()) {
      auto batches = p.Read(next, 1 << 20, ro);
      EXPECT_OK(batches);
      if (!batches.ok() || batches->empty()) break;
      for (const RecordBatch& b : *batches) {
        for (const LogRecord& r : b.records) out.push_back(r.offset);
        next = b.header.last_offset() + 1;
      }
    }
    out.push_back(-p.last_stable_offset());
    return out;
  }

  std::string ReadFileOrDie(const std::string& path) {
    auto data = ReadFileToString(env_.get(), path);
    EXPECT_OK(data);
    return data.ok() ? *data : std::string();
  }

  std::string TxnIndexPath(int64_t base) const {
    return dir_ + "/" + SegmentFileName(base, SegmentFileKind::kTxnIndex);
  }

  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Env> env_ = NewMemEnv(&clock_);
  const std::string dir_ = "/data/topics/t/0";
};

TEST_F(TxnIndexPartitionTest, OpenFromIndexesEqualsTheFullScanAndRebuildsDamage) {
  std::vector<int64_t> expected;
  std::vector<SegmentInfo> segments;
  {
    auto p = Partition::Open(env_.get(), dir_, Options());
    ASSERT_OK(p);
    Fill(p->get());
    expected = Committed(**p);
    segments = (*p)->segments();
    ASSERT_GT(segments.size(), 20u);
    EXPECT_EQ(1u, (*p)->num_open_transactions());
    ASSERT_OK((*p)->Close());
  }
  // Every sealed segment has one; the active one none.
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    auto index = ReadTxnIndex(env_.get(), TxnIndexPath(segments[i].base_offset));
    ASSERT_OK(index);
    EXPECT_EQ(segments[i + 1].base_offset, index->end_offset);
  }
  EXPECT_TRUE(
      ReadTxnIndex(env_.get(), TxnIndexPath(segments.back().base_offset)).status().IsNotFound());
  auto reopen_and_check = [&](const char* what) {
    auto p = Partition::Open(env_.get(), dir_, Options());
    ASSERT_OK(p);
    EXPECT_EQ(expected, Committed(**p)) << what;
    EXPECT_EQ(1u, (*p)->num_open_transactions()) << what;
    PartitionOptions ro = Options();
    ro.read_only = true;
    auto r = Partition::Open(env_.get(), dir_, ro);
    ASSERT_OK(r);
    EXPECT_EQ(expected, Committed(**r)) << what << " (read-only)";
  };
  reopen_and_check("from the indexes");

  // A missing one and a damaged one: the full scan, which writes them again.
  const std::string missing = TxnIndexPath(segments[3].base_offset);
  const std::string damaged = TxnIndexPath(segments[7].base_offset);
  const std::string good = ReadFileOrDie(damaged);
  ASSERT_OK(env_->DeleteFile(missing));
  ASSERT_OK(WriteStringToFileSync(env_.get(), good.substr(0, good.size() - 1), damaged));
  reopen_and_check("after damage");
  EXPECT_OK(ReadTxnIndex(env_.get(), missing));
  EXPECT_EQ(good, ReadFileOrDie(damaged));

  // One that names another segment's range is damaged too.
  ASSERT_OK(WriteStringToFileSync(env_.get(), ReadFileOrDie(TxnIndexPath(segments[2].base_offset)),
                                  TxnIndexPath(segments[5].base_offset)));
  reopen_and_check("after a misplaced index");
}

}  // namespace
}  // namespace weir::log
