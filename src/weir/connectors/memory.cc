// The `memory` source and sink (Spark 3.5's MemoryStream and MemorySink, memory.scala).
//
// Source: reads the MemoryStreamBuffer that LocalTables keeps under the source's name
// (tests and the C++ API append batches to it). Offsets are {"batches":N}, the first N
// batches appended; Read(a, b) is batches a..b-1.
//
// Sink: keeps every row it received and publishes a snapshot table under the query's
// name in LocalTables after each epoch, which `SELECT * FROM <query name>` reads.
// Append and Update modes add the epoch's rows; Complete replaces them. Exactly once:
// an epoch at or below the last one written is ignored, as Spark's MemorySink does.
// A sink starts empty (as Spark's does when a query starts), so a restarted query's
// table holds the epochs of the current run only.

#include <algorithm>
#include <array>

#include "weir/connectors/builtin.h"
#include "weir/connectors/connector_util.h"

namespace weir::connectors {

namespace {

constexpr int kMaxReadPartitions = 64;

// Spark's MemoryStream description: "MemoryStream[a,b]".
std::string ColumnList(const Schema& schema) {
  std::string s;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i > 0) s += ',';
    s += schema.field(i).name;
  }
  return s;
}

class MemorySource final : public stream::Source {
 public:
  MemorySource(std::string name, std::shared_ptr<stream::MemoryStreamBuffer> buffer)
      : name_(std::move(name)), buffer_(std::move(buffer)) {}

  const SchemaPtr& schema() const override { return buffer_->schema(); }
  std::string Describe() const override {
    return "MemoryStream[" + ColumnList(*buffer_->schema()) + "]";
  }

  Result<stream::Offset> InitialOffset() override { return MakeOffset(0); }

  Result<stream::Offset> LatestOffset(const stream::Offset& start,
                                      const stream::ReadLimit& /*limit*/) override {
    ASSIGN_OR_RAISE(int64_t s, Parse(start));
    int64_t latest = buffer_->size();
    if (available_now_ >= 0) latest = std::min(latest, available_now_);
    return MakeOffset(std::max(s, latest));
  }

  Status PrepareForAvailableNow() override {
    available_now_ = buffer_->size();
    return Status::OK();
  }

  Result<plan::TableProviderPtr> Read(const stream::Offset& start,
                                      const stream::Offset& end) override {
    ASSIGN_OR_RAISE(int64_t s, Parse(start));
    ASSIGN_OR_RAISE(int64_t e, Parse(end));
    Result<std::vector<Batch>> batches = buffer_->Slice(s, e);
    if (!batches.ok()) return batches.status().WithContext("memory source `" + name_ + "`");
    const int partitions = static_cast<int>(std::min<size_t>(batches->size(), kMaxReadPartitions));
    return std::make_shared<plan::MemoryTable>(buffer_->schema(), std::move(*batches), partitions,
                                               "memory " + name_);
  }

  Status Commit(const stream::Offset& end) override { return Parse(end).status(); }

 private:
  static stream::Offset MakeOffset(int64_t batches) { return OffsetJson({{"batches", batches}}); }

  Result<int64_t> Parse(const stream::Offset& offset) const {
    const std::string what = "memory source `" + name_ + "`";
    ASSIGN_OR_RAISE(int64_t n, OffsetField(offset, "batches", what));
    if (n < 0) {
      return Status::InvalidArgument("The " + what + " cannot read the offset '" + offset +
                                     "': negative batch count.");
    }
    return n;
  }

  std::string name_;
  std::shared_ptr<stream::MemoryStreamBuffer> buffer_;
  int64_t available_now_ = -1;  // AvailableNow's end; -1 when not fixed
};

// Batches a memory sink received, in fixed slots filled in order. A snapshot reads
// the first `count` slots of a block, which the sink never writes again; the sink
// fills later slots meanwhile (different memory, so no data race), and never moves
// the block, so publishing after an epoch copies no batch.
struct BatchBlock {
  static constexpr size_t kSlots = 256;
  std::array<Batch, kSlots> slots;
};

// The snapshot a memory sink publishes: its batches in arrival order, as blocks
// shared with the sink (so publishing after an epoch copies O(blocks) pointers, not
// every batch received so far). One partition, so rows keep their order.
class MemorySinkTable final : public plan::TableProvider {
 public:
  struct Chunk {
    std::shared_ptr<const BatchBlock> block;
    size_t count = 0;  // the slots [0, count) of `block` belong to the snapshot
  };

  MemorySinkTable(SchemaPtr schema, std::string name, std::vector<Chunk> chunks)
      : schema_(std::move(schema)), name_(std::move(name)), chunks_(std::move(chunks)) {}

  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override { return "MemorySink " + name_; }
  int NumPartitions() const override { return 1; }
  Result<plan::BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override {
    if (partition != 0) {
      return Status::InvalidArgument("partition " + std::to_string(partition) + " out of range");
    }
    std::vector<Field> fields;
    for (int c : columns) {
      if (c < 0 || c >= schema_->num_fields())
        return Status::InvalidArgument("column out of range");
      fields.push_back(schema_->field(c));
    }
    return std::make_unique<Reader>(chunks_, columns, MakeSchema(std::move(fields)));
  }

 private:
  class Reader final : public plan::BatchReader {
   public:
    Reader(std::vector<Chunk> chunks, std::vector<int> columns, SchemaPtr schema)
        : chunks_(std::move(chunks)), columns_(std::move(columns)), schema_(std::move(schema)) {}

