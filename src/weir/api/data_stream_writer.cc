// DataStreamWriter (include/weir/streaming.h): a streaming DataFrame becomes a running
// query, as INSERT INTO makes one (session_streaming.cc): the plan's streams are
// numbered, each gets its Source, the sink is made, and the session's query manager
// starts the query.

#include <chrono>

#include "weir/api/dataframe_internal.h"
#include "weir/connectors/builtin.h"
#include "weir/functions/registry.h"
#include "weir/streaming.h"

namespace weir {

namespace {

// The plan with its streams numbered in plan order (the order the checkpoint records
// the sources in), and the streams in that order.
Status NumberStreams(const api::DataFrameState& frame, plan::LogicalPlanPtr* plan,
                     std::vector<const api::StreamInputDef*>* streams) {
  std::vector<const stream::StreamInputTable*> seen;
  std::vector<std::shared_ptr<const stream::StreamInputTable>> renumbered;
  ASSIGN_OR_RAISE(
      *plan, plan::TransformUp(
                 frame.plan, [&](const plan::LogicalPlanPtr& node) -> Result<plan::LogicalPlanPtr> {
                   if (node->kind() != plan::LogicalKind::kScan) return node;
                   const auto& scan = static_cast<const plan::ScanNode&>(*node);
                   const auto* table =
                       dynamic_cast<const stream::StreamInputTable*>(scan.table().get());
                   if (table == nullptr) return node;
                   size_t i = 0;
                   while (i < seen.size() && seen[i] != table) ++i;
                   if (i == seen.size()) {
                     const api::StreamInputDef* def = nullptr;
                     for (const api::StreamInputDef& d : frame.inputs) {
                       if (d.table.get() == table) def = &d;
                     }
                     if (def == nullptr) return Status::Internal("a stream of the plan is unknown");
                     seen.push_back(table);
                     streams->push_back(def);
                     renumbered.push_back(std::make_shared<stream::StreamInputTable>(
                         static_cast<int>(i), def->name, def->schema));
                   }
                   return plan::LogicalPlanPtr(std::make_shared<plan::ScanNode>(
                       renumbered[i], scan.columns(), scan.filters()));
                 }));
  return Status::OK();
}

void StopAll(const std::vector<stream::SourcePtr>& sources, const stream::SinkPtr& sink) {
  for (const stream::SourcePtr& s : sources) s->Stop();
  if (sink != nullptr) sink->Stop();
}

}  // namespace

DataStreamWriter& DataStreamWriter::format(std::string_view sink) {
  format_ = std::string(sink);
  return *this;
}

DataStreamWriter& DataStreamWriter::option(std::string_view key, std::string_view value) {
  api::SetOptionValue(&options_, key, std::string(value));
  return *this;
}

DataStreamWriter& DataStreamWriter::option(std::string_view key, int64_t value) {
  return option(key, std::to_string(value));
}

DataStreamWriter& DataStreamWriter::outputMode(std::string_view mode) {
  output_mode_ = std::string(mode);
  return *this;
}

DataStreamWriter& DataStreamWriter::trigger(const Trigger& trigger) {
  trigger_ = trigger.text();
  return *this;
}

DataStreamWriter& DataStreamWriter::queryName(std::string_view name) {
  query_name_ = std::string(name);
  return *this;
}

DataStreamWriter& DataStreamWriter::lateRows(
    std::string_view sink, std::vector<std::pair<std::string, std::string>> options) {
  late_format_ = std::string(sink);
  late_options_ = std::move(options);
  return *this;
}

DataStreamWriter& DataStreamWriter::foreachBatch(ForeachBatchFunction fn) {
  foreach_batch_ = std::move(fn);
  return *this;
}

Result<StreamingQueryPtr> DataStreamWriter::start(std::string_view path) {
  option("path", path);
  return start();
}

Result<StreamingQueryPtr> DataStreamWriter::start() {
  const api::DataFrameState& frame = *frame_.state_;
  if (frame.inputs.empty()) {
    return Status::Unsupported("'writeStream' can be called only on streaming Dataset/DataFrame")
        .WithHint(
            "read a stream with ReadStream() or a MemoryStream; Collect() runs a batch query");
  }
  if (!foreach_batch_ && format_.empty()) {
    return Status::InvalidArgument("WriteStream() needs a sink: call format() or foreachBatch().")
        .WithHint("format(\"memory\"), \"console\", \"file\", \"log\", ...");
  }
  api::Session& s = *frame.session;
  stream::QuerySpec spec;
  spec.name = query_name_;
  const std::string* checkpoint = api::FindOptionValue(options_, "checkpointLocation");
  // Empty: the manager makes a temporary checkpoint, deleted when the query stops.
  spec.checkpoint_location = checkpoint != nullptr ? *checkpoint : "";
  ASSIGN_OR_RAISE(spec.output_mode, stream::ParseOutputMode(output_mode_));
  if (s.options().trigger_override) {
    spec.trigger = *s.options().trigger_override;
  } else {
    ASSIGN_OR_RAISE(spec.trigger, stream::ParseTrigger(trigger_));
  }
  s.ApplyStreamingSettings(&spec);
  std::vector<const api::StreamInputDef*> streams;
  RETURN_NOT_OK(NumberStreams(frame, &spec.plan, &streams));

  // Sources that keep metadata (the file source's seen files, a socket's write-ahead
  // log) keep it with the checkpoint; a temporary checkpoint's under the data dir.
  const std::string metadata_root =
      !spec.checkpoint_location.empty()
          ? spec.checkpoint_location
          : s.options().data_dir + "/tmp/stream-" +
                std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (size_t i = 0; i < streams.size(); ++i) {
    const api::StreamInputDef& def = *streams[i];
    stream::ConnectorContext ctx;
    ctx.name = def.name;
    ctx.schema = def.schema;
    ctx.options = stream::Options(def.options);
    ctx.env = s.env();
    ctx.clock = s.clock();
    ctx.data_dir = s.options().data_dir;
    ctx.metadata_dir = metadata_root + "/sources/" + std::to_string(i);
    ctx.local_tables = &s.local_tables();
    ctx.query_name = spec.name;
    Result<stream::SourcePtr> made = s.connectors().MakeSource(def.connector, ctx);
    if (!made.ok()) {
      StopAll(spec.sources, nullptr);
      return made.status();
    }
    spec.sources.push_back(std::move(*made));
    spec.watermarks.push_back(def.watermark);
  }

  if (foreach_batch_) {
    spec.sink = connectors::MakeForeachBatchSink(foreach_batch_);
  } else {
    std::vector<std::pair<std::string, std::string>> sink_options = options_;
    api::SetOptionValue(&sink_options, "connector", AsciiLower(format_));
    stream::ConnectorContext ctx;
    // What errors call the sink. Not the format for a memory sink, whose table an
    // unnamed query must not get ("queryName must be specified for memory sink").
    const bool memory = EqualsIgnoreCase(format_, "memory");
    ctx.name = !spec.name.empty() || memory ? spec.name : AsciiLower(format_);
    ctx.schema = spec.plan->schema();
    ctx.options = stream::Options(sink_options);
    ctx.env = s.env();
    ctx.clock = s.clock();
    ctx.data_dir = s.options().data_dir;
    ctx.local_tables = &s.local_tables();
    ctx.query_name = spec.name;
    Result<stream::SinkPtr> made = s.connectors().MakeSink(AsciiLower(format_), ctx);
    if (!made.ok()) {
      StopAll(spec.sources, nullptr);
      return made.status();
    }
    spec.sink = std::move(*made);
  }
  if (!late_format_.empty()) {
    std::vector<std::pair<std::string, std::string>> late_options = late_options_;
    api::SetOptionValue(&late_options, "connector", AsciiLower(late_format_));
    const std::string* late_name = api::FindOptionValue(late_options, "queryName");
    stream::ConnectorContext ctx;
    ctx.name = late_name != nullptr ? *late_name : "late rows";
    ctx.options = stream::Options(late_options);
    ctx.env = s.env();
    ctx.clock = s.clock();
    ctx.data_dir = s.options().data_dir;
    ctx.local_tables = &s.local_tables();
    ctx.query_name = late_name != nullptr ? *late_name : "";
    Result<stream::SinkPtr> made = s.connectors().MakeSink(AsciiLower(late_format_), ctx);
    if (!made.ok()) {
      StopAll(spec.sources, spec.sink);
      return made.status();
    }
    spec.late_rows_sink = std::move(*made);
  }
  const std::vector<stream::SourcePtr> sources = spec.sources;
  const stream::SinkPtr sink = spec.sink;
  const stream::SinkPtr late_sink = spec.late_rows_sink;
  Result<StreamingQueryPtr> started = s.queries().Start(std::move(spec));
  if (!started.ok()) {
    StopAll(sources, sink);
    if (late_sink != nullptr) late_sink->Stop();
  }
  return started;
}

}  // namespace weir
