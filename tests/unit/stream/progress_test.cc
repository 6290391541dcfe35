// QueryProgress::ToJson: Spark's StreamingQueryProgress.json field names, order and
// value rendering, plus weir's additions.

#include "weir/stream/progress.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace weir::stream {
namespace {

QueryProgress Sample() {
  QueryProgress p;
  p.id = "4bd7b9d4-0c5e-4b0e-9a49-52b3c0a1f2d1";
  p.run_id = "5e1f6a2b-0000-4000-8000-000000000001";
  p.name = "q";
  p.timestamp_micros = 1719792000000000;  // 2024-07-01T00:00:00Z
  p.batch_id = 3;
  p.num_input_rows = 10;
  p.input_rows_per_second = 5.0;
  p.processed_rows_per_second = 100.0;
  p.duration_ms = {{"triggerExecution", 5}, {"addBatch", 3},      {"getBatch", 0},
                   {"latestOffset", 0},     {"queryPlanning", 1}, {"walCommit", 1}};
  SourceProgress s;
  s.description = "MemoryStream[events]";
  s.start_offset = "{\"batch\":2}";
  s.end_offset = "{\"batch\":3}";
  s.latest_offset = "{\"batch\":3}";
  s.num_input_rows = 10;
  s.input_rows_per_second = 5.0;
  s.processed_rows_per_second = 100.0;
  s.num_malformed_records = 2;
  s.num_dropped_records = 1;
  p.sources.push_back(s);
  p.sink.description = "MemorySink";
  p.sink.num_output_rows = 10;
  return p;
}

TEST(ProgressTest, SparkShape) {
  EXPECT_EQ(Sample().ToJson(),
            "{\"id\":\"4bd7b9d4-0c5e-4b0e-9a49-52b3c0a1f2d1\","
            "\"runId\":\"5e1f6a2b-0000-4000-8000-000000000001\",\"name\":\"q\","
            "\"timestamp\":\"2024-07-01T00:00:00.000Z\",\"batchId\":3,\"numInputRows\":10,"
            "\"inputRowsPerSecond\":5.0,\"processedRowsPerSecond\":100.0,"
            "\"durationMs\":{\"addBatch\":3,\"getBatch\":0,\"latestOffset\":0,"
            "\"queryPlanning\":1,\"triggerExecution\":5,\"walCommit\":1},"
            "\"stateOperators\":[],"
            "\"sources\":[{\"description\":\"MemoryStream[events]\","
            "\"startOffset\":{\"batch\":2},\"endOffset\":{\"batch\":3},"
            "\"latestOffset\":{\"batch\":3},\"numInputRows\":10,\"inputRowsPerSecond\":5.0,"
            "\"processedRowsPerSecond\":100.0,\"numMalformedRecords\":2,"
            "\"numDroppedRecords\":1}],"
            "\"sink\":{\"description\":\"MemorySink\",\"numOutputRows\":10,"
            "\"deliveryGuarantee\":\"exactly-once\"}}");
}

TEST(ProgressTest, NullNameNonJsonOffsetsAndEscaping) {
  QueryProgress p = Sample();
  p.name = "";
  p.sources[0].description = "a \"quoted\"\nname";
  p.sources[0].start_offset = "null";
  p.sources[0].end_offset = "not json";
  p.sink.exactly_once = false;
  p.sink.num_output_rows = -1;
  const std::string json = p.ToJson();
  EXPECT_NE(json.find("\"name\":null,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"description\":\"a \\\"quoted\\\"\\nname\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"startOffset\":null,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"endOffset\":\"not json\","), std::string::npos) << json;
  EXPECT_NE(json.find("\"numOutputRows\":-1,\"deliveryGuarantee\":\"at-least-once\""),
            std::string::npos)
      << json;
}

TEST(ProgressTest, DoublesRenderAsJavaAndNonFiniteRatesAreLeftOut) {
  QueryProgress p = Sample();
  p.input_rows_per_second = std::numeric_limits<double>::quiet_NaN();
  p.processed_rows_per_second = 1.5e7;
  p.sources[0].input_rows_per_second = std::numeric_limits<double>::infinity();
  p.sources[0].processed_rows_per_second = 0.0;
  const std::string json = p.ToJson();
  EXPECT_EQ(json.find("\"inputRowsPerSecond\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"processedRowsPerSecond\":1.5E7"), std::string::npos) << json;
  EXPECT_NE(json.find("\"processedRowsPerSecond\":0.0"), std::string::npos) << json;
}

TEST(ProgressTest, EventTimeAndStateOperators) {
  QueryProgress p = Sample();
  p.duration_ms.clear();
  p.event_time = {{"watermark", "2024-07-01T00:00:00.000Z"}, {"max", "2024-07-01T00:01:00.000Z"}};
  StateOperatorProgress op;
  op.operator_name = "stateStoreSave";
  op.num_rows_total = 4;
  op.custom_metrics = {{"b", 2}, {"a", 1}};
  p.state_operators.push_back(op);
  const std::string json = p.ToJson();
  EXPECT_EQ(json.find("durationMs"), std::string::npos);
  EXPECT_NE(json.find("\"eventTime\":{\"max\":\"2024-07-01T00:01:00.000Z\","
                      "\"watermark\":\"2024-07-01T00:00:00.000Z\"},"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"stateOperators\":[{\"operatorName\":\"stateStoreSave\","
                      "\"numRowsTotal\":4,\"numRowsUpdated\":0,\"allUpdatesTimeMs\":0,"
                      "\"numRowsRemoved\":0,\"allRemovalsTimeMs\":0,\"commitTimeMs\":0,"
                      "\"memoryUsedBytes\":0,\"numRowsDroppedByWatermark\":0,"
                      "\"numShufflePartitions\":0,\"numStateStoreInstances\":0,"
                      "\"customMetrics\":{\"a\":1,\"b\":2}}]"),
            std::string::npos)
      << json;
}

TEST(ProgressTest, TimestampKeepsMillisecondsInUtc) {
  QueryProgress p = Sample();
  p.timestamp_micros = 1719792000123999;
  EXPECT_NE(p.ToJson().find("\"timestamp\":\"2024-07-01T00:00:00.123Z\""), std::string::npos);
}

}  // namespace
}  // namespace weir::stream
