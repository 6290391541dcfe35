// Topics: the config file, name rules, create/list/describe/delete, Kafka-compatible
// key placement, one writer per partition, and a reader beside a writer.

#include "weir/log/topic.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "weir/common/crc32c.h"
#include "weir/common/env.h"
#include "weir/log/partitioner.h"
#include "weir/log/topic_config.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;

TEST(TopicConfigTest, RoundTripsEveryField) {
  TopicConfig c;
  c.partitions = 7;
  c.durability = Durability::kInterval;
  c.flush_interval_ms = 250;
  c.retention_ms = -1;
  c.retention_bytes = 123456789;
  c.cleanup_policy = CleanupPolicy::kCompact;
  c.segment_bytes = 1 << 20;
  c.delete_retention_ms = 5;
  auto back = DecodeTopicConfig(EncodeTopicConfig(c));
  ASSERT_OK(back);
  EXPECT_EQ(c, *back);
  auto defaults = DecodeTopicConfig(EncodeTopicConfig(TopicConfig{}));
  ASSERT_OK(defaults);
  EXPECT_EQ(TopicConfig{}, *defaults);
}

TEST(TopicConfigTest, EveryChangedByteIsCorruption) {
  const std::string good = EncodeTopicConfig(TopicConfig{});
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x01;
    EXPECT_EQ(StatusCode::kCorruption, DecodeTopicConfig(bad).status().code()) << i;
  }
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_EQ(StatusCode::kCorruption, DecodeTopicConfig(good.substr(0, n)).status().code()) << n;
  }
}

TEST(TopicConfigTest, UnknownOrMissingKeysAreCorruptionEvenWithAGoodChecksum) {
  auto with_body = [](const std::string& body) {
    return body + fmt::format("crc32c={:08x}\n", crc32c::Value(body));
  };
  std::string good = EncodeTopicConfig(TopicConfig{});
  std::string body = good.substr(0, good.rfind("crc32c="));
  ASSERT_OK(DecodeTopicConfig(with_body(body)));
  EXPECT_EQ(StatusCode::kCorruption,
            DecodeTopicConfig(with_body(body + "colour=red\n")).status().code());
  EXPECT_EQ(StatusCode::kCorruption,
            DecodeTopicConfig(with_body(body + "partitions=2\n")).status().code());
  std::string no_partitions = body;
  no_partitions.erase(no_partitions.find("partitions=1\n"), 13);
  EXPECT_EQ(StatusCode::kCorruption, DecodeTopicConfig(with_body(no_partitions)).status().code());
  std::string zero = body;
  zero.replace(zero.find("partitions=1"), 12, "partitions=0");
  EXPECT_EQ(StatusCode::kCorruption, DecodeTopicConfig(with_body(zero)).status().code());
}

TEST(TopicConfigTest, KeysAddedLaterAreOptionalAndRoundTrip) {
  auto with_body = [](const std::string& body) {
    return body + fmt::format("crc32c={:08x}\n", crc32c::Value(body));
  };
  TopicConfig c;
  c.cleanup_policy = CleanupPolicy::kCompactDelete;
  c.transaction_timeout_ms = 900;
  const std::string encoded = EncodeTopicConfig(c);
  EXPECT_NE(std::string::npos, encoded.find("cleanup_policy=compact,delete\n"));
  EXPECT_NE(std::string::npos, encoded.find("transaction_timeout_ms=900\n"));
  auto back = DecodeTopicConfig(encoded);
  ASSERT_OK(back);
  EXPECT_EQ(c, *back);
  // A file written before the key existed gets its default.
  std::string body = EncodeTopicConfig(TopicConfig{});
  body = body.substr(0, body.find("transaction_timeout_ms="));
  auto old = DecodeTopicConfig(with_body(body));
  ASSERT_OK(old);
  EXPECT_EQ(TopicConfig{}, *old);
  EXPECT_EQ(StatusCode::kCorruption,
            DecodeTopicConfig(with_body(body + "transaction_timeout_ms=0\n")).status().code());
}

