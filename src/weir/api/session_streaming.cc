// INSERT INTO <sink> SELECT ...: turning a bound query over sources into a running
// streaming query (docs/streaming.md).

#include "weir/api/session.h"
#include "weir/api/session_internal.h"
#include "weir/functions/registry.h"
#include "weir/plan/binder.h"
#include "weir/sql/parser.h"
#include "weir/types/builder.h"

namespace weir::api {

namespace {

std::string OptionOr(const CatalogObject& object, std::string_view key, std::string fallback) {
  const std::string* v = FindOptionValue(object.options, key);
  return v != nullptr ? *v : std::move(fallback);
}

}  // namespace

// With ts = 0 the watermark expression gives -delay (it is `ts - INTERVAL ...`).
Result<stream::WatermarkSpec> WatermarkOf(const CatalogObject& source, const EvalOptions& eval) {
  const int column = *source.schema->FindField(source.watermark_column);
  ASSIGN_OR_RAISE(sql::SqlExprPtr parsed, sql::ParseExpression(source.watermark_expr));
  ASSIGN_OR_RAISE(ExprPtr expr, plan::BindExpression(*parsed, *source.schema));
  std::vector<ColumnPtr> columns;
  for (int i = 0; i < source.schema->num_fields(); ++i) {
    std::unique_ptr<ColumnBuilder> b = MakeBuilder(source.schema->field(i).type);
    if (i == column) {
      RETURN_NOT_OK(b->AppendValue(Value::Timestamp(0)));
    } else {
      b->AppendNull();
    }
    columns.push_back(b->Finish());
  }
  ASSIGN_OR_RAISE(Batch row, Batch::Make(source.schema, std::move(columns)));
  EvalContext ctx(eval);
  ASSIGN_OR_RAISE(ColumnPtr result, EvaluateColumn(*expr, ctx, row));
  if (result->IsNull(0) || result->values<int64_t>()[0] > 0) {
    return Status::InvalidSql("The watermark of source `" + source.name +
                              "` must be its event-time column minus a delay, such as `" +
                              source.watermark_column + " - INTERVAL 10 SECONDS`.");
  }
  return stream::WatermarkSpec{column, -result->values<int64_t>()[0]};
}

Result<stream::StreamingQueryPtr> Session::StartInsert(
    const plan::LogicalPlanPtr& bound, const CatalogObject& sink,
    const std::vector<const CatalogObject*>& inputs) {
  stream::QuerySpec spec;
  spec.name = OptionOr(sink, "queryName", sink.name);
  spec.checkpoint_location =
      OptionOr(sink, "checkpointLocation", options_.data_dir + "/checkpoints/" + spec.name);
  ASSIGN_OR_RAISE(spec.output_mode,
                  stream::ParseOutputMode(OptionOr(sink, "output_mode", "append")));
  if (options_.trigger_override) {
    spec.trigger = *options_.trigger_override;
  } else {
    ASSIGN_OR_RAISE(spec.trigger, stream::ParseTrigger(OptionOr(sink, "trigger", "default")));
  }
  spec.plan = bound;
  ApplyStreamingSettings(&spec);

  for (size_t i = 0; i < inputs.size(); ++i) {
    const CatalogObject& source = *inputs[i];
    stream::ConnectorContext ctx;
    ctx.name = source.name;
    ctx.schema = source.schema;
    ctx.options = stream::Options(source.options);
    ctx.env = env_;
    ctx.clock = clock_;
    ctx.data_dir = options_.data_dir;
    ctx.metadata_dir = spec.checkpoint_location + "/sources/" + std::to_string(i);
    ctx.local_tables = &local_tables_;
    ctx.query_name = spec.name;
    ASSIGN_OR_RAISE(stream::SourcePtr made,
                    connectors_.MakeSource(OptionOr(source, "connector", ""), ctx));
    if (!(*made->schema() == *source.schema)) {
      made->Stop();
      return Status::InvalidSql("Source `" + source.name + "` declares the columns " +
                                source.schema->ToString() + " but its connector reads " +
                                made->schema()->ToString() + ".")
          .WithHint("declare the connector's columns, or give it a format that decodes them");
    }
    spec.sources.push_back(std::move(made));
    std::optional<stream::WatermarkSpec> watermark;
    if (!source.watermark_column.empty()) {
      Result<stream::WatermarkSpec> w = WatermarkOf(source, eval_);
      if (!w.ok()) {
        for (auto& started : spec.sources) started->Stop();
        return w.status();
      }
      watermark = *w;
    }
    spec.watermarks.push_back(watermark);
  }

  stream::ConnectorContext sink_ctx;
  sink_ctx.name = sink.name;
  if (sink.schema->num_fields() > 0) sink_ctx.schema = sink.schema;
  sink_ctx.options = stream::Options(sink.options);
  sink_ctx.env = env_;
  sink_ctx.clock = clock_;
  sink_ctx.data_dir = options_.data_dir;
  sink_ctx.local_tables = &local_tables_;
  sink_ctx.query_name = spec.name;
  Result<stream::SinkPtr> made_sink =
      connectors_.MakeSink(OptionOr(sink, "connector", ""), sink_ctx);
  if (!made_sink.ok()) {
    for (auto& s : spec.sources) s->Stop();
    return made_sink.status();
  }
  spec.sink = *made_sink;
  if (const std::string* late = FindOptionValue(sink.options, "late_rows_sink")) {
    // The rows the query's aggregation finds late go to another declared sink.
    const CatalogObject* target = catalog_.Find(*late);
    Status problem;
    if (target == nullptr || target->kind != ObjectKind::kSink) {
      problem = Status::InvalidOption("The option late_rows_sink of sink `" + sink.name +
                                      "` names `" + *late + "`, which is not a sink.")
                    .WithHint("CREATE SINK " + *late + " WITH (connector = ...) first");
    } else if (EqualsIgnoreCase(target->name, sink.name)) {
      problem = Status::InvalidOption("The option late_rows_sink of sink `" + sink.name +
                                      "` names the sink itself.");
    } else {
      stream::ConnectorContext late_ctx;
      late_ctx.name = target->name;
      if (target->schema->num_fields() > 0) late_ctx.schema = target->schema;
      late_ctx.options = stream::Options(target->options);
      late_ctx.env = env_;
      late_ctx.clock = clock_;
      late_ctx.data_dir = options_.data_dir;
      late_ctx.local_tables = &local_tables_;
      late_ctx.query_name = target->name;
      Result<stream::SinkPtr> made_late =
          connectors_.MakeSink(OptionOr(*target, "connector", ""), late_ctx);
      if (made_late.ok()) {
        spec.late_rows_sink = *made_late;
      } else {
        problem = made_late.status();
      }
    }
    if (!problem.ok()) {
      for (auto& s : spec.sources) s->Stop();
      spec.sink->Stop();
      return problem;
    }
  }
  stream::SinkPtr late_sink = spec.late_rows_sink;
  Result<stream::StreamingQueryPtr> started = queries_->Start(std::move(spec));
  if (!started.ok() && late_sink != nullptr) late_sink->Stop();
  return started;
}

Result<plan::TableProviderPtr> Session::ReadBoundedSource(const CatalogObject& source) {
  stream::ConnectorContext ctx;
  ctx.name = source.name;
  if (source.schema != nullptr && source.schema->num_fields() > 0) ctx.schema = source.schema;
  ctx.options = stream::Options(source.options);
  ctx.env = env_;
  ctx.clock = clock_;
  ctx.data_dir = options_.data_dir;
  ctx.local_tables = &local_tables_;
  ctx.query_name = source.name;
  ASSIGN_OR_RAISE(stream::SourcePtr made,
                  connectors_.MakeSource(OptionOr(source, "connector", ""), ctx));
  // One epoch of an AvailableNow run: from the starting offsets to the end the source
  // fixes now (its endingOffsets).
  Result<plan::TableProviderPtr> table = [&]() -> Result<plan::TableProviderPtr> {
    ASSIGN_OR_RAISE(stream::Offset start, made->InitialOffset());
    RETURN_NOT_OK(made->PrepareForAvailableNow());
    ASSIGN_OR_RAISE(stream::Offset end,
                    made->LatestOffset(start, stream::ReadLimit{.all_available = true}));
    return made->Read(start, end);
  }();
  made->Stop();
  return table;
}

}  // namespace weir::api
