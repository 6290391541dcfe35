// Segments: file names, append and read through the index, visibility, reopening,
// index rebuilding, and timestamp search, on the in-memory Env.

#include "weir/log/segment.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/env.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::RandomRecords;

TEST(SegmentFileNameTest, TwentyDigitsAndSuffix) {
  EXPECT_EQ("00000000000000000042.log", SegmentFileName(42, SegmentFileKind::kLog));
  EXPECT_EQ("00000000000000000000.index", SegmentFileName(0, SegmentFileKind::kIndex));
  EXPECT_EQ("09223372036854775807.timeindex",
            SegmentFileName(INT64_MAX, SegmentFileKind::kTimeIndex));
  int64_t base;
  SegmentFileKind kind;
  ASSERT_TRUE(ParseSegmentFileName("00000000000000004711.index", &base, &kind));
  EXPECT_EQ(4711, base);
  EXPECT_EQ(SegmentFileKind::kIndex, kind);
  for (const char* bad : {"0000000000000004711.log", "00000000000000004711.log.tmp",
                          "0000000000000000471x.log", "99999999999999999999.log", "x.log", ""}) {
    EXPECT_FALSE(ParseSegmentFileName(bad, &base, &kind)) << bad;
  }
}

class SegmentTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(env_->CreateDirs(dir_)); }

  // Appends `n` random batches and publishes them; remembers records and positions.
  void AppendBatches(Segment* s, int n) {
    for (int i = 0; i < n; ++i) {
      std::vector<Record> records = RandomRecords(rng_, 1 + rng_() % 4, 1000 + 10 * ts_++, 60);
      auto batch = EncodeBatch(s->next_offset(), records);
      ASSERT_OK(batch);
      auto header = ValidateBatch(*batch);
      ASSERT_OK(header);
      positions_.push_back(s->size());
      ASSERT_OK(s->Append(*batch, *header));
      s->Publish();
      for (Record& r : records) records_.push_back(std::move(r));
    }
  }

  // The entries the documented rule gives for the batches appended so far.
  std::vector<IndexEntry> ExpectedEntries(int64_t base) const {
    IndexBuilder b(options_.index_interval_bytes);
    std::vector<IndexEntry> out;
    int64_t offset = base;
    size_t record = 0;
    for (size_t i = 0; i < positions_.size(); ++i) {
      // Recompute the batch's offsets and max timestamp from the records.
      size_t next = i + 1 < positions_.size() ? batch_first_record(i + 1) : records_.size();
      int64_t max_ts = INT64_MIN;
      for (size_t r = record; r < next; ++r) max_ts = std::max(max_ts, records_[r].timestamp);
      IndexEntry e;
      if (b.Add(static_cast<int32_t>(offset - base), static_cast<int64_t>(positions_[i]), max_ts,
                &e)) {
        out.push_back(e);
      }
      offset += static_cast<int64_t>(next - record);
      record = next;
    }
    return out;
  }

  size_t batch_first_record(size_t batch) const { return first_records_.at(batch); }

  // Every offset reads back its record, one batch at a time and all at once.
  void ExpectAllReadable(const Segment& s, int64_t base) {
    for (int64_t o = base; o < s.end_offset(); ++o) {
      std::vector<RecordBatch> out;
      size_t bytes;
      ASSERT_OK(s.Read(o, 1, &out, &bytes));
      ASSERT_EQ(1u, out.size());
      const RecordBatch& b = out[0];
      ASSERT_LE(b.header.base_offset, o);
      ASSERT_GE(b.header.last_offset(), o);
      EXPECT_EQ(records_[o - base], b.records[o - b.header.base_offset].record) << o;
    }
    std::vector<RecordBatch> out;
    size_t bytes;
    ASSERT_OK(s.Read(base, SIZE_MAX, &out, &bytes));
    ASSERT_EQ(positions_.size(), out.size());
    EXPECT_EQ(s.size(), bytes);
  }

  void AppendAndTrack(Segment* s, int n) {
    for (int i = 0; i < n; ++i) {
      first_records_.push_back(records_.size());
      AppendBatches(s, 1);
    }
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
  const std::string dir_ = "/data/topics/t/0";
  SegmentOptions options_{.index_interval_bytes = 300};
  std::mt19937_64 rng_{42};
  int64_t ts_ = 0;
  std::vector<Record> records_;
  std::vector<uint64_t> positions_;
  std::vector<size_t> first_records_;
};