// Kafka exempts cleanup.policy=compact topics from retention (a key's newest value
// may sit in an old segment); "compact,delete" keeps retention.
TEST(TopicConfigTest, CompactOnlyTopicsHaveNoRetention) {
  TopicConfig c;
  c.retention_ms = 1000;
  c.retention_bytes = 4096;
  c.cleanup_policy = CleanupPolicy::kCompact;
  PartitionOptions o = ToPartitionOptions(c);
  EXPECT_TRUE(o.compact);
  EXPECT_EQ(-1, o.retention_ms);
  EXPECT_EQ(-1, o.retention_bytes);
  c.cleanup_policy = CleanupPolicy::kCompactDelete;
  o = ToPartitionOptions(c);
  EXPECT_TRUE(o.compact);
  EXPECT_EQ(1000, o.retention_ms);
  EXPECT_EQ(4096, o.retention_bytes);
  c.cleanup_policy = CleanupPolicy::kDelete;
  EXPECT_FALSE(ToPartitionOptions(c).compact);
}

TEST(TopicNameTest, FollowsKafka) {
  for (const std::string& ok :
       std::vector<std::string>{"a", "clicks", "Web.Logs_2024-07", std::string(249, 'x'), "..."}) {
    EXPECT_OK(ValidateTopicName(ok));
  }
  for (const std::string& bad : std::vector<std::string>{"", ".", "..", std::string(250, 'x'),
                                                         "a/b", "a b", "caf\xc3\xa9", "a:b"}) {
    EXPECT_EQ(StatusCode::kInvalidArgument, ValidateTopicName(bad).code()) << bad;
  }
}

// Kafka's UtilsTest.testMurmur2 expectations.
TEST(PartitionerTest, Murmur2MatchesKafka) {
  EXPECT_EQ(-973932308, Murmur2("21"));
  EXPECT_EQ(-790332482, Murmur2("foobar"));
  EXPECT_EQ(-985981536, Murmur2("a-little-bit-long-string"));
  EXPECT_EQ(-1486304829, Murmur2("a-little-bit-longer-string"));
  EXPECT_EQ(-58897971, Murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"));
  EXPECT_EQ(479470107, Murmur2("abc"));
}

TEST(PartitionerTest, KeyPartitionMasksTheSignBitAndStickyMovesRoundRobin) {
  // murmur2("foobar") is negative: masked, not negated.
  EXPECT_EQ((-790332482 & 0x7fffffff) % 7, PartitionForKey("foobar", 7));
  for (int n = 1; n < 20; ++n) {
    const int32_t p = PartitionForKey("key", n);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, n);
  }
  StickyPartitioner s(2);
  EXPECT_EQ(2, s.Current(3));
  EXPECT_EQ(2, s.Current(3));
  s.NextBatch();
  EXPECT_EQ(0, s.Current(3));
  s.NextBatch();
  EXPECT_EQ(1, s.Current(3));
}

class TopicTest : public ::testing::Test {
 protected:
  std::unique_ptr<Env> env_ = NewMemEnv();
  LogStore store_{env_.get(), "/data"};
};

TEST_F(TopicTest, CreateListDescribeDelete) {
  auto none = store_.ListTopics();
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  ASSERT_OK(store_.CreateTopic("clicks", TopicConfig{.partitions = 3}));
  ASSERT_OK(store_.CreateTopic("views", TopicConfig{}));
  EXPECT_EQ(StatusCode::kAlreadyExists, store_.CreateTopic("clicks", TopicConfig{}).code());
  EXPECT_EQ(StatusCode::kInvalidArgument, store_.CreateTopic("a/b", TopicConfig{}).code());
  EXPECT_EQ(StatusCode::kInvalidArgument,
            store_.CreateTopic("x", TopicConfig{.partitions = 0}).code());
  auto list = store_.ListTopics();
  ASSERT_OK(list);
  EXPECT_EQ((std::vector<std::string>{"clicks", "views"}), *list);

  {
    auto topic = store_.OpenTopic("clicks", TopicAccess::kWrite);
    ASSERT_OK(topic);
    std::vector<Record> two = {MakeRecord("k", "v1", 1), MakeRecord("k", "v2", 2)};
    ASSERT_OK((*topic)->Append(1, two));
    auto r = (*topic)->Append(1, two);
    ASSERT_OK(r);
    EXPECT_EQ(2, r->base_offset);
    EXPECT_EQ(StatusCode::kInvalidArgument, (*topic)->Append(3, two).status().code());
  }
  auto d = store_.DescribeTopic("clicks");
  ASSERT_OK(d);
  ASSERT_EQ(3u, d->partitions.size());
  EXPECT_EQ(3, d->config.partitions);
  EXPECT_EQ(0, d->partitions[0].end_offset);
  EXPECT_EQ(0, d->partitions[1].start_offset);
  EXPECT_EQ(4, d->partitions[1].end_offset);
  EXPECT_GT(d->partitions[1].size_bytes, 0u);
  EXPECT_EQ(1u, d->partitions[1].segments.size());

  ASSERT_OK(store_.DeleteTopic("clicks"));
  EXPECT_FALSE(*env_->FileExists("/data/topics/clicks"));
  EXPECT_EQ(StatusCode::kNotFound, store_.DeleteTopic("clicks").code());
  EXPECT_EQ(StatusCode::kNotFound, store_.DescribeTopic("clicks").status().code());
  auto open = store_.OpenTopic("clicks", TopicAccess::kRead);
  EXPECT_EQ(StatusCode::kNotFound, open.status().code());
  EXPECT_NE(std::string::npos, open.status().message().find("unknown topic 'clicks'"));
  list = store_.ListTopics();
  ASSERT_OK(list);
  EXPECT_EQ((std::vector<std::string>{"views"}), *list);
  // The name can be used again, and starts empty.
  ASSERT_OK(store_.CreateTopic("clicks", TopicConfig{.partitions = 2}));
  d = store_.DescribeTopic("clicks");
  ASSERT_OK(d);
  EXPECT_EQ(2u, d->partitions.size());
  EXPECT_EQ(0, d->partitions[1].end_offset);
}

