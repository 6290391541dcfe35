// Private parts of the `kafka` source and sink (kafka_source.cc, kafka_reader.cc,
// kafka_sink.cc, kafka_client.cc): client handles over librdkafka's C API, the
// source's offsets, and the table a Read returns. docs/connectors.md ("kafka") is the
// user's view.
//
// Offsets are Spark's Kafka source offsets, {"clicks":{"0":42,"1":17},"views":{"0":3}}:
// per topic and partition, the next offset to read. Topics and partitions are written
// in ascending order, so equal positions give equal text (the engine compares offsets
// as text).
//
// Thread-safety: librdkafka handles are thread-safe; the free functions here are too.
// KafkaConsumerPool is thread-safe; a KafkaPartitionCursor is used by one thread.

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "weir/common/result.h"
#include "weir/formats/file_table.h"
#include "weir/plan/table.h"
#include "weir/stream/connector_registry.h"
#include "weir/stream/source.h"

namespace weir::connectors {

// ---- Client handles --------------------------------------------------------------

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

struct KafkaTopicDeleter {
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};
using KafkaTopicHandle = std::unique_ptr<rd_kafka_topic_t, KafkaTopicDeleter>;

struct KafkaMessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using KafkaMessage = std::unique_ptr<rd_kafka_message_t, KafkaMessageDeleter>;

// Client settings in the order they are applied: librdkafka property -> value.
using KafkaSettings = std::vector<std::pair<std::string, std::string>>;

// The `kafka.`-prefixed options without their prefix (Spark passes them to the Kafka
// client the same way). Keys are lower-case (stream::Options lower-cases them), as
// every librdkafka property is.
KafkaSettings KafkaClientSettings(const stream::Options& options);

// A client of `type`: `defaults` first, then the user's `settings` (which may override
// them), then `fixed` (weir's settings the connector's correctness depends on). A bad
// setting is INVALID_OPTION naming the option as the user wrote it ('kafka.<key>').
// Routes librdkafka's log lines to weir's log. `configure`, when set, is applied to the
// configuration last (callbacks, opaque).
Result<KafkaHandle> NewKafkaClient(rd_kafka_type_t type, const KafkaSettings& defaults,
                                   const KafkaSettings& settings, const KafkaSettings& fixed,
                                   std::string_view what,
                                   const std::function<void(rd_kafka_conf_t*)>& configure = {});

// An I/O error carrying librdkafka's error name and text: "<context>: Broker: Unknown
// topic or partition (UNKNOWN_TOPIC_OR_PART)".
Status KafkaError(rd_kafka_resp_err_t err, std::string_view context);
Status KafkaError(const rd_kafka_error_t* err, std::string_view context);

// Every topic of the cluster with its partition count (one metadata request). Topics
// whose metadata reports an error (being created, deleted) are left out.
Result<std::map<std::string, int32_t>> KafkaListTopics(rd_kafka_t* rk, int timeout_ms,
                                                       std::string_view what);

// The partition's low and high watermarks from the leader (a ListOffsets request).
// For a client with isolation.level=read_committed the high one is the last stable
// offset.
Result<std::pair<int64_t, int64_t>> KafkaWatermarks(rd_kafka_t* rk, const std::string& topic,
                                                    int32_t partition, int timeout_ms,
                                                    std::string_view what);

// ---- Offsets ---------------------------------------------------------------------

using TopicPartition = std::pair<std::string, int32_t>;
// (topic, partition) -> offset, ordered by topic then partition.
using KafkaOffsets = std::map<TopicPartition, int64_t>;

// In startingOffsets/endingOffsets JSON: -2 means earliest, -1 latest (as in Spark).
inline constexpr int64_t kKafkaEarliest = -2;
inline constexpr int64_t kKafkaLatest = -1;

// {"clicks":{"0":42,"1":17},"views":{"0":3}}; {} for no partitions.
stream::Offset FormatKafkaOffsets(const KafkaOffsets& offsets);

// Parses FormatKafkaOffsets' text (any whitespace, topics and partitions in any
// order). Offsets may be -2 and -1; the caller checks ranges. InvalidArgument naming
// `what` on anything else; never crashes.
Result<KafkaOffsets> ParseKafkaOffsets(std::string_view text, std::string_view what);

// Parses the `assign` option, {"clicks":[0,1],"views":[0]}.
Result<std::vector<TopicPartition>> ParseKafkaAssign(std::string_view text, std::string_view what);

// Spark's rate limit (RateLimitOffsets in log_source_internal.h) over every topic's
// partitions: `limit` offsets spread in proportion to each partition's backlog.
KafkaOffsets RateLimitKafkaOffsets(const KafkaOffsets& from, const KafkaOffsets& until,
                                   int64_t limit);

// ---- Reading ---------------------------------------------------------------------

// Counters shared by a source and the tables it hands out.
struct KafkaReadCounters {
  std::atomic<int64_t> malformed{0};
  std::atomic<int64_t> dropped{0};
  std::atomic<int64_t> lost{0};  // offsets skipped because the cluster no longer has them
};

class KafkaConsumerPool;

// One partition consumed from one client of a KafkaConsumerPool (librdkafka's
// per-partition "simple consumer" API, assigned explicitly: no consumer group).
// Returned to the pool when destroyed, positioned where its reader stopped, so that
// the next epoch's read continues from what the client has already fetched.
//
// Thread-safety: used by one thread.
class KafkaPartitionCursor {
 public:
  ~KafkaPartitionCursor();
  KafkaPartitionCursor(const KafkaPartitionCursor&) = delete;
  KafkaPartitionCursor& operator=(const KafkaPartitionCursor&) = delete;

