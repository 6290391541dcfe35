// The streaming `log` sink: each epoch's rows become records of a topic of the
// embedded log, exactly once (docs/connectors.md, "log").
//
// Exactly-once scheme (DESIGN.md section 5). The sink is a transactional producer
// whose id is a stable hash of the query's name and the topic, so every run of the
// query is the same producer. In each partition an epoch is one transaction: its
// records, each with the header weir.epoch = <epoch>, then a commit marker, which the
// log syncs before EndTransaction returns. Read-committed readers see the epoch's
// records in a partition all at once, or not at all.
//
// When a sink instance starts (its first AddBatch, or the next one after an error) it
// asks each partition what it knows of the producer (Partition::GetProducerStatus):
//  - a transaction left open by a crash is aborted, with the producer epoch bumped
//    (Kafka's fencing), so its records never become visible;
//  - the producer's last data batch gives the last epoch written there (its
//    weir.epoch header) and whether it committed.
// AddBatch(E) then skips a partition whose last committed epoch is E (a replay after
// a crash between the sink's commit and the checkpoint's), writes E as a new
// transaction otherwise, and refuses E below the last epoch written (a checkpoint
// reset under the same query name would otherwise be silently dropped).
//
// Placement: a row with a non-NULL key goes to murmur2(key) as Kafka's partitioner
// does; rows without a key all go to partition (epoch % partitions), so an epoch's
// keyless rows are one transaction and a replay puts them where they were, whatever
// the order of rows (Kafka's sticky partitioning, one epoch per "batch").
//
// Thread-safety: the engine calls one sink from one thread (stream/sink.h).

#include <algorithm>
#include <cctype>
#include <limits>
#include <span>

#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"
#include "weir/connectors/log_sink_internal.h"
#include "weir/log/partitioner.h"
#include "weir/log/topic.h"
#include "weir/types/render.h"

namespace weir::connectors {

namespace {

constexpr std::string_view kWhat = "log sink";
// Bytes of records per appended batch (the log allows up to log::kMaxBatchSize).
constexpr size_t kBatchBytes = size_t{1} << 20;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsBytes(const DataType& t) { return t == DataType::String() || t == DataType::Binary(); }

enum class ValueFormat : uint8_t { kJson, kCsv, kRaw };

struct LogSinkOptions {
  std::string topic;
  ValueFormat format = ValueFormat::kJson;
  bool exactly_once = true;
  std::string identity;  // the query name, or transactional.id
  CsvOptions csv;
  JsonOptions json;
};

// Where a row's record comes from.
struct RowLayout {
  int key = -1;      // a STRING/BINARY column `key`
  int value = -1;    // raw: the STRING/BINARY column `value`
  int headers = -1;  // raw: ARRAY<STRUCT<key: STRING, value: STRING|BINARY>> `headers`
  std::vector<int> value_columns;  // json/csv: the columns rendered into the value
  SchemaPtr value_schema;
};

std::optional<std::string_view> BytesAt(const Batch& batch, int column, int64_t row) {
  const Column& c = *batch.column(column);
  const int64_t i = batch.RowIndex(row);
  if (c.IsNull(i)) return std::nullopt;
  return c.Get<StringRef>(i).view();
}

// What the sink knows of its producer in one partition.
struct PartitionState {
  int16_t epoch = 0;  // the producer epoch it writes with
  int32_t next_sequence = 0;
  int64_t last_epoch = -1;  // the query epoch of its last batch there; -1 unknown
  bool last_committed = false;
};

class LogSink final : public stream::Sink {
 public:
  LogSink(const stream::ConnectorContext& ctx, LogSinkOptions options)
      : name_(ctx.name),
        env_(ctx.env),
        clock_(ctx.clock != nullptr ? ctx.clock : ctx.env->clock()),
        data_dir_(ctx.data_dir.empty() ? "weir-data" : ctx.data_dir),
        options_(std::move(options)),
        producer_id_(LogSinkProducerId(options_.identity, options_.topic)) {}

  ~LogSink() override { Stop(); }

  std::string Describe() const override { return "LogSink[" + options_.topic + "]"; }
  stream::Delivery delivery() const override {
    return options_.exactly_once ? stream::Delivery::kExactlyOnce : stream::Delivery::kAtLeastOnce;
  }

  Status AddBatch(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& batches,
                  stream::OutputMode /*mode*/) override {
    Status st = topic_ == nullptr ? Start() : Status::OK();
    if (st.ok()) st = Write(epoch, *schema, batches);
    // After an error, the next call starts over: the partitions are reopened (an I/O
    // error is sticky until then) and an unfinished transaction is aborted.
    if (!st.ok()) topic_.reset();
    return st;
  }

  void Stop() override {
    if (topic_ != nullptr) topic_->Close().IgnoreError();
    topic_.reset();
  }