TEST_F(TopicTest, ADirectoryWithoutConfigIsNotATopicAndCreateClearsIt) {
  // What a crash between the first and the last step of a create leaves.
  ASSERT_OK(env_->CreateDirs("/data/topics/half/0"));
  ASSERT_OK(
      WriteStringToFileSync(env_.get(), "junk", "/data/topics/half/0/00000000000000000000.log"));
  auto list = store_.ListTopics();
  ASSERT_OK(list);
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(StatusCode::kNotFound, store_.OpenTopic("half", TopicAccess::kRead).status().code());
  ASSERT_OK(store_.CreateTopic("half", TopicConfig{}));
  auto d = store_.DescribeTopic("half");
  ASSERT_OK(d);
  EXPECT_EQ(0, d->partitions[0].end_offset);
}

TEST_F(TopicTest, ADamagedConfigIsReportedNotGuessed) {
  ASSERT_OK(store_.CreateTopic("t", TopicConfig{}));
  auto data = ReadFileToString(env_.get(), "/data/topics/t/topic.conf");
  ASSERT_OK(data);
  (*data)[30] ^= 0x20;
  ASSERT_OK(WriteStringToFileSync(env_.get(), *data, "/data/topics/t/topic.conf"));
  auto open = store_.OpenTopic("t", TopicAccess::kRead);
  EXPECT_EQ(StatusCode::kCorruption, open.status().code());
  EXPECT_NE(std::string::npos, open.status().message().find("topic.conf"));
  // An oversized file is refused before it is read.
  ASSERT_OK(WriteStringToFileSync(env_.get(), std::string(kMaxTopicConfigSize + 1, '#'),
                                  "/data/topics/t/topic.conf"));
  EXPECT_EQ(StatusCode::kCorruption, store_.OpenTopic("t", TopicAccess::kRead).status().code());
}

TEST_F(TopicTest, SecondWriterOfAPartitionGetsAnErrorNamingTheLock) {
  ASSERT_OK(store_.CreateTopic("clicks", TopicConfig{.partitions = 2}));
  auto w1 = store_.OpenTopic("clicks", TopicAccess::kWrite);
  auto w2 = store_.OpenTopic("clicks", TopicAccess::kWrite);
  ASSERT_OK(w1);
  ASSERT_OK(w2);
  ASSERT_OK((*w1)->GetPartition(0));
  auto second = (*w2)->GetPartition(0);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(StatusCode::kIoError, second.status().code());
  const std::string msg = second.status().message();
  EXPECT_NE(std::string::npos, msg.find("topic 'clicks' partition 0 already has a writer")) << msg;
  EXPECT_NE(std::string::npos, msg.find("/data/topics/clicks/0/writer.lock")) << msg;
  // Another partition is free, readers need no lock, and deleting needs every lock.
  ASSERT_OK((*w2)->GetPartition(1));
  auto reader = store_.OpenTopic("clicks", TopicAccess::kRead);
  ASSERT_OK(reader);
  ASSERT_OK((*reader)->GetPartition(0));
  EXPECT_EQ(StatusCode::kIoError, store_.DeleteTopic("clicks").code());
  // Closing the first writer frees the partition.
  ASSERT_OK((*w1)->Close());
  auto w3 = store_.OpenTopic("clicks", TopicAccess::kWrite);
  ASSERT_OK(w3);
  ASSERT_OK((*w3)->GetPartition(0));
}