  // Up to `max` messages (or consumer events: EOF, errors) from the partition, waiting
  // up to `timeout_ms` for the first; an empty vector on timeout. Messages held back
  // by a previous reader (past its range) come first.
  Result<std::vector<KafkaMessage>> Poll(size_t max, int timeout_ms);
  // Restarts consumption at `offset` (after data loss: the oldest offset held).
  Status Restart(int64_t offset);
  // The reader is done; the partition continues at `next`. `held` are messages past
  // the reader's range that it polled: the next reader gets them first. Without a
  // call to Finish (an error), the pool restarts the partition before its next use.
  void Finish(int64_t next, std::vector<KafkaMessage> held);

  const std::string& topic() const { return topic_; }
  int32_t partition() const { return partition_; }

 private:
  friend class KafkaConsumerPool;
  KafkaPartitionCursor(std::shared_ptr<KafkaConsumerPool> pool, size_t client, std::string topic,
                       int32_t partition);

  std::shared_ptr<KafkaConsumerPool> pool_;
  size_t client_;
  std::string topic_;
  int32_t partition_;
  rd_kafka_topic_t* rkt_ = nullptr;  // owned by the pool's client
  std::vector<KafkaMessage> held_;
  bool finished_ = false;
  int64_t next_ = -1;
};

// The consumer clients of one source, shared with the tables it hands out (a batch
// read's table outlives its source). Each client consumes any number of partitions;
// a partition is consumed by at most one cursor of a client at a time, so a second
// concurrent reader of the same partition (minPartitions splits) gets another client.
//
// Thread-safety: thread-safe.
class KafkaConsumerPool : public std::enable_shared_from_this<KafkaConsumerPool> {
 public:
  KafkaConsumerPool(KafkaSettings defaults, KafkaSettings settings, KafkaSettings fixed,
                    std::string what);
  ~KafkaConsumerPool();

  // A cursor over `topic`/`partition` whose next message is at `from` or later
  // (partitions already started at `from` are reused as they are).
  Result<std::unique_ptr<KafkaPartitionCursor>> Acquire(const std::string& topic, int32_t partition,
                                                        int64_t from);
  // A client for metadata and watermark requests (created on first use).
  Result<rd_kafka_t*> MetadataClient();
  const std::string& what() const { return what_; }

 private:
  friend class KafkaPartitionCursor;
  struct PartitionState {
    bool started = false;
    bool busy = false;
    int64_t next = -1;               // the offset the queue continues at; -1 unknown
    std::vector<KafkaMessage> held;  // polled past the previous reader's range
  };
  struct Client {
    KafkaHandle rk;
    std::map<std::string, KafkaTopicHandle> topics;
    std::map<TopicPartition, PartitionState> partitions;
  };

  void Release(KafkaPartitionCursor* cursor);
  Result<rd_kafka_topic_t*> Topic(Client* client, const std::string& topic);

  const KafkaSettings defaults_;
  const KafkaSettings settings_;
  const KafkaSettings fixed_;
  const std::string what_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Client>> clients_;  // guarded by mu_
  KafkaHandle metadata_;                          // guarded by mu_
};

// What a Kafka table reads: one scan partition per range, [from, until) of a Kafka
// partition.
struct KafkaRange {
  std::string topic;
  int32_t partition = 0;
  int64_t from = 0;
  int64_t until = 0;
};

struct KafkaReadSpec {
  std::shared_ptr<KafkaConsumerPool> pool;
  std::vector<KafkaRange> ranges;
  bool fail_on_data_loss = true;
  int poll_timeout_ms = 120000;  // kafkaConsumer.pollTimeoutMs
  // Set: values are decoded with it into `schema`; unset: `schema` is the raw columns.
  std::shared_ptr<const formats::FileFormat> format;
  SchemaPtr schema;
  std::shared_ptr<KafkaReadCounters> counters;
  std::string source_name;  // for messages
};

plan::TableProviderPtr MakeKafkaTable(KafkaReadSpec spec);

// Splits ranges so that there are at least `min_partitions` (Spark's minPartitions):
// the largest ranges are cut into equal parts, in proportion to their size.
std::vector<KafkaRange> SplitKafkaRanges(std::vector<KafkaRange> ranges, int64_t min_partitions);

Status KafkaDataLossError(std::string_view source_name, const std::string& topic, int32_t partition,
                          int64_t wanted, int64_t available, std::string_view why);

Result<stream::SourcePtr> MakeKafkaSource(const stream::ConnectorContext& ctx);
Result<stream::SinkPtr> MakeKafkaSink(const stream::ConnectorContext& ctx);

}  // namespace weir::connectors
