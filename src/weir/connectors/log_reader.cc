// The table a `log` source's Read returns (log_source_internal.h): one partition per
// log partition, each reading the records of its offset range straight into column
// builders (raw columns) or through a format's decoder (declared columns).
//
// Per record, the only heap work is the log's own decoding of the batch into owned
// strings and the copies of string bytes into the column builders' chunks; the decode
// buffer for a format is reused from record to record.

#include <vector>

#include "weir/connectors/log_source_internal.h"
#include "weir/formats/decoder.h"
#include "weir/types/builder.h"

namespace weir::connectors {

namespace {

// Bytes of log the reader asks for per Partition::Read.
constexpr size_t kFetchBytes = size_t{1} << 20;

enum RawColumn : int {
  kKey = 0,
  kValue,
  kTopic,
  kPartition,
  kOffset,
  kTimestamp,
  kTimestampType,
  kHeaders,
};

class LogPartitionReader final : public plan::BatchReader {
 public:
  LogPartitionReader(std::shared_ptr<const LogReadSpec> spec, log::Partition* partition, int32_t p,
                     std::vector<int> columns, formats::RecordDecoderPtr decoder)
      : spec_(std::move(spec)),
        partition_(partition),
        p_(p),
        columns_(std::move(columns)),
        decoder_(std::move(decoder)) {
    auto f = spec_->from.find(p);
    auto u = spec_->until.find(p);
    next_ = f == spec_->from.end() ? 0 : f->second;
    until_ = u == spec_->until.end() ? next_ : u->second;
    if (decoder_ == nullptr) {
      std::vector<Field> fields;
      builders_.resize(static_cast<size_t>(spec_->schema->num_fields()));
      for (int c : columns_) {
        const Field& field = spec_->schema->field(c);
        fields.push_back(field);
        if (builders_[static_cast<size_t>(c)] == nullptr) {
          builders_[static_cast<size_t>(c)] = MakeBuilder(field.type);
        }
      }
      projected_ = MakeSchema(std::move(fields));
    }
  }

  Result<bool> Next(Batch* out) override {
    if (done_) return false;
    if (!started_) {
      started_ = true;
      RETURN_NOT_OK(CheckDataLoss(next_));
    }
    while (Buffered() < kDefaultBatchRows && !exhausted_) {
      if (index_ >= fetched_.batches().size()) RETURN_NOT_OK(Fetch());
      if (exhausted_) break;
      RETURN_NOT_OK(Consume(fetched_.batches()[index_++]));
    }
    if (exhausted_) done_ = true;
    ASSIGN_OR_RAISE(*out, Flush());
    return true;
  }

 private:
  int64_t Buffered() const { return decoder_ ? decoder_->buffered_rows() : rows_; }

  // Offsets before the partition's start were deleted by retention.
  Status CheckDataLoss(int64_t wanted) {
    const int64_t start = partition_->start_offset();
    if (wanted >= start || wanted >= until_) return Status::OK();
    if (spec_->fail_on_data_loss) {
      return DataLossError(spec_->source_name, spec_->topic->name(), p_, wanted, start);
    }
    spec_->counters->lost.fetch_add(std::min(start, until_) - wanted, std::memory_order_relaxed);
    next_ = start;
    return Status::OK();
  }

  Status Fetch() {
    fetched_.Clear();
    fetched_.Finish();
    index_ = 0;
    if (next_ >= until_) {
      exhausted_ = true;
      return Status::OK();
    }
    // Zero-copy: the records are views into fetched_, valid until the next Fetch().
    Status read = partition_->ReadViews(next_, kFetchBytes,
                                        log::ReadOptions{.isolation = spec_->isolation}, &fetched_);
    if (!read.ok()) {
      fetched_.Clear();
      fetched_.Finish();
      // Retention may have deleted the segment since the range was planned.
      if (next_ < partition_->start_offset()) return CheckDataLoss(next_);
      return read.WithContext("log source `" + spec_->source_name + "`, topic '" +
                              spec_->topic->name() + "' partition " + std::to_string(p_) +
                              " offset " + std::to_string(next_));
    }
    // Nothing more below the planned end (a compacted tail): the range is done.
    if (fetched_.batches().empty()) exhausted_ = true;
    return Status::OK();
  }

  Status Consume(const log::BatchView& batch) {
    // Control batches and aborted ones (read-committed) come without records.
    for (const log::RecordView& r : batch.records) {
      if (r.offset < next_) continue;
      if (r.offset >= until_) break;
      RETURN_NOT_OK(decoder_ ? Decode(r) : AppendRaw(r));
    }
    next_ = batch.header.last_offset() + 1;
    if (next_ >= until_) exhausted_ = true;
    return Status::OK();
  }

  Status Decode(const log::RecordView& r) {
    // A null value (a tombstone) has no row, as in Flink's formats.
    if (!r.value.has_value()) return Status::OK();
    const std::string_view value = *r.value;
    // The decoder may parse in place: give it padding after the bytes.
    buffer_.assign(value);
    buffer_.resize(value.size() + formats::RecordDecoder::kPadding);
    const std::string_view text(buffer_.data(), value.size());
    pos_.line = 1;
    size_t used = 0;
    while (used < text.size()) {
      Result<size_t> n = decoder_->DecodeSome(text.substr(used), /*padded=*/true, INT64_MAX, &pos_);
      Publish();
      if (!n.ok()) {
        return n.status().WithContext("log source `" + spec_->source_name + "`, topic '" +
                                      spec_->topic->name() + "' partition " + std::to_string(p_) +
                                      " offset " + std::to_string(r.offset));
      }
      if (*n == 0) break;
      used += *n;
    }
    return Status::OK();
  }

