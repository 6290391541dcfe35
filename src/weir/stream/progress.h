// Progress of a streaming query, shaped like Spark's StreamingQueryProgress, emitted
// after every epoch (and by idle queries every `idle progress interval`).
//
// ToJson() prints Spark's field names in Spark's order, so tools written for Spark's
// progress JSON read weir's:
//   {"id":"...","runId":"...","name":"q","timestamp":"2024-07-01T00:00:00.000Z",
//    "batchId":3,"numInputRows":10,"inputRowsPerSecond":5.0,
//    "processedRowsPerSecond":100.0,
//    "durationMs":{"addBatch":3,"getBatch":0,"latestOffset":0,"queryPlanning":1,
//                  "triggerExecution":5,"walCommit":1},
//    "eventTime":{...},"stateOperators":[...],
//    "sources":[{"description":"...","startOffset":...,"endOffset":...,
//                "latestOffset":...,"numInputRows":10,"inputRowsPerSecond":5.0,
//                "processedRowsPerSecond":100.0, "metrics":{...}}],
//    "sink":{"description":"...","numOutputRows":10}}
// plus weir's additions, which Spark tools ignore: "sink":{"deliveryGuarantee":
// "exactly-once"|"at-least-once"}, per-source "numMalformedRecords" and
// "numDroppedRecords".
//
// As Spark's StreamingQueryProgress.json: a rate that is NaN or infinite (no time
// elapsed) is left out, as are empty maps (eventTime, metrics); doubles print as
// Java does ("5.0", "1.0E7"); offsets that are valid JSON are embedded, others are
// quoted strings.
//
// Thread-safety: values.

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace weir::stream {

struct SourceProgress {
  std::string description;
  std::string start_offset;   // JSON text, "null" before the first epoch
  std::string end_offset;     // JSON text
  std::string latest_offset;  // JSON text
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  int64_t num_malformed_records = 0;
  int64_t num_dropped_records = 0;
};

struct StateOperatorProgress {
  std::string operator_name;
  int64_t num_rows_total = 0;
  int64_t num_rows_updated = 0;
  int64_t all_updates_time_ms = 0;
  int64_t num_rows_removed = 0;
  int64_t all_removals_time_ms = 0;
  int64_t commit_time_ms = 0;
  int64_t memory_used_bytes = 0;
  int64_t num_rows_dropped_by_watermark = 0;
  int64_t num_shuffle_partitions = 0;
  int64_t num_state_store_instances = 0;
  std::map<std::string, int64_t> custom_metrics;
  // weir's: the operator's input watermark in the epoch, ISO-8601 UTC (empty: none),
  // printed after customMetrics as "watermark".
  std::string watermark;
};

struct SinkProgress {
  std::string description;
  int64_t num_output_rows = -1;  // -1: unknown (Spark's convention)
  bool exactly_once = true;
};

struct QueryProgress {
  std::string id;
  std::string run_id;
  std::string name;          // empty: JSON null
  int64_t timestamp_micros;  // when the trigger started
  int64_t batch_id = 0;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  std::map<std::string, int64_t> duration_ms;  // addBatch, getBatch, latestOffset, ...
  // eventTime: min, max, avg, watermark as ISO-8601 UTC text; empty when unknown.
  std::map<std::string, std::string> event_time;
  std::vector<StateOperatorProgress> state_operators;
  std::vector<SourceProgress> sources;
  SinkProgress sink;

  std::string ToJson() const;
};

}  // namespace weir::stream
