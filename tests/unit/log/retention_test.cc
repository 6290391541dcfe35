// Retention: by time (the acceptance test: 60 days of synthetic data, then time
// advanced) and by size, segment by segment, never the active segment, durably, and
// seen by readers that were open before the deletion.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/fault_injection_env.h"
#include "weir/log/partition.h"
#include "weir/log/topic_config.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
// 2024-01-01T00:00:00Z.
constexpr int64_t kT0 = 1704067200000;
// A production rate of 1000 records a minute, scaled down 1000x: one record a
// minute, appended in one batch per hour.
constexpr int kRecordsPerBatch = 60;
constexpr int kBatchesPerDay = 24;
constexpr int64_t kRecordsPerDay = kRecordsPerBatch * kBatchesPerDay;
constexpr int kDays = 60;

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest() : mem_(NewMemEnv(&clock_)), env_(mem_.get()) {}

  void SetUp() override {
    // Every batch has the same size, so a segment holds exactly one day.
    auto one = EncodeBatch(0, Batch(0, 0));
    ASSERT_OK(one);
    batch_bytes_ = static_cast<int64_t>(one->size());
  }

  // The records of batch `b` (hour b since kT0): one per minute.
  static std::vector<Record> Batch(int64_t b, int64_t first_offset) {
    std::vector<Record> out;
    for (int i = 0; i < kRecordsPerBatch; ++i) {
      out.push_back(testing::MakeRecord("sensor",
                                        "reading-" + std::to_string(10000000 + first_offset + i),
                                        kT0 + b * kHourMs + i * kMinuteMs));
    }
    return out;
  }

  PartitionOptions Options(int64_t retention_ms, int64_t retention_bytes = -1) const {
    PartitionOptions o;
    o.segment_bytes = kBatchesPerDay * batch_bytes_;
    o.retention_ms = retention_ms;
    o.retention_bytes = retention_bytes;
    return o;
  }

  void SetNow(int64_t ms) { clock_.SetNowMicros(ms * 1000); }

  // Appends `days` days of data with the clock following the data, as in production.
  void Produce(Partition* p, int days) {
    for (int64_t b = 0; b < days * kBatchesPerDay; ++b) {
      SetNow(kT0 + (b + 1) * kHourMs);
      auto r = p->Append(Batch(b, b * kRecordsPerBatch));
      ASSERT_OK(r);
      ASSERT_EQ(b * kRecordsPerBatch, r->base_offset);
    }
  }

  // The base offsets of the days [first, last].
  static std::vector<int64_t> Days(int first, int last) {
    std::vector<int64_t> out;
    for (int d = first; d <= last; ++d) out.push_back(d * kRecordsPerDay);
    return out;
  }

  static std::vector<int64_t> Bases(const Partition& p) {
    std::vector<int64_t> out;
    for (const SegmentInfo& s : p.segments()) out.push_back(s.base_offset);
    return out;
  }

  std::vector<int64_t> BasesOnDisk() {
    std::vector<int64_t> out;
    auto children = env_.GetChildren(dir_);
    EXPECT_OK(children);
    for (const std::string& name : *children) {
      int64_t base;
      SegmentFileKind kind;
      if (ParseSegmentFileName(name, &base, &kind)) {
        if (kind == SegmentFileKind::kLog) out.push_back(base);
      }
    }
    return out;
  }

  ManualClock clock_{0};
  std::unique_ptr<Env> mem_;
  FaultInjectionEnv env_;
  const std::string dir_ = "/data/topics/sensors/0";
  int64_t batch_bytes_ = 0;
};