  void Publish() {
    const formats::ParseStats& s = decoder_->stats();
    spec_->counters->malformed.fetch_add(s.malformed - published_.malformed,
                                         std::memory_order_relaxed);
    spec_->counters->dropped.fetch_add(s.dropped - published_.dropped, std::memory_order_relaxed);
    published_ = s;
  }

  template <typename B>
  B* Builder(int c) {
    return static_cast<B*>(builders_[static_cast<size_t>(c)].get());
  }

  static void AppendBytes(StringBuilder* b, const std::optional<std::string_view>& s) {
    if (s.has_value()) {
      b->Append(*s);
    } else {
      b->AppendNull();
    }
  }

  Status AppendRaw(const log::RecordView& r) {
    for (int c : columns_) {
      switch (c) {
        case kKey:
          AppendBytes(Builder<StringBuilder>(c), r.key);
          break;
        case kValue:
          AppendBytes(Builder<StringBuilder>(c), r.value);
          break;
        case kTopic:
          Builder<StringBuilder>(c)->Append(spec_->topic->name());
          break;
        case kPartition:
          Builder<Int32Builder>(c)->Append(p_);
          break;
        case kOffset:
          Builder<Int64Builder>(c)->Append(r.offset);
          break;
        case kTimestamp:
          Builder<Int64Builder>(c)->Append(r.timestamp * 1000);
          break;
        case kTimestampType:
          Builder<Int32Builder>(c)->Append(0);  // CreateTime
          break;
        case kHeaders: {
          auto* array = Builder<ArrayBuilder>(c);
          array->Append();
          auto* entry = static_cast<StructBuilder*>(array->element_builder());
          for (const log::HeaderView& h : r.headers) {
            entry->Append();
            static_cast<StringBuilder*>(entry->field_builder(0))->Append(h.key);
            AppendBytes(static_cast<StringBuilder*>(entry->field_builder(1)), h.value);
          }
          break;
        }
        default:
          return Status::Internal("log source: no raw column " + std::to_string(c));
      }
    }
    ++rows_;
    return Status::OK();
  }

  Result<Batch> Flush() {
    if (decoder_) return decoder_->Flush();
    const int64_t rows = rows_;
    rows_ = 0;
    if (columns_.empty()) return Batch::MakeRowsOnly(rows);
    std::vector<ColumnPtr> columns;
    columns.reserve(columns_.size());
    for (int c : columns_) columns.push_back(builders_[static_cast<size_t>(c)]->Finish());
    return Batch::Make(projected_, std::move(columns));
  }

  const std::shared_ptr<const LogReadSpec> spec_;
  log::Partition* const partition_;
  const int32_t p_;
  const std::vector<int> columns_;
  formats::RecordDecoderPtr decoder_;
  SchemaPtr projected_;
  // Raw mode: a builder per schema column that is read (by schema index).
  std::vector<std::unique_ptr<ColumnBuilder>> builders_;
  int64_t rows_ = 0;

  int64_t next_ = 0;   // the next offset to read
  int64_t until_ = 0;  // one past the last offset to read
  log::BatchViews fetched_;
  size_t index_ = 0;
  bool started_ = false;
  bool exhausted_ = false;
  bool done_ = false;

  std::string buffer_;  // a value with padding, for the decoder
  formats::InputPosition pos_;
  formats::ParseStats published_;
};

class LogTable final : public plan::TableProvider {
 public:
  explicit LogTable(LogReadSpec spec)
      : spec_(std::make_shared<const LogReadSpec>(std::move(spec))) {}

  const SchemaPtr& schema() const override { return spec_->schema; }
  std::string Describe() const override {
    return "log " + spec_->topic->name() + " " +
           FormatLogOffsets(spec_->topic->name(), spec_->from) + " to " +
           FormatLogOffsets(spec_->topic->name(), spec_->until);
  }
  int NumPartitions() const override { return spec_->topic->num_partitions(); }

  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition < 0 || partition >= NumPartitions()) {
      return Status::InvalidArgument("partition " + std::to_string(partition) +
                                     " out of range for " + Describe());
    }
    for (int c : columns) {
      if (c < 0 || c >= spec_->schema->num_fields()) {
        return Status::InvalidArgument("column " + std::to_string(c) + " out of range for " +
                                       Describe());
      }
    }
    ASSIGN_OR_RAISE(log::Partition * p, spec_->topic->GetPartition(partition));
    formats::RecordDecoderPtr decoder;
    if (spec_->format != nullptr) {
      ASSIGN_OR_RAISE(decoder, spec_->format->MakeDecoder(spec_->schema, columns));
    }
    return plan::BatchReaderPtr(
        std::make_unique<LogPartitionReader>(spec_, p, partition, columns, std::move(decoder)));
  }

 private:
  std::shared_ptr<const LogReadSpec> spec_;
};

}  // namespace

plan::TableProviderPtr MakeLogTable(LogReadSpec spec) {
  return std::make_shared<LogTable>(std::move(spec));
}

}  // namespace weir::connectors
