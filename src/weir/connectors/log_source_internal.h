// Private parts of the `log` source and sink (log_source.cc, log_reader.cc,
// log_sink.cc): their offsets, the source's raw columns and the table a Read returns.
// docs/connectors.md ("log") is the user's view.
//
// Offsets are Spark's Kafka source offsets, {"weblogs":{"0":42,"1":17}}: per
// partition, the next offset to read. Partitions are written in ascending order, so
// equal positions give equal text (the engine compares offsets as text).
//
// Thread-safety: free functions; LogTable is immutable and its readers are used by one
// thread each.

#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "weir/common/result.h"
#include "weir/formats/file_table.h"
#include "weir/log/partition.h"
#include "weir/log/topic.h"
#include "weir/plan/table.h"
#include "weir/stream/connector_registry.h"
#include "weir/stream/source.h"

namespace weir::connectors {

// Partition -> offset.
using PartitionOffsets = std::map<int32_t, int64_t>;

// In startingOffsets JSON: -2 means earliest, -1 latest (as in Spark).
inline constexpr int64_t kEarliestOffset = -2;
inline constexpr int64_t kLatestOffset = -1;

// {"<topic>":{"0":42,"1":17}}.
stream::Offset FormatLogOffsets(std::string_view topic, const PartitionOffsets& offsets);

// Parses FormatLogOffsets' text (any whitespace, partitions in any order). Offsets may
// be -2 and -1 (startingOffsets); the caller checks ranges. InvalidArgument naming
// `what` when the text is not such an object or names another topic; never crashes.
Result<PartitionOffsets> ParseLogOffsets(std::string_view text, std::string_view topic,
                                         std::string_view what);

// Spark's KafkaMicroBatchStream.rateLimit: spreads `limit` offsets over the partitions
// in proportion to how far each one's `until` is ahead of its `from`; a partition that
// is behind gets at least one offset; no end passes `until`.
PartitionOffsets RateLimitOffsets(const PartitionOffsets& from, const PartitionOffsets& until,
                                  int64_t limit);

// The raw columns (as Spark's Kafka source): key BINARY, value BINARY, topic STRING,
// partition INT, offset BIGINT, timestamp TIMESTAMP, timestampType INT, and with
// `headers` also headers ARRAY<STRUCT<key: STRING, value: BINARY>>.
SchemaPtr LogRawSchema(bool headers);

// How a log or Kafka source (`connector`: "log" or "kafka") turns records into rows:
// with `format` (json or csv), the record's value decoded into the declared columns,
// which must be there; without one, the raw columns, or the declared ones when they
// are those (key and value may be STRING instead of BINARY; headers are there with
// includeHeaders). An error naming the source, with a hint, otherwise.
struct RecordDecoding {
  std::shared_ptr<const formats::FileFormat> format;  // null: raw columns
  SchemaPtr schema;
};
Result<RecordDecoding> ResolveRecordDecoding(const stream::ConnectorContext& ctx, bool headers,
                                             std::string_view connector);

// Counters shared by a source and the tables it hands out.
struct LogReadCounters {
  std::atomic<int64_t> malformed{0};
  std::atomic<int64_t> dropped{0};
  std::atomic<int64_t> lost{0};  // offsets skipped because retention deleted them
};

// What a LogTable reads: one TableProvider partition per log partition, offsets
// [from[p], until[p]) of log partition p.
struct LogReadSpec {
  std::shared_ptr<log::Topic> topic;  // opened with TopicAccess::kRead
  PartitionOffsets from;
  PartitionOffsets until;
  log::IsolationLevel isolation = log::IsolationLevel::kReadCommitted;
  bool fail_on_data_loss = true;
  // Set: values are decoded with it into `schema`; unset: `schema` is the raw columns
  // (key and value may be declared STRING instead of BINARY).
  std::shared_ptr<const formats::FileFormat> format;
  SchemaPtr schema;
  std::shared_ptr<LogReadCounters> counters;
  std::string source_name;  // for messages
};

plan::TableProviderPtr MakeLogTable(LogReadSpec spec);

// The error for offsets retention deleted, naming topic, partition and offsets.
Status DataLossError(std::string_view source_name, std::string_view topic, int32_t partition,
                     int64_t wanted, int64_t start_offset);

}  // namespace weir::connectors