TEST(TopicPosixTest, LockFilesWorkOnTheRealFileSystem) {
  char tmpl[] = "/tmp/weir_topic_test_XXXXXX";
  ASSERT_NE(nullptr, mkdtemp(tmpl));
  const std::string dir = tmpl;
  {
    LogStore store(Env::Default(), dir);
    ASSERT_OK(store.CreateTopic("t", TopicConfig{}));
    auto w1 = store.OpenTopic("t", TopicAccess::kWrite);
    auto w2 = store.OpenTopic("t", TopicAccess::kWrite);
    ASSERT_OK(w1);
    ASSERT_OK(w2);
    ASSERT_OK((*w1)->Append(0, std::vector<Record>{MakeRecord("k", "v", 1)}));
    auto second = (*w2)->GetPartition(0);
    EXPECT_EQ(StatusCode::kIoError, second.status().code());
    EXPECT_NE(std::string::npos, second.status().message().find(dir + "/topics/t/0/writer.lock"));
    ASSERT_OK((*w1)->Close());
    ASSERT_OK((*w2)->GetPartition(0));
    ASSERT_OK((*w2)->Close());
    ASSERT_OK(store.DeleteTopic("t"));
  }
  ASSERT_EQ(0, std::system(("rm -rf " + dir).c_str()));
}

// A reader opened while a writer appends (through its own files, as another process
// would) sees a prefix of what was written: contiguous offsets with the right bytes,
// across segment rolls, and eventually everything.
TEST(TopicPosixTest, ReaderBesideAWriterSeesAConsistentPrefix) {
  char tmpl[] = "/tmp/weir_topic_test_XXXXXX";
  ASSERT_NE(nullptr, mkdtemp(tmpl));
  const std::string dir = tmpl;
  {
    LogStore store(Env::Default(), dir);
    TopicConfig config;
    config.segment_bytes = 4096;
    config.retention_ms = -1;                   // the timestamps are from 1970
    config.durability = Durability::kInterval;  // visible on write; fsync is not the point
    ASSERT_OK(store.CreateTopic("t", config));
    constexpr int kBatches = 3000;
    std::atomic<bool> failed{false};
    std::thread writer([&] {
      auto topic = store.OpenTopic("t", TopicAccess::kWrite);
      if (!topic.ok()) {
        failed = true;
        return;
      }
      int64_t next = 0;
      for (int i = 0; i < kBatches; ++i) {
        std::vector<Record> batch;
        for (int j = 0; j < 1 + i % 3; ++j, ++next) {
          batch.push_back(MakeRecord("k", "value-" + std::to_string(next), next));
        }
        if (!(*topic)->Append(0, batch).ok()) failed = true;
      }
      if (!(*topic)->Close().ok()) failed = true;
    });
    const int64_t total = kBatches / 3 * 6;
    int64_t next = 0;
    int refreshes = 0;
    while (next < total && !failed) {
      auto topic = store.OpenTopic("t", TopicAccess::kRead);
      ASSERT_OK(topic);
      auto p = (*topic)->GetPartition(0);
      ASSERT_OK(p);
      // Keep one reader for a while, refreshing it, then open a fresh one.
      for (int round = 0; round < 50 && next < total; ++round, ++refreshes) {
        ASSERT_OK((*p)->Refresh());
        while (next < (*p)->end_offset()) {
          auto batches = (*p)->Read(next, 1 << 16);
          ASSERT_OK(batches);
          ASSERT_FALSE(batches->empty())
              << "offset " << next << " end " << (*p)->end_offset() << " segments "
              << (*p)->segments().size() << " last base " << (*p)->segments().back().base_offset
              << " last end " << (*p)->segments().back().end_offset;
          for (const RecordBatch& b : *batches) {
            for (const LogRecord& r : b.records) {
              ASSERT_EQ(next, r.offset);
              ASSERT_EQ("value-" + std::to_string(next), *r.record.value);
              ++next;
            }
          }
        }
      }
    }
    writer.join();
    ASSERT_FALSE(failed);
    EXPECT_EQ(total, next);
    EXPECT_GT(refreshes, 1);
    auto d = store.DescribeTopic("t");
    ASSERT_OK(d);
    EXPECT_GT(d->partitions[0].segments.size(), 10u);
  }
  ASSERT_EQ(0, std::system(("rm -rf " + dir).c_str()));
}

}  // namespace
}  // namespace weir::log