 private:
  Status Start() {
    log::LogStore store(env_, data_dir_);
    Result<std::unique_ptr<log::Topic>> topic =
        store.OpenTopic(options_.topic, log::TopicAccess::kWrite);
    if (!topic.ok()) {
      if (topic.status().IsNotFound()) {
        return Status::NotFound("The log sink `" + name_ + "` writes the topic '" + options_.topic +
                                "', which does not exist in " + store.TopicsDir() + ".")
            .WithHint("create it first: weir topic create " + options_.topic);
      }
      return topic.status().WithContext("log sink `" + name_ + "`");
    }
    std::unique_ptr<log::Topic> opened = std::move(*topic);
    states_.assign(static_cast<size_t>(opened->num_partitions()), PartitionState{});
    for (int32_t p = 0; p < opened->num_partitions(); ++p) {
      ASSIGN_OR_RAISE(log::Partition * part, opened->GetPartition(p));
      RETURN_NOT_OK(Recover(part, &states_[static_cast<size_t>(p)]));
    }
    topic_ = std::move(opened);
    return Status::OK();
  }

  // Learns the producer's state in `part` and aborts its open transaction.
  Status Recover(log::Partition* part, PartitionState* s) {
    const log::ProducerStatus st = part->GetProducerStatus(producer_id_);
    if (st.epoch) {
      s->epoch = *st.epoch;
      s->next_sequence = st.next_sequence;
    }
    if (st.open_transaction) {
      // Fencing: a newer producer epoch aborts the older one's transaction, and the
      // new epoch's sequences start at 0. (At the last epoch, abort with it.)
      s->epoch = std::max(s->epoch, st.open_transaction->epoch);
      if (s->epoch < std::numeric_limits<int16_t>::max()) {
        ++s->epoch;
        s->next_sequence = 0;
      }
      RETURN_NOT_OK(part->EndTransaction(producer_id_, s->epoch, log::TransactionResult::kAbort));
    }
    if (!st.epoch || st.last_batch.base_offset < part->start_offset()) return Status::OK();
    ASSIGN_OR_RAISE(std::vector<log::RecordBatch> batches,
                    part->Read(st.last_batch.base_offset, 1));
    if (batches.empty() || batches[0].header.producer_id != producer_id_ ||
        batches[0].records.empty()) {
      return Status::OK();
    }
    s->last_epoch = RecordEpoch(batches[0].records[0].record).value_or(-1);
    s->last_committed = !st.open_transaction && !st.last_batch_aborted;
    return Status::OK();
  }

  Result<RowLayout> Layout(const Schema& schema) const {
    RowLayout out;
    std::vector<Field> value_fields;
    for (int i = 0; i < schema.num_fields(); ++i) {
      const Field& f = schema.field(i);
      if (EqualsIgnoreCase(f.name, "key") && IsBytes(f.type)) {
        out.key = i;
      } else if (options_.format == ValueFormat::kRaw && EqualsIgnoreCase(f.name, "value") &&
                 IsBytes(f.type)) {
        out.value = i;
      } else if (options_.format == ValueFormat::kRaw && EqualsIgnoreCase(f.name, "headers") &&
                 f.type.id() == TypeId::kArray && f.type.element_type().id() == TypeId::kStruct) {
        out.headers = i;
      } else {
        out.value_columns.push_back(i);
        value_fields.push_back(f);
      }
    }
    if (options_.format == ValueFormat::kRaw && (out.value < 0 || !out.value_columns.empty())) {
      return Status::InvalidOption(
                 "[INVALID_OPTION] The log sink `" + name_ + "` with format 'raw' needs a " +
                 "STRING or BINARY column `value` (and optionally `key` and `headers`), but " +
                 "the query's columns are " + schema.ToString() + ".")
          .WithHint("use format = 'json' or 'csv' to write whole rows as values");
    }
    out.value_schema = MakeSchema(std::move(value_fields));
    return out;
  }

  // The value of each row of `batch`, appended to `values`.
  Status RenderValues(const Batch& batch, const RowLayout& layout,
                      std::vector<std::string>* values) const {
    std::vector<ColumnPtr> columns;
    for (int c : layout.value_columns) columns.push_back(batch.column(c));
    ASSIGN_OR_RAISE(Batch rows,
                    Batch::Make(layout.value_schema, std::move(columns), batch.selection()));
    std::string text;
    if (options_.format == ValueFormat::kJson) {
      // JSON escapes line breaks, so each row is exactly one line.
      AppendJsonLines(rows, options_.json, &text);
      size_t start = 0;
      for (int64_t r = 0; r < rows.num_rows(); ++r) {
        const size_t end = text.find('\n', start);
        values->emplace_back(text.substr(start, end - start));
        start = end + 1;
      }
      return Status::OK();
    }
    // A CSV field may hold a quoted line break: render row by row.
    for (int64_t r = 0; r < rows.num_rows(); ++r) {
      text.clear();
      RETURN_NOT_OK(
          AppendCsv(rows.Select(SelectionVector({static_cast<uint32_t>(r)})), options_.csv, &text));
      if (!text.empty() && text.back() == '\n') text.pop_back();
      values->push_back(text);
    }
    return Status::OK();
  }