    Result<bool> Next(Batch* out) override {
      while (chunk_ < chunks_.size() && index_ >= chunks_[chunk_].count) {
        ++chunk_;
        index_ = 0;
      }
      if (chunk_ >= chunks_.size()) return false;
      const Batch& b = chunks_[chunk_].block->slots[index_++];
      if (columns_.empty()) {
        *out = Batch::MakeRowsOnly(b.num_rows());
        return true;
      }
      std::vector<ColumnPtr> cols;
      cols.reserve(columns_.size());
      for (int c : columns_) cols.push_back(b.column(c));
      ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(cols), b.selection()));
      return true;
    }

   private:
    std::vector<Chunk> chunks_;
    std::vector<int> columns_;
    SchemaPtr schema_;
    size_t chunk_ = 0;
    size_t index_ = 0;
  };

  SchemaPtr schema_;
  std::string name_;
  std::vector<Chunk> chunks_;
};

class MemorySink final : public stream::Sink {
 public:
  MemorySink(std::string table_name, stream::LocalTables* tables, SchemaPtr declared)
      : table_name_(std::move(table_name)), tables_(tables), schema_(std::move(declared)) {
    // Like Spark, the table exists (empty) as soon as the query starts, when its
    // columns are known.
    if (schema_ != nullptr) Publish();
  }

  std::string Describe() const override { return "MemorySink"; }

  Status AddBatch(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& batches,
                  stream::OutputMode mode) override {
    if (epoch <= last_epoch_) return Status::OK();  // a replayed epoch: already written
    if (schema == nullptr) return Status::InvalidArgument("memory sink: null schema");
    if (schema_ != nullptr && schema_->num_fields() != schema->num_fields()) {
      return Status::InvalidArgument("The memory sink `" + table_name_ + "` holds rows of " +
                                     schema_->ToString() + " and cannot add rows of " +
                                     schema->ToString() + ".");
    }
    for (const Batch& b : batches) {
      if (!(*b.schema() == *schema)) {
        return Status::InvalidArgument("memory sink `" + table_name_ +
                                       "`: a batch does not have the epoch's schema");
      }
    }
    if (mode == stream::OutputMode::kComplete) {
      // Earlier snapshots may still read the blocks: start new ones.
      sealed_.clear();
      tail_ = nullptr;
      tail_count_ = 0;
    }
    schema_ = schema;
    for (const Batch& b : batches) {
      if (b.num_rows() == 0) continue;
      if (tail_ != nullptr && tail_count_ == BatchBlock::kSlots) {
        sealed_.push_back({tail_, tail_count_});
        tail_ = nullptr;
      }
      if (tail_ == nullptr) {
        tail_ = std::make_shared<BatchBlock>();
        tail_count_ = 0;
      }
      tail_->slots[tail_count_++] = b;
    }
    last_epoch_ = epoch;
    Publish();
    return Status::OK();
  }

 private:
  void Publish() {
    std::vector<MemorySinkTable::Chunk> chunks = sealed_;
    if (tail_count_ > 0) chunks.push_back({tail_, tail_count_});
    tables_->PutResult(table_name_,
                       std::make_shared<MemorySinkTable>(schema_, table_name_, std::move(chunks)));
  }

  std::string table_name_;
  stream::LocalTables* tables_;
  SchemaPtr schema_;                            // the rows' schema; null until known
  std::vector<MemorySinkTable::Chunk> sealed_;  // full blocks
  std::shared_ptr<BatchBlock> tail_;            // the block being filled, or null
  size_t tail_count_ = 0;                       // its filled slots
  int64_t last_epoch_ = -1;
};

Result<stream::SourcePtr> MakeMemorySource(const stream::ConnectorContext& ctx) {
  if (ctx.schema == nullptr || ctx.schema->num_fields() == 0) {
    return Status::InvalidOption("[INVALID_OPTION] The memory source `" + ctx.name +
                                 "` needs declared columns.")
        .WithHint("declare them: CREATE SOURCE " + ctx.name +
                  " (id BIGINT, name STRING) WITH (connector = 'memory')");
  }
  if (ctx.local_tables == nullptr) {
    return Status::InvalidArgument("memory source `" + ctx.name + "`: no local tables");
  }
  Result<std::shared_ptr<stream::MemoryStreamBuffer>> buffer =
      ctx.local_tables->Input(ctx.name, ctx.schema);
  if (!buffer.ok()) return Status::InvalidOption(buffer.status().message());
  return std::make_shared<MemorySource>(ctx.name, std::move(*buffer));
}

Result<stream::SinkPtr> MakeMemorySink(const stream::ConnectorContext& ctx) {
  std::string name = ctx.query_name;
  if (name.empty()) name = ctx.options.Get("queryName");
  if (name.empty()) name = ctx.name;
  if (name.empty()) {
    return Status::InvalidOption("[INVALID_OPTION] queryName must be specified for memory sink.")
        .WithHint("name the query: queryName = 'results'");
  }
  if (ctx.local_tables == nullptr) {
    return Status::InvalidArgument("memory sink `" + name + "`: no local tables");
  }
  return std::make_shared<MemorySink>(std::move(name), ctx.local_tables, ctx.schema);
}

}  // namespace

void RegisterMemoryConnectors(stream::ConnectorRegistry* registry) {
  registry->RegisterSource("memory", MakeMemorySource);
  registry->RegisterSink("memory", MakeMemorySink);
}

}  // namespace weir::connectors
