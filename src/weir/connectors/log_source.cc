// The streaming `log` source: a topic of the embedded log (src/weir/log) as input,
// with the options and raw columns of Spark's Kafka source and, with a `format`, the
// record values decoded into the declared columns (as Flink SQL's Kafka table does).
//
// Offsets are per partition the next offset to read (log_source_internal.h). Each
// LatestOffset refreshes the partitions (another process, e.g. `weir produce`, may be
// appending) and returns their ends — read_committed: their last stable offsets —
// capped by maxOffsetsPerTrigger. Read(start, end) returns a table with one
// partition per log partition, reading [start, end) of it. The log never changes
// what an offset holds, so the same offsets give the same rows, until retention
// deletes them (failOnDataLoss).
//
// Thread-safety: the engine calls one source from one thread (stream/source.h); the
// topic is opened read-only and shared with the tables Read returns, whose readers
// may run concurrently (log::Topic and log::Partition are thread-safe).

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>

#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/connectors/log_sink_internal.h"
#include "weir/connectors/log_source_internal.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "log source";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct LogSourceOptions {
  std::string topic;
  std::string starting_offsets = "earliest";  // earliest | latest | JSON
  std::optional<int64_t> max_offsets_per_trigger;
  log::IsolationLevel isolation = log::IsolationLevel::kReadCommitted;
  bool fail_on_data_loss = true;
  bool include_headers = false;
};

Result<LogSourceOptions> ParseSourceOptions(const stream::ConnectorContext& ctx) {
  const stream::Options& o = ctx.options;
  LogSourceOptions out;
  out.topic = o.Has("topic") ? o.Get("topic") : o.Get("subscribe");
  if (out.topic.empty()) {
    return MissingOption(kWhat, ctx.name, "topic",
                         "name the topic to read: topic = 'weblogs' (or subscribe = 'weblogs')");
  }
  if (o.Has("topic") && o.Has("subscribe") && o.Get("subscribe") != out.topic) {
    return BadOption(kWhat, ctx.name, "subscribe", o.Get("subscribe"),
                     "it names another topic than 'topic' ('" + out.topic + "')");
  }
  if (Status st = log::ValidateTopicName(out.topic); !st.ok()) {
    return BadOption(kWhat, ctx.name, "topic", out.topic, st.message());
  }
  if (o.Has("startingoffsets")) out.starting_offsets = o.Get("startingoffsets");
  if (o.Has("maxoffsetspertrigger")) {
    Result<int64_t> n = o.GetInt("maxoffsetspertrigger", 0);
    if (!n.ok() || *n <= 0) {
      return BadOption(kWhat, ctx.name, "maxOffsetsPerTrigger", o.Get("maxoffsetspertrigger"),
                       "it must be a positive integer");
    }
    out.max_offsets_per_trigger = *n;
  }
  const std::string isolation = Lower(o.Get("isolation.level", "read_committed"));
  if (isolation == "read_uncommitted") {
    out.isolation = log::IsolationLevel::kReadUncommitted;
  } else if (isolation != "read_committed") {
    return BadOption(kWhat, ctx.name, "isolation.level", o.Get("isolation.level"),
                     "it must be read_committed or read_uncommitted");
  }
  Result<bool> fail = o.GetBool("failondataloss", true);
  if (!fail.ok()) return NameOptionError(fail.status(), kWhat, ctx.name);
  out.fail_on_data_loss = *fail;
  Result<bool> headers = o.GetBool("includeheaders", false);
  if (!headers.ok()) return NameOptionError(headers.status(), kWhat, ctx.name);
  out.include_headers = *headers;
  return out;
}

class LogSource final : public stream::Source {
 public:
  LogSource(const stream::ConnectorContext& ctx, LogSourceOptions options,
            std::shared_ptr<log::Topic> topic, std::shared_ptr<const formats::FileFormat> format,
            SchemaPtr schema)
      : name_(ctx.name),
        options_(std::move(options)),
        topic_(std::move(topic)),
        format_(std::move(format)),
        schema_(std::move(schema)) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override { return "LogV2[Subscribe[" + options_.topic + "]]"; }

