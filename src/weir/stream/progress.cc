#include "weir/stream/progress.h"

#include <cmath>

#include "weir/stream/stream_internal.h"
#include "weir/types/pretty.h"
#include "weir/types/render.h"

namespace weir::stream {

namespace {

// Builds one JSON object; fields are separated by commas as they are added.
class JsonObject {
 public:
  explicit JsonObject(std::string* out) : out_(out) { out_->push_back('{'); }
  void Close() { out_->push_back('}'); }

  void Key(std::string_view key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    AppendJsonEscaped(key, out_);
    out_->append("\":");
  }
  void String(std::string_view key, std::string_view value) {
    Key(key);
    AppendString(value, out_);
  }
  void Int(std::string_view key, int64_t value) {
    Key(key);
    out_->append(std::to_string(value));
  }
  // Spark's safeDoubleToJValue: NaN and infinities leave the field out.
  void Double(std::string_view key, double value) {
    if (!std::isfinite(value)) return;
    Key(key);
    AppendJavaDouble(value, out_);
  }
  // Spark's tryParse: valid JSON is embedded, anything else becomes a string.
  void RawJson(std::string_view key, std::string_view json) {
    Key(key);
    if (!json.empty() && internal::IsValidJson(json)) {
      out_->append(json);
    } else {
      AppendString(json, out_);
    }
  }
  static void AppendString(std::string_view value, std::string* out) {
    out->push_back('"');
    AppendJsonEscaped(value, out);
    out->push_back('"');
  }

 private:
  std::string* out_;
  bool first_ = true;
};

void AppendStateOperator(const StateOperatorProgress& op, std::string* out) {
  JsonObject o(out);
  o.String("operatorName", op.operator_name);
  o.Int("numRowsTotal", op.num_rows_total);
  o.Int("numRowsUpdated", op.num_rows_updated);
  o.Int("allUpdatesTimeMs", op.all_updates_time_ms);
  o.Int("numRowsRemoved", op.num_rows_removed);
  o.Int("allRemovalsTimeMs", op.all_removals_time_ms);
  o.Int("commitTimeMs", op.commit_time_ms);
  o.Int("memoryUsedBytes", op.memory_used_bytes);
  o.Int("numRowsDroppedByWatermark", op.num_rows_dropped_by_watermark);
  o.Int("numShufflePartitions", op.num_shuffle_partitions);
  o.Int("numStateStoreInstances", op.num_state_store_instances);
  if (!op.custom_metrics.empty()) {
    o.Key("customMetrics");
    JsonObject m(out);
    for (const auto& [k, v] : op.custom_metrics) m.Int(k, v);
    m.Close();
  }
  if (!op.watermark.empty()) o.String("watermark", op.watermark);
  o.Close();
}

void AppendSource(const SourceProgress& s, std::string* out) {
  JsonObject o(out);
  o.String("description", s.description);
  o.RawJson("startOffset", s.start_offset);
  o.RawJson("endOffset", s.end_offset);
  o.RawJson("latestOffset", s.latest_offset);
  o.Int("numInputRows", s.num_input_rows);
  o.Double("inputRowsPerSecond", s.input_rows_per_second);
  o.Double("processedRowsPerSecond", s.processed_rows_per_second);
  o.Int("numMalformedRecords", s.num_malformed_records);
  o.Int("numDroppedRecords", s.num_dropped_records);
  o.Close();
}

}  // namespace

std::string QueryProgress::ToJson() const {
  std::string out;
  out.reserve(512 + 256 * sources.size());
  JsonObject o(&out);
  o.String("id", id);
  o.String("runId", run_id);
  if (name.empty()) {
    o.Key("name");
    out.append("null");
  } else {
    o.String("name", name);
  }
  o.String("timestamp", internal::FormatIsoMillis(timestamp_micros));
  o.Int("batchId", batch_id);
  o.Int("numInputRows", num_input_rows);
  o.Double("inputRowsPerSecond", input_rows_per_second);
  o.Double("processedRowsPerSecond", processed_rows_per_second);
  if (!duration_ms.empty()) {
    o.Key("durationMs");
    JsonObject d(&out);
    for (const auto& [k, v] : duration_ms) d.Int(k, v);
    d.Close();
  }
  if (!event_time.empty()) {
    o.Key("eventTime");
    JsonObject e(&out);
    for (const auto& [k, v] : event_time) e.String(k, v);
    e.Close();
  }
  o.Key("stateOperators");
  out.push_back('[');
  for (size_t i = 0; i < state_operators.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendStateOperator(state_operators[i], &out);
  }
  out.push_back(']');
  o.Key("sources");
  out.push_back('[');
  for (size_t i = 0; i < sources.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendSource(sources[i], &out);
  }
  out.push_back(']');
  o.Key("sink");
  JsonObject k(&out);
  k.String("description", sink.description);
  k.Int("numOutputRows", sink.num_output_rows);
  k.String("deliveryGuarantee", sink.exactly_once ? "exactly-once" : "at-least-once");
  k.Close();
  o.Close();
  return out;
}

}  // namespace weir::stream