TEST_F(RetentionTest, SixtyDaysThenTimeAdvancedDeletesExactlyTheExpiredSegments) {
  // Retention of 30 days, applied at every roll while the data arrives.
  const int64_t retention = 30 * kDayMs;
  auto p = Partition::Open(&env_, dir_, Options(retention));
  ASSERT_OK(p);
  Produce(p->get(), kDays);
  // Day d's newest record is at d days + 23:59. Retention last ran at the roll to day
  // 59, at 59d 01:00: the cutoff 29d 01:00 expired days 0..28.
  EXPECT_EQ(Days(29, 59), Bases(**p));
  // Now is 60d 00:00: the cutoff 30d expires day 29 (newest 29d 23:59), not day 30.
  auto deleted = (*p)->ApplyRetention();
  ASSERT_OK(deleted);
  EXPECT_EQ(1u, *deleted);
  EXPECT_EQ(Days(30, 59), Bases(**p));
  EXPECT_EQ(30 * kRecordsPerDay, (*p)->start_offset());
  EXPECT_EQ(kDays * kRecordsPerDay, (*p)->end_offset());
  EXPECT_EQ(Days(30, 59), BasesOnDisk());

  // Half a day later nothing more has expired: day 30's newest record is 30d 23:59.
  SetNow(kT0 + 60 * kDayMs + 12 * kHourMs);
  deleted = (*p)->ApplyRetention();
  ASSERT_OK(deleted);
  EXPECT_EQ(0u, *deleted);
  EXPECT_EQ(Days(30, 59), Bases(**p));

  // One minute after day 30's newest record is 30 days old, day 30 goes.
  SetNow(kT0 + 30 * kDayMs + 23 * kHourMs + 59 * kMinuteMs + retention + 1);
  deleted = (*p)->ApplyRetention();
  ASSERT_OK(deleted);
  EXPECT_EQ(1u, *deleted);
  EXPECT_EQ(Days(31, 59), Bases(**p));

  // Ten days on: days 31..40 go.
  SetNow(kT0 + 71 * kDayMs);
  ASSERT_OK((*p)->ApplyRetention());
  EXPECT_EQ(Days(41, 59), Bases(**p));
  EXPECT_EQ(41 * kRecordsPerDay, (*p)->start_offset());
  auto first = (*p)->Read((*p)->start_offset(), 1);
  ASSERT_OK(first);
  EXPECT_EQ(kT0 + 41 * kDayMs, first->front().records.front().record.timestamp);
  EXPECT_EQ(StatusCode::kInvalidArgument, (*p)->Read(0, 1).status().code());

  // The deletions are durable: a power loss and a reopen keep exactly these.
  ASSERT_OK((*p)->Close());
  p->reset();
  ASSERT_OK(env_.SimulatePowerLoss());
  p = Partition::Open(&env_, dir_, Options(retention));
  ASSERT_OK(p);
  EXPECT_EQ(Days(41, 59), Bases(**p));
  EXPECT_EQ(kDays * kRecordsPerDay, (*p)->end_offset());

  // Long after: everything but the active segment (day 59) is gone; it is never
  // deleted, so the partition keeps its end offset and accepts appends.
  SetNow(kT0 + 1000 * kDayMs);
  ASSERT_OK((*p)->ApplyRetention());
  EXPECT_EQ(Days(59, 59), Bases(**p));
  EXPECT_EQ(Days(59, 59), BasesOnDisk());
  auto r = (*p)->Append(Batch(kDays * kBatchesPerDay, kDays * kRecordsPerDay));
  ASSERT_OK(r);
  EXPECT_EQ(kDays * kRecordsPerDay, r->base_offset);
}

TEST_F(RetentionTest, ReopeningAppliesRetention) {
  auto p = Partition::Open(&env_, dir_, Options(-1));
  ASSERT_OK(p);
  Produce(p->get(), 10);
  EXPECT_EQ(Days(0, 9), Bases(**p));
  ASSERT_OK((*p)->Close());
  p->reset();
  SetNow(kT0 + 10 * kDayMs);
  p = Partition::Open(&env_, dir_, Options(3 * kDayMs));
  ASSERT_OK(p);
  // Day 6's newest record (6d 23:59) is older than 10d - 3d = 7d; day 7's is not.
  EXPECT_EQ(Days(7, 9), Bases(**p));
}

TEST_F(RetentionTest, BySizeDeletesOldestSegmentsWhileOverTheLimit) {
  const int64_t day_bytes = kBatchesPerDay * batch_bytes_;
  // Room for 3.5 days: sealed days are deleted until at most that much is left.
  auto p = Partition::Open(&env_, dir_, Options(-1, 3 * day_bytes + day_bytes / 2));
  ASSERT_OK(p);
  Produce(p->get(), 10);
  // Retention last ran at the roll to day 9, when the active segment held one batch:
  // days 6..8 and that batch fit in 3.5 days.
  EXPECT_EQ(Days(6, 9), Bases(**p));
  // Now day 9 is full: 4 days of bytes, so day 6 goes.
  auto deleted = (*p)->ApplyRetention();
  ASSERT_OK(deleted);
  EXPECT_EQ(1u, *deleted);
  EXPECT_EQ(Days(7, 9), Bases(**p));
  uint64_t total = 0;
  for (const SegmentInfo& s : (*p)->segments()) total += s.size_bytes;
  EXPECT_EQ(static_cast<uint64_t>(3 * day_bytes), total);

  // A limit of 0 leaves only the active segment.
  ASSERT_OK((*p)->Close());
  p->reset();
  p = Partition::Open(&env_, dir_, Options(-1, 0));
  ASSERT_OK(p);
  EXPECT_EQ(Days(9, 9), Bases(**p));
}