  Result<stream::Offset> InitialOffset() override {
    RETURN_NOT_OK(Refresh());
    const std::string& text = options_.starting_offsets;
    const std::string lower = Lower(text);
    PartitionOffsets out;
    if (lower == "earliest" || lower == "latest") {
      for (int32_t p = 0; p < topic_->num_partitions(); ++p) {
        ASSIGN_OR_RAISE(log::Partition * part, topic_->GetPartition(p));
        out[p] = lower == "earliest" ? part->start_offset() : End(*part);
      }
      return FormatLogOffsets(options_.topic, out);
    }
    Result<PartitionOffsets> given = ParseLogOffsets(text, options_.topic, What());
    if (!given.ok()) {
      return BadOption(kWhat, name_, "startingOffsets", text,
                       "it must be earliest, latest or per-partition JSON",
                       "e.g. {\"" + options_.topic +
                           "\":{\"0\":23,\"1\":-2}} (-2 earliest, -1 "
                           "latest): " +
                           given.status().message());
    }
    for (int32_t p = 0; p < topic_->num_partitions(); ++p) {
      auto it = given->find(p);
      if (it == given->end()) {
        return BadOption(kWhat, name_, "startingOffsets", text,
                         "it must give an offset for every partition of '" + options_.topic +
                             "' (" + std::to_string(topic_->num_partitions()) + "); partition " +
                             std::to_string(p) + " is missing");
      }
      ASSIGN_OR_RAISE(log::Partition * part, topic_->GetPartition(p));
      int64_t offset = it->second;
      if (offset == kEarliestOffset) offset = part->start_offset();
      if (offset == kLatestOffset) offset = End(*part);
      if (offset > part->end_offset()) {
        return BadOption(kWhat, name_, "startingOffsets", text,
                         "partition " + std::to_string(p) + " ends at offset " +
                             std::to_string(part->end_offset()));
      }
      out[p] = offset;
    }
    if (given->size() != out.size()) {
      return BadOption(kWhat, name_, "startingOffsets", text,
                       "it names a partition '" + options_.topic + "' does not have (it has " +
                           std::to_string(topic_->num_partitions()) + ")");
    }
    return FormatLogOffsets(options_.topic, out);
  }

  Result<stream::Offset> LatestOffset(const stream::Offset& start,
                                      const stream::ReadLimit& limit) override {
    ASSIGN_OR_RAISE(PartitionOffsets from, ParseOffsets(start));
    PartitionOffsets until;
    if (available_now_.has_value()) {
      until = *available_now_;
    } else {
      RETURN_NOT_OK(Refresh());
      ASSIGN_OR_RAISE(until, Ends());
    }
    for (auto& [p, end] : until) {
      // Never behind the start (an AvailableNow end fixed before a later start).
      end = std::max(end, from[p]);
      // What retention deleted is not counted against the limit.
      if (!options_.fail_on_data_loss) {
        ASSIGN_OR_RAISE(log::Partition * part, topic_->GetPartition(p));
        from[p] = std::max(from[p], std::min(end, part->start_offset()));
      }
    }
    if (options_.max_offsets_per_trigger && !limit.all_available) {
      until = RateLimitOffsets(from, until, *options_.max_offsets_per_trigger);
    }
    return FormatLogOffsets(options_.topic, until);
  }

  Status PrepareForAvailableNow() override {
    RETURN_NOT_OK(Refresh());
    ASSIGN_OR_RAISE(PartitionOffsets ends, Ends());
    available_now_ = std::move(ends);
    return Status::OK();
  }

  Result<plan::TableProviderPtr> Read(const stream::Offset& start,
                                      const stream::Offset& end) override {
    ASSIGN_OR_RAISE(PartitionOffsets from, ParseOffsets(start));
    ASSIGN_OR_RAISE(PartitionOffsets until, ParseOffsets(end));
    for (const auto& [p, to] : until) {
      if (to < from[p]) {
        return Status::InvalidArgument("The log source `" + name_ + "` cannot read from " + start +
                                       " back to " + end + ".");
      }
    }
    LogReadSpec spec;
    spec.topic = topic_;
    spec.from = std::move(from);
    spec.until = std::move(until);
    spec.isolation = options_.isolation;
    spec.fail_on_data_loss = options_.fail_on_data_loss;
    spec.format = format_;
    spec.schema = schema_;
    spec.counters = counters_;
    spec.source_name = name_;
    return MakeLogTable(std::move(spec));
  }

  // The log keeps its data for every reader; a committed end needs nothing here.
  Status Commit(const stream::Offset& end) override { return ParseOffsets(end).status(); }

  void Stop() override {}

  stream::SourceMetrics metrics() const override {
    stream::SourceMetrics m;
    m.malformed_records = counters_->malformed.load(std::memory_order_relaxed);
    m.dropped_records = counters_->dropped.load(std::memory_order_relaxed);
    return m;
  }

  // Offsets skipped because retention deleted them (failOnDataLoss = false).
  int64_t lost_offsets() const { return counters_->lost.load(std::memory_order_relaxed); }

 private:
  std::string What() const { return std::string(kWhat) + " `" + name_ + "`"; }

  // What read-committed readers may read: up to the last stable offset.
  int64_t End(const log::Partition& p) const {
    return options_.isolation == log::IsolationLevel::kReadCommitted ? p.last_stable_offset()
                                                                     : p.end_offset();
  }

  Result<PartitionOffsets> Ends() {
    PartitionOffsets out;
    for (int32_t p = 0; p < topic_->num_partitions(); ++p) {
      ASSIGN_OR_RAISE(log::Partition * part, topic_->GetPartition(p));
      out[p] = End(*part);
    }
    return out;
  }

  // Picks up what writers (in this process or others) appended, and what retention
  // deleted.
  Status Refresh() {
    for (int32_t p = 0; p < topic_->num_partitions(); ++p) {
      ASSIGN_OR_RAISE(log::Partition * part, topic_->GetPartition(p));
      RETURN_NOT_OK(part->Refresh());
    }
    return Status::OK();
  }

