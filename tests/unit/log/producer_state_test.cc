// Idempotent producers on a partition: a retried batch is not appended twice and
// gets its original offsets; sequence gaps and older epochs are refused with clear
// messages; the state is rebuilt from the segments when the partition is reopened,
// within the producer_state_segments bound.

#include "weir/log/producer_state.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/env.h"
#include "weir/log/partition.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;

BatchOptions Producer(int64_t id, int16_t epoch, int32_t seq) {
  BatchOptions o;
  o.producer_id = id;
  o.producer_epoch = epoch;
  o.base_sequence = seq;
  return o;
}

std::vector<Record> Records(int n, const std::string& tag) {
  std::vector<Record> out;
  for (int i = 0; i < n; ++i) out.push_back(MakeRecord("k", tag + std::to_string(i), 1000 + i));
  return out;
}

class ProducerStateTest : public ::testing::Test {
 protected:
  std::unique_ptr<Partition> Open(PartitionOptions o = {}) {
    auto p = Partition::Open(env_.get(), dir_, o);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? std::move(*p) : nullptr;
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
  const std::string dir_ = "/data/topics/t/0";
};

TEST_F(ProducerStateTest, RetriedBatchReturnsOriginalOffsetsAndIsNotAppended) {
  auto p = Open();
  ASSERT_OK(p->Append(Records(3, "a"), Producer(7, 0, 0)));
  auto second = p->Append(Records(2, "b"), Producer(7, 0, 3));
  ASSERT_OK(second);
  EXPECT_EQ(3, second->base_offset);
  // Retries of both batches, the older one too (it is among the last five).
  auto retry = p->Append(Records(2, "b"), Producer(7, 0, 3));
  ASSERT_OK(retry);
  EXPECT_EQ(3, retry->base_offset);
  EXPECT_EQ(4, retry->last_offset);
  auto retry_first = p->Append(Records(3, "a"), Producer(7, 0, 0));
  ASSERT_OK(retry_first);
  EXPECT_EQ(0, retry_first->base_offset);
  EXPECT_EQ(2, retry_first->last_offset);
  EXPECT_EQ(5, p->end_offset()) << "retries append nothing";
  // The next batch continues the sequence.
  auto next = p->Append(Records(1, "c"), Producer(7, 0, 5));
  ASSERT_OK(next);
  EXPECT_EQ(5, next->base_offset);
}

TEST_F(ProducerStateTest, SequenceGapIsOutOfOrderAndDoesNotStopAppends) {
  auto p = Open();
  ASSERT_OK(p->Append(Records(2, "a"), Producer(7, 0, 0)));
  auto gap = p->Append(Records(1, "x"), Producer(7, 0, 5));
  ASSERT_FALSE(gap.ok());
  EXPECT_TRUE(gap.status().code() == StatusCode::kInvalidArgument) << gap.status();
  EXPECT_NE(std::string::npos, gap.status().ToString().find("OutOfOrderSequence"));
  EXPECT_NE(std::string::npos, gap.status().ToString().find("expected 2")) << gap.status();
  // A batch that overlaps the last one without matching it is out of order too.
  EXPECT_FALSE(p->Append(Records(1, "x"), Producer(7, 0, 1)).ok());
  EXPECT_EQ(2, p->end_offset());
  ASSERT_OK(p->Append(Records(1, "b"), Producer(7, 0, 2)));
  // Other producers and plain appends are independent.
  ASSERT_OK(p->Append(Records(1, "c"), Producer(8, 0, 40)));
  ASSERT_OK(p->Append(Records(1, "d")));
  EXPECT_EQ(5, p->end_offset());
}

TEST_F(ProducerStateTest, OlderEpochIsFencedAndNewEpochStartsAtZero) {
  auto p = Open();
  ASSERT_OK(p->Append(Records(2, "a"), Producer(7, 1, 0)));
  auto bad_start = p->Append(Records(1, "x"), Producer(7, 2, 2));
  ASSERT_FALSE(bad_start.ok());
  EXPECT_NE(std::string::npos, bad_start.status().ToString().find("OutOfOrderSequence"));
  ASSERT_OK(p->Append(Records(1, "b"), Producer(7, 2, 0)));
  auto fenced = p->Append(Records(1, "x"), Producer(7, 1, 2));
  ASSERT_FALSE(fenced.ok());
  EXPECT_TRUE(fenced.status().code() == StatusCode::kInvalidArgument);
  EXPECT_NE(std::string::npos, fenced.status().ToString().find("ProducerFenced"))
      << fenced.status();
  // A retry from the fenced epoch is refused too, not answered.
  EXPECT_FALSE(p->Append(Records(2, "a"), Producer(7, 1, 0)).ok());
  EXPECT_EQ(3, p->end_offset());
}

TEST_F(ProducerStateTest, InvalidProducerFieldsAreRejected) {
  auto p = Open();
  EXPECT_TRUE(p->Append(Records(1, "a"), Producer(7, -1, 0)).status().code() ==
              StatusCode::kInvalidArgument);
  EXPECT_TRUE(p->Append(Records(1, "a"), Producer(7, 0, -3)).status().code() ==
              StatusCode::kInvalidArgument);
  EXPECT_EQ(0, p->end_offset());
}

TEST_F(ProducerStateTest, StateIsRebuiltAfterReopen) {
  PartitionOptions o;
  o.segment_bytes = 512;
  {
    auto p = Open(o);
    for (int i = 0; i < 20; ++i) ASSERT_OK(p->Append(Records(2, "a"), Producer(7, 3, 2 * i)));
    ASSERT_OK(p->Append(Records(1, "z"), Producer(9, 0, 100)));
    ASSERT_GT(p->num_segments(), 2u);
    ASSERT_OK(p->Close());
  }
  auto p = Open(o);
  auto retry = p->Append(Records(2, "a"), Producer(7, 3, 38));
  ASSERT_OK(retry);
  EXPECT_EQ(38, retry->base_offset);
  auto retry9 = p->Append(Records(1, "z"), Producer(9, 0, 100));
  ASSERT_OK(retry9);
  EXPECT_EQ(40, retry9->base_offset);
  EXPECT_EQ(41, p->end_offset());
  EXPECT_FALSE(p->Append(Records(1, "x"), Producer(7, 3, 41)).ok()) << "gap after reopen";
  EXPECT_FALSE(p->Append(Records(1, "x"), Producer(7, 2, 0)).ok()) << "fenced after reopen";
  ASSERT_OK(p->Append(Records(1, "b"), Producer(7, 3, 40)));
}

TEST_F(ProducerStateTest, ReopenScansOnlyTheLastSegments) {
  PartitionOptions o;
  o.segment_bytes = 256;
  {
    auto p = Open(o);
    ASSERT_OK(p->Append(Records(1, "old"), Producer(5, 0, 0)));
    for (int i = 0; i < 30; ++i) ASSERT_OK(p->Append(Records(2, "filler")));
    ASSERT_GT(p->num_segments(), 3u);
    ASSERT_OK(p->Close());
  }
  o.producer_state_segments = 2;
  auto p = Open(o);
  // Producer 5's batch is outside the scanned segments: it is unknown again, so any
  // sequence is accepted (and a retry of its old batch would be appended again).
  ASSERT_OK(p->Append(Records(1, "new"), Producer(5, 0, 17)));
  EXPECT_FALSE(p->Append(Records(1, "x"), Producer(5, 0, 0)).ok());
  o.producer_state_segments = 0;
  EXPECT_TRUE(Partition::Open(env_.get(), dir_, o).status().code() == StatusCode::kInvalidArgument);
}

TEST(NextSequenceTest, WrapsAfterInt32Max) {
  EXPECT_EQ(5, NextSequence(2, 3));
  EXPECT_EQ(0, NextSequence(2147483647, 1));
  EXPECT_EQ(1, NextSequence(2147483646, 3));
}

}  // namespace
}  // namespace weir::log