TEST_F(SegmentTest, AppendReadAndIndexFollowTheRule) {
  auto s = Segment::Create(env_.get(), dir_, 100, options_);
  ASSERT_OK(s);
  AppendAndTrack(s->get(), 60);
  EXPECT_EQ(100 + static_cast<int64_t>(records_.size()), (*s)->end_offset());
  std::vector<IndexEntry> expected = ExpectedEntries(100);
  EXPECT_GT(expected.size(), 5u);
  EXPECT_EQ(expected, (*s)->index_entries());
  ExpectAllReadable(**s, 100);
}

TEST_F(SegmentTest, UnpublishedBatchesAreInvisible) {
  auto s = Segment::Create(env_.get(), dir_, 0, options_);
  ASSERT_OK(s);
  AppendAndTrack(s->get(), 2);
  const int64_t end = (*s)->end_offset();
  std::vector<Record> records = {testing::MakeRecord("k", "v", 5)};
  auto batch = EncodeBatch((*s)->next_offset(), records);
  ASSERT_OK((*s)->Append(*batch, *ValidateBatch(*batch)));
  EXPECT_EQ(end, (*s)->end_offset());
  EXPECT_EQ(end + 1, (*s)->next_offset());
  (*s)->Publish();
  EXPECT_EQ(end + 1, (*s)->end_offset());
}

TEST_F(SegmentTest, ReopenGivesTheSameIndexAndContinues) {
  {
    auto s = Segment::Create(env_.get(), dir_, 0, options_);
    ASSERT_OK(s);
    AppendAndTrack(s->get(), 40);
    ASSERT_OK((*s)->Close());
  }
  auto s = Segment::OpenActive(env_.get(), dir_, 0, options_);
  ASSERT_OK(s);
  EXPECT_EQ(static_cast<int64_t>(records_.size()), (*s)->next_offset());
  EXPECT_EQ(ExpectedEntries(0), (*s)->index_entries());
  AppendAndTrack(s->get(), 20);
  EXPECT_EQ(ExpectedEntries(0), (*s)->index_entries());
  ExpectAllReadable(**s, 0);
}

TEST_F(SegmentTest, MissingTruncatedOrWrongIndexIsRebuilt) {
  {
    auto s = Segment::Create(env_.get(), dir_, 0, options_);
    ASSERT_OK(s);
    AppendAndTrack(s->get(), 50);
    ASSERT_OK((*s)->Seal());
  }
  const std::string index = dir_ + "/" + SegmentFileName(0, SegmentFileKind::kIndex);
  const std::string time_index = dir_ + "/" + SegmentFileName(0, SegmentFileKind::kTimeIndex);
  auto good_index = ReadFileToString(env_.get(), index);
  auto good_time = ReadFileToString(env_.get(), time_index);
  ASSERT_OK(good_index);
  ASSERT_GT(good_index->size(), 24u);

  auto reopen_and_check = [&](bool sealed) {
    auto s = sealed ? Segment::OpenSealed(env_.get(), dir_, 0, options_,
                                          static_cast<int64_t>(records_.size()))
                    : Segment::OpenActive(env_.get(), dir_, 0, options_);
    ASSERT_OK(s);
    EXPECT_EQ(ExpectedEntries(0), (*s)->index_entries());
    ExpectAllReadable(**s, 0);
    ASSERT_OK((*s)->Close());
    EXPECT_EQ(*good_index, *ReadFileToString(env_.get(), index));
    EXPECT_EQ(*good_time, *ReadFileToString(env_.get(), time_index));
  };
  for (bool sealed : {true, false}) {
    SCOPED_TRACE(sealed ? "sealed" : "active");
    // Missing.
    ASSERT_OK(env_->DeleteFile(index));
    reopen_and_check(sealed);
    ASSERT_OK(env_->DeleteFile(time_index));
    reopen_and_check(sealed);
    // Truncated, mid-entry.
    ASSERT_OK(env_->Truncate(index, good_index->size() / 2 + 3));
    reopen_and_check(sealed);
    // Garbage appended.
    ASSERT_OK(WriteStringToFileSync(env_.get(), *good_index + "garbage!", index));
    reopen_and_check(sealed);
    // The last entry points one byte off: monotonic and inside the log, but wrong.
    std::string shifted = *good_index;
    shifted[shifted.size() - 4] += 1;
    ASSERT_OK(WriteStringToFileSync(env_.get(), shifted, index));
    reopen_and_check(sealed);
    // Far too large for the log.
    ASSERT_OK(WriteStringToFileSync(env_.get(), std::string(1 << 20, '\x01'), index));
    reopen_and_check(sealed);
  }
}