TEST_F(RetentionTest, TimeStopsAtTheFirstSegmentThatIsNotExpired) {
  auto p = Partition::Open(&env_, dir_, Options(-1));
  ASSERT_OK(p);
  SetNow(kT0 + kHourMs);
  // Day 0 has a record far in the future, so it holds back the days after it.
  std::vector<Record> future = Batch(0, 0);
  future.back().timestamp = kT0 + 365 * kDayMs;
  ASSERT_OK((*p)->Append(future));
  for (int64_t b = 1; b < 3 * kBatchesPerDay; ++b) {
    ASSERT_OK((*p)->Append(Batch(b, b * kRecordsPerBatch)));
  }
  const std::vector<int64_t> bases = Bases(**p);
  EXPECT_EQ(4u, bases.size());  // day 0 is larger, so the days shift
  ASSERT_OK((*p)->Close());
  p->reset();
  SetNow(kT0 + 100 * kDayMs);
  p = Partition::Open(&env_, dir_, Options(kDayMs));
  ASSERT_OK(p);
  EXPECT_EQ(bases, Bases(**p));
}

TEST_F(RetentionTest, AReaderOpenBeforeADeletionKeepsReadingAndRefreshSeesIt) {
  auto w = Partition::Open(&env_, dir_, Options(-1));
  ASSERT_OK(w);
  Produce(w->get(), 5);
  PartitionOptions ro = Options(-1);
  ro.read_only = true;
  auto r = Partition::Open(&env_, dir_, ro);
  ASSERT_OK(r);
  EXPECT_EQ(Days(0, 4), Bases(**r));
  ASSERT_OK((*w)->Close());
  w->reset();
  SetNow(kT0 + 5 * kDayMs);
  w = Partition::Open(&env_, dir_, Options(2 * kDayMs));
  ASSERT_OK(w);
  EXPECT_EQ(Days(3, 4), Bases(**w));
  // The reader still holds days 0..2 through its open files.
  auto old = (*r)->Read(0, 1);
  ASSERT_OK(old);
  EXPECT_EQ(0, old->front().records.front().offset);
  ASSERT_OK((*r)->Refresh());
  EXPECT_EQ(Days(3, 4), Bases(**r));
  EXPECT_EQ(3 * kRecordsPerDay, (*r)->start_offset());
  EXPECT_EQ(StatusCode::kInvalidArgument, (*r)->ApplyRetention().status().code());
}

}  // namespace
}  // namespace weir::log

namespace weir::log {
namespace {

// The open item of #8: after compaction, a key's newest value can sit in an old
// segment; time retention must not delete it for a compact-only topic (Kafka exempts
// cleanup.policy=compact from retention), while "compact,delete" keeps retention.
TEST_F(RetentionTest, CompactOnlyTopicsKeepTheirNewestStateWhateverTheirAge) {
  TopicConfig c;
  c.retention_ms = 10 * kDayMs;
  c.segment_bytes = kBatchesPerDay * batch_bytes_;
  for (CleanupPolicy policy : {CleanupPolicy::kCompact, CleanupPolicy::kCompactDelete}) {
    const std::string dir = dir_ + "-" + std::string(CleanupPolicyName(policy));
    c.cleanup_policy = policy;
    {
      auto p = Partition::Open(&env_, dir, ToPartitionOptions(c));
      ASSERT_OK(p);
      Produce(p->get(), 3);
      ASSERT_OK((*p)->Compact());  // "sensor" keeps only its newest value
    }
    SetNow(kT0 + 60 * kDayMs);
    auto p = Partition::Open(&env_, dir, ToPartitionOptions(c));
    ASSERT_OK(p);
    ASSERT_OK((*p)->ApplyRetention());
    if (policy == CleanupPolicy::kCompact) {
      EXPECT_EQ(Days(0, 2), Bases(**p)) << "compact: nothing expires";
      EXPECT_EQ(0, (*p)->start_offset());
    } else {
      EXPECT_EQ(Days(2, 2), Bases(**p)) << "compact,delete: retention applies";
    }
  }
}

}  // namespace
}  // namespace weir::log