  static void AppendHeaders(const Batch& batch, int column, int64_t row, log::Record* record) {
    const Column& array = *batch.column(column);
    const int64_t i = batch.RowIndex(row);
    if (array.IsNull(i)) return;
    const Column& entries = *array.child(0);
    if (entries.num_children() < 2 || !IsBytes(entries.child(0)->type()) ||
        !IsBytes(entries.child(1)->type())) {
      return;
    }
    const Column& keys = *entries.child(0);
    const Column& values = *entries.child(1);
    for (int32_t e = array.offsets()[i]; e < array.offsets()[i + 1]; ++e) {
      if (entries.IsNull(e) || keys.IsNull(e)) continue;
      std::optional<std::string> value;
      if (!values.IsNull(e)) value = values.Get<StringRef>(e).str();
      record->headers.emplace_back(keys.Get<StringRef>(e).str(), std::move(value));
    }
  }

  Status Write(int64_t epoch, const Schema& schema, const std::vector<Batch>& batches) {
    ASSIGN_OR_RAISE(RowLayout layout, Layout(schema));
    const int32_t partitions = topic_->num_partitions();
    const int32_t sticky = static_cast<int32_t>(epoch % partitions);
    const std::string epoch_text = std::to_string(epoch);
    const int64_t now_ms = clock_->NowMicros() / 1000;
    std::vector<std::vector<log::Record>> by_partition(static_cast<size_t>(partitions));
    std::vector<std::string> values;
    for (const Batch& batch : batches) {
      values.clear();
      if (options_.format != ValueFormat::kRaw) RETURN_NOT_OK(RenderValues(batch, layout, &values));
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        log::Record record;
        record.timestamp = now_ms;
        std::optional<std::string_view> key;
        if (layout.key >= 0) key = BytesAt(batch, layout.key, r);
        if (key) record.key = std::string(*key);
        if (options_.format == ValueFormat::kRaw) {
          if (auto v = BytesAt(batch, layout.value, r)) record.value = std::string(*v);
          if (layout.headers >= 0) AppendHeaders(batch, layout.headers, r, &record);
        } else {
          record.value = std::move(values[static_cast<size_t>(r)]);
        }
        record.headers.emplace_back(std::string(kEpochHeader), epoch_text);
        const int32_t p = key ? log::PartitionForKey(*key, partitions) : sticky;
        by_partition[static_cast<size_t>(p)].push_back(std::move(record));
      }
    }
    for (int32_t p = 0; p < partitions; ++p) {
      std::vector<log::Record>& records = by_partition[static_cast<size_t>(p)];
      if (!records.empty()) RETURN_NOT_OK(WritePartition(p, epoch, records));
    }
    return Status::OK();
  }

  Status WritePartition(int32_t p, int64_t epoch, std::span<const log::Record> records) {
    PartitionState& s = states_[static_cast<size_t>(p)];
    if (options_.exactly_once && s.last_epoch >= 0) {
      if (epoch < s.last_epoch) return EpochWentBack(p, epoch, s.last_epoch);
      if (epoch == s.last_epoch && s.last_committed) return Status::OK();  // a replay
    }
    ASSIGN_OR_RAISE(log::Partition * part, topic_->GetPartition(p));
    s.last_epoch = epoch;
    s.last_committed = false;
    size_t start = 0;
    while (start < records.size()) {
      size_t end = start;
      size_t bytes = 0;
      while (end < records.size() && (end == start || bytes < kBatchBytes)) {
        const log::Record& r = records[end++];
        bytes += r.key.value_or("").size() + r.value.value_or("").size() + 32;
      }
      log::BatchOptions o;
      o.producer_id = producer_id_;
      o.producer_epoch = s.epoch;
      o.base_sequence = s.next_sequence;
      o.transactional = options_.exactly_once;
      RETURN_NOT_OK(part->Append(records.subspan(start, end - start), o).status());
      s.next_sequence = log::NextSequence(s.next_sequence, static_cast<int32_t>(end - start));
      start = end;
    }
    if (options_.exactly_once) {
      RETURN_NOT_OK(part->EndTransaction(producer_id_, s.epoch, log::TransactionResult::kCommit));
    }
    s.last_committed = true;
    return Status::OK();
  }