TEST_F(SegmentTest, WrongEntryInTheMiddleFallsBackToAScan) {
  {
    auto s = Segment::Create(env_.get(), dir_, 0, options_);
    ASSERT_OK(s);
    AppendAndTrack(s->get(), 50);
    ASSERT_OK((*s)->Seal());
  }
  const std::string index = dir_ + "/" + SegmentFileName(0, SegmentFileKind::kIndex);
  std::string bytes = *ReadFileToString(env_.get(), index);
  bytes[8 + 4] += 1;  // the second entry's position, still between its neighbours
  ASSERT_OK(WriteStringToFileSync(env_.get(), bytes, index));
  auto s =
      Segment::OpenSealed(env_.get(), dir_, 0, options_, static_cast<int64_t>(records_.size()));
  ASSERT_OK(s);
  ExpectAllReadable(**s, 0);
}

TEST_F(SegmentTest, FindOffsetByTimestampMatchesAFullScan) {
  auto s = Segment::Create(env_.get(), dir_, 7, options_);
  ASSERT_OK(s);
  AppendAndTrack(s->get(), 80);
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const Record& r : records_) {
    lo = std::min(lo, r.timestamp);
    hi = std::max(hi, r.timestamp);
  }
  for (int64_t ts = lo - 2; ts <= hi + 2; ts += 7) {
    std::optional<int64_t> expected;
    for (size_t i = 0; i < records_.size(); ++i) {
      if (records_[i].timestamp >= ts) {
        expected = 7 + static_cast<int64_t>(i);
        break;
      }
    }
    auto got = (*s)->FindOffsetByTimestamp(ts);
    ASSERT_OK(got);
    EXPECT_EQ(expected, *got) << ts;
  }
  auto min = (*s)->FindOffsetByTimestamp(INT64_MIN);
  ASSERT_OK(min);
  EXPECT_EQ(7, *min);
}

TEST_F(SegmentTest, ReadOfACorruptBatchInASealedSegmentIsCorruption) {
  {
    auto s = Segment::Create(env_.get(), dir_, 0, options_);
    ASSERT_OK(s);
    AppendAndTrack(s->get(), 20);
    ASSERT_OK((*s)->Seal());
  }
  const std::string log = dir_ + "/" + SegmentFileName(0, SegmentFileKind::kLog);
  std::string bytes = *ReadFileToString(env_.get(), log);
  const size_t victim = 10;
  bytes[positions_[victim] + kBatchHeaderSize + 2] ^= 0x10;  // inside the records
  ASSERT_OK(WriteStringToFileSync(env_.get(), bytes, log));
  auto s =
      Segment::OpenSealed(env_.get(), dir_, 0, options_, static_cast<int64_t>(records_.size()));
  ASSERT_OK(s);
  EXPECT_EQ(bytes, *ReadFileToString(env_.get(), log));  // never truncated
  for (size_t b = 0; b < positions_.size(); ++b) {
    const int64_t first = static_cast<int64_t>(first_records_[b]);
    std::vector<RecordBatch> out;
    size_t n;
    Status st = (*s)->Read(first, 1, &out, &n);
    if (b == victim) {
      EXPECT_TRUE(st.IsCorruption()) << st;
      EXPECT_NE(std::string::npos, st.message().find("CRC mismatch")) << st;
    } else {
      ASSERT_OK(st);
      EXPECT_EQ(records_[first_records_[b]], out.at(0).records.at(0).record);
    }
  }
  // A read across the damaged batch stops before it.
  std::vector<RecordBatch> out;
  size_t n;
  ASSERT_OK((*s)->Read(0, SIZE_MAX, &out, &n));
  EXPECT_EQ(victim, out.size());
}

}  // namespace
}  // namespace weir::log