  // Offsets the source handed out: every partition, none negative.
  Result<PartitionOffsets> ParseOffsets(const stream::Offset& text) const {
    ASSIGN_OR_RAISE(PartitionOffsets out, ParseLogOffsets(text, options_.topic, What()));
    bool ok = static_cast<int32_t>(out.size()) == topic_->num_partitions();
    for (const auto& [p, offset] : out) ok = ok && p < topic_->num_partitions() && offset >= 0;
    if (!ok) {
      return Status::InvalidArgument("The " + What() + " has no offsets " + text + ": topic '" +
                                     options_.topic + "' has " +
                                     std::to_string(topic_->num_partitions()) + " partitions.")
          .WithHint(
              "a topic deleted and created again with other partitions needs a new "
              "checkpoint");
    }
    return out;
  }

  const std::string name_;
  const LogSourceOptions options_;
  const std::shared_ptr<log::Topic> topic_;
  const std::shared_ptr<const formats::FileFormat> format_;
  const SchemaPtr schema_;
  std::shared_ptr<LogReadCounters> counters_ = std::make_shared<LogReadCounters>();
  std::optional<PartitionOffsets> available_now_;
};

}  // namespace

Result<RecordDecoding> ResolveRecordDecoding(const stream::ConnectorContext& ctx, bool headers,
                                             std::string_view connector) {
  const std::string what = std::string(connector) + " source";
  if (ctx.options.Has("format")) {
    const std::string name = Lower(ctx.options.Get("format"));
    if (name != "json" && name != "csv") {
      return BadOption(what, ctx.name, "format", ctx.options.Get("format"),
                       "it must be json or csv (or left out for the raw columns key, value, "
                       "topic, partition, offset, timestamp, timestampType)");
    }
    Result<std::shared_ptr<const formats::FileFormat>> made =
        formats::FileFormat::Make(name, ctx.options.all());
    if (!made.ok()) return NameOptionError(made.status(), what, ctx.name);
    if (ctx.schema == nullptr || ctx.schema->num_fields() == 0) {
      return Status::InvalidOption("[INVALID_OPTION] The " + what + " `" + ctx.name +
                                   "` has format '" + name + "' but no declared columns.")
          .WithHint("declare the columns each record's value holds, e.g. CREATE SOURCE " +
                    ctx.name + " (host STRING, bytes BIGINT) WITH (connector = '" +
                    std::string(connector) + "', ...)");
    }
    return RecordDecoding{std::move(*made), ctx.schema};
  }
  SchemaPtr raw = LogRawSchema(headers);
  if (ctx.schema == nullptr || ctx.schema->num_fields() == 0) return RecordDecoding{nullptr, raw};
  const Schema& declared = *ctx.schema;
  bool match = declared.num_fields() == raw->num_fields();
  for (int i = 0; match && i < raw->num_fields(); ++i) {
    const Field& want = raw->field(i);
    const Field& got = declared.field(i);
    const bool bytes = i < 2 && (got.type == DataType::String() || got.type == DataType::Binary());
    match = EqualsIgnoreCase(want.name, got.name) && (bytes || got.type == want.type);
  }
  if (match) return RecordDecoding{nullptr, ctx.schema};
  return Status::InvalidOption("[INVALID_OPTION] The " + what + " `" + ctx.name +
                               "` without a format has the columns " + raw->ToString() +
                               ", but it declares " + declared.ToString() + ".")
      .WithHint(
          "set format = 'json' or 'csv' to decode each record's value into the declared "
          "columns, or declare the raw columns (key and value may be STRING)" +
          std::string(headers ? "" : "; headers need includeHeaders = 'true'"));
}

Result<stream::SourcePtr> MakeLogSource(const stream::ConnectorContext& ctx) {
  if (ctx.env == nullptr) return Status::InvalidArgument("the log source needs an Env");
  ASSIGN_OR_RAISE(LogSourceOptions options, ParseSourceOptions(ctx));
  ASSIGN_OR_RAISE(RecordDecoding decoding,
                  ResolveRecordDecoding(ctx, options.include_headers, "log"));
  log::LogStore store(ctx.env, ctx.data_dir.empty() ? "weir-data" : ctx.data_dir);
  Result<std::unique_ptr<log::Topic>> topic =
      store.OpenTopic(options.topic, log::TopicAccess::kRead);
  if (!topic.ok()) {
    if (topic.status().IsNotFound()) {
      return Status::NotFound("The log source `" + ctx.name + "` reads the topic '" +
                              options.topic + "', which does not exist in " + store.TopicsDir() +
                              ".")
          .WithHint("create it first: weir topic create " + options.topic);
    }
    return topic.status().WithContext("log source `" + ctx.name + "`");
  }
  return stream::SourcePtr(std::make_shared<LogSource>(
      ctx, std::move(options), std::shared_ptr<log::Topic>(std::move(*topic)),
      std::move(decoding.format), std::move(decoding.schema)));
}

void RegisterLogConnectors(stream::ConnectorRegistry* registry) {
  registry->RegisterSource("log", MakeLogSource);
  registry->RegisterSink("log", MakeLogSink);
}

}  // namespace weir::connectors