  Status EpochWentBack(int32_t p, int64_t epoch, int64_t last) const {
    return Status::InvalidInput("The log sink `" + name_ + "` is asked to write epoch " +
                                std::to_string(epoch) + " to topic '" + options_.topic +
                                "', but partition " + std::to_string(p) + " already holds epoch " +
                                std::to_string(last) + " of the query '" + options_.identity +
                                "' (producer id " + std::to_string(producer_id_) + ").")
        .WithHint(
            "the query's checkpoint was deleted or another query has the same name: give the "
            "query a new name (queryName), or set transactional.id on the sink");
  }

  const std::string name_;
  Env* const env_;
  Clock* const clock_;
  const std::string data_dir_;
  const LogSinkOptions options_;
  const int64_t producer_id_;
  std::unique_ptr<log::Topic> topic_;   // opened for writing by Start(); null before
  std::vector<PartitionState> states_;  // by partition
};

Result<char> OneChar(const stream::ConnectorContext& ctx, std::string_view key, char fallback) {
  if (!ctx.options.Has(key)) return fallback;
  const std::string v = ctx.options.Get(key);
  if (v.size() == 1) return v[0];
  if (v == "\\t") return '\t';
  return BadOption(kWhat, ctx.name, key, v, "it must be a single character");
}

Result<LogSinkOptions> ParseSinkOptions(const stream::ConnectorContext& ctx) {
  const stream::Options& o = ctx.options;
  LogSinkOptions out;
  out.topic = o.Get("topic");
  if (out.topic.empty()) return MissingOption(kWhat, ctx.name, "topic", "the topic to write");
  if (Status st = log::ValidateTopicName(out.topic); !st.ok()) {
    return BadOption(kWhat, ctx.name, "topic", out.topic, st.message());
  }
  const std::string format = Lower(o.Get("format", "json"));
  if (format == "csv") {
    out.format = ValueFormat::kCsv;
  } else if (format == "raw") {
    out.format = ValueFormat::kRaw;
  } else if (format != "json") {
    return BadOption(kWhat, ctx.name, "format", o.Get("format"), "it must be json, csv or raw");
  }
  const std::string delivery = Lower(o.Get("delivery", "exactly-once"));
  if (delivery == "at-least-once") {
    out.exactly_once = false;
  } else if (delivery != "exactly-once") {
    return BadOption(kWhat, ctx.name, "delivery", o.Get("delivery"),
                     "it must be exactly-once or at-least-once");
  }
  out.identity = o.Get("transactional.id", ctx.query_name.empty() ? ctx.name : ctx.query_name);
  Result<bool> quote_all = o.GetBool("quoteall", false);
  if (!quote_all.ok()) return NameOptionError(quote_all.status(), kWhat, ctx.name);
  Result<bool> ignore_nulls = o.GetBool("ignorenullfields", true);
  if (!ignore_nulls.ok()) return NameOptionError(ignore_nulls.status(), kWhat, ctx.name);
  out.csv.quote_all = *quote_all;
  ASSIGN_OR_RAISE(out.csv.sep, OneChar(ctx, o.Has("sep") ? "sep" : "delimiter", ','));
  ASSIGN_OR_RAISE(out.csv.quote, OneChar(ctx, "quote", '"'));
  ASSIGN_OR_RAISE(out.csv.escape, OneChar(ctx, "escape", '\\'));
  if (o.Has("nullvalue")) out.csv.null_value = o.Get("nullvalue");
  if (o.Has("emptyvalue")) out.csv.empty_value = o.Get("emptyvalue");
  out.json.ignore_null_fields = *ignore_nulls;
  return out;
}

}  // namespace

int64_t LogSinkProducerId(std::string_view identity, std::string_view topic) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;  // a separator no UTF-8 text holds
    h *= 1099511628211ull;
  };
  mix("weir.log-sink");
  mix(identity);
  mix(topic);
  return static_cast<int64_t>(h & 0x7fffffffffffffffull);
}

std::optional<int64_t> RecordEpoch(const log::Record& record) {
  for (const auto& [key, value] : record.headers) {
    if (key != kEpochHeader || !value.has_value() || value->empty()) continue;
    int64_t epoch = 0;
    for (char c : *value) {
      if (c < '0' || c > '9' || epoch > (std::numeric_limits<int64_t>::max() - 9) / 10) {
        return std::nullopt;
      }
      epoch = epoch * 10 + (c - '0');
    }
    return epoch;
  }
  return std::nullopt;
}

Result<stream::SinkPtr> MakeLogSink(const stream::ConnectorContext& ctx) {
  if (ctx.env == nullptr) return Status::InvalidArgument("the log sink needs an Env");
  ASSIGN_OR_RAISE(LogSinkOptions options, ParseSinkOptions(ctx));
  return stream::SinkPtr(std::make_shared<LogSink>(ctx, std::move(options)));
}

}  // namespace weir::connectors
