// The configuration of a topic and its file, `<data-dir>/topics/<topic>/topic.conf`
// (docs/log_format.md section 7): written once when the topic is created, durably and
// with a checksum, and read by every process that opens the topic.
//
// Thread-safety: value types and free functions; safe to use concurrently on
// distinct objects.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/partition.h"

namespace weir::log {

enum class CleanupPolicy : uint8_t {
  kDelete,  // retention deletes old segments
  // Compaction keeps the latest value per key, and retention deletes nothing, as for
  // Kafka's cleanup.policy=compact: the newest value of a key may be old, and must
  // stay.
  kCompact,
  // Both: compaction, and retention by time and size (Kafka's "compact,delete").
  kCompactDelete,
};

// Every field documents its default, which is Kafka's where Kafka has one.
struct TopicConfig {
  // Number of partitions, 1 to kMaxPartitions. Default 1.
  int32_t partitions = 1;
  // Default kFsync: an append is acknowledged once durable.
  Durability durability = Durability::kFsync;
  // For kInterval: the longest time appended data stays unsynced. Default 1000.
  int64_t flush_interval_ms = 1000;
  // Segments whose records are all older than this are deleted; -1 keeps them
  // forever. Default 7 days (Kafka's retention.ms).
  int64_t retention_ms = int64_t{7} * 24 * 3600 * 1000;
  // Per partition; -1 means no limit. Default -1 (Kafka's retention.bytes).
  int64_t retention_bytes = -1;
  // Default kDelete.
  CleanupPolicy cleanup_policy = CleanupPolicy::kDelete;
  // A segment rolls before it would exceed this size. Default 1 GiB.
  int64_t segment_bytes = int64_t{1} << 30;
  // For kCompact: how long a tombstone (null value) is kept. Default 1 day (Kafka's
  // delete.retention.ms).
  int64_t delete_retention_ms = int64_t{24} * 3600 * 1000;
  // A transaction open longer than this is aborted by the partition's writer. Default
  // 60000 (Kafka's transaction.timeout.ms); at least 1.
  int64_t transaction_timeout_ms = 60000;
  bool operator==(const TopicConfig&) const = default;
};

inline constexpr int32_t kMaxPartitions = 10000;
// The largest topic.conf a reader accepts.
inline constexpr uint64_t kMaxTopicConfigSize = 64 << 10;
inline constexpr std::string_view kTopicConfigFileName = "topic.conf";

// InvalidArgument naming the field for a value out of range.
Status ValidateTopicConfig(const TopicConfig& config);

// The file's bytes (docs/log_format.md section 7).
std::string EncodeTopicConfig(const TopicConfig& config);
// Corruption for a bad checksum, a missing, unknown or repeated key, or a bad value.
// REQUIRES: data.size() <= kMaxTopicConfigSize (the caller checks before reading).
Result<TopicConfig> DecodeTopicConfig(std::string_view data);

// The options a partition of the topic is opened with. kCompact turns retention off
// (retention_ms and retention_bytes -1).
PartitionOptions ToPartitionOptions(const TopicConfig& config);

// Topic names follow Kafka: 1 to 249 characters of [a-zA-Z0-9._-], and not "." or
// "..". InvalidArgument naming the problem otherwise.
Status ValidateTopicName(std::string_view name);

// "fsync" / "interval" and "delete" / "compact" / "compact,delete", and back
// (InvalidArgument).
std::string_view DurabilityName(Durability d);
Result<Durability> ParseDurability(std::string_view s);
std::string_view CleanupPolicyName(CleanupPolicy p);
Result<CleanupPolicy> ParseCleanupPolicy(std::string_view s);

}  // namespace weir::log
