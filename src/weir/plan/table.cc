#include "weir/plan/table.h"

#include <algorithm>

#include "weir/common/check.h"
#include "weir/types/builder.h"

namespace weir::plan {

namespace {

class MemoryReader final : public BatchReader {
 public:
  MemoryReader(const std::vector<Batch>* batches, std::vector<int> columns, SchemaPtr schema)
      : batches_(batches), columns_(std::move(columns)), schema_(std::move(schema)) {}

  Result<bool> Next(Batch* out) override {
    if (next_ >= batches_->size()) return false;
    const Batch& b = (*batches_)[next_++];
    std::vector<ColumnPtr> cols;
    cols.reserve(columns_.size());
    for (int c : columns_) cols.push_back(b.column(c));
    if (columns_.empty()) {
      *out = Batch::MakeRowsOnly(b.num_rows());
      return true;
    }
    ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(cols), b.selection()));
    return true;
  }

 private:
  const std::vector<Batch>* batches_;
  std::vector<int> columns_;
  SchemaPtr schema_;
  size_t next_ = 0;
};

}  // namespace

MemoryTable::MemoryTable(SchemaPtr schema, std::vector<Batch> batches, int partitions,
                         std::string name)
    : schema_(std::move(schema)), name_(std::move(name)) {
  const size_t n =
      std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(std::max(partitions, 1)),
                                           std::max<size_t>(batches.size(), 1)));
  partitions_.resize(n);
  for (size_t i = 0; i < batches.size(); ++i) {
    WEIR_CHECK(*batches[i].schema() == *schema_);
    bytes_ += batches[i].MemoryUsage();
    partitions_[i % n].push_back(std::move(batches[i]));
  }
}

std::string MemoryTable::Describe() const { return name_; }

Result<BatchReaderPtr> MemoryTable::Open(int partition, const std::vector<int>& columns) const {
  if (partition < 0 || partition >= NumPartitions()) {
    return Status::InvalidArgument("partition " + std::to_string(partition) + " out of range");
  }
  std::vector<Field> fields;
  for (int c : columns) {
    if (c < 0 || c >= schema_->num_fields()) return Status::InvalidArgument("column out of range");
    fields.push_back(schema_->field(c));
  }
  return std::make_unique<MemoryReader>(&partitions_[static_cast<size_t>(partition)], columns,
                                        MakeSchema(std::move(fields)));
}

}  // namespace weir::plan

// RangeTable ---------------------------------------------------------------------

namespace weir::plan {

namespace {

class RangeReader final : public BatchReader {
 public:
  RangeReader(int64_t first, int64_t step, int64_t count, std::vector<int> columns,
              SchemaPtr schema)
      : next_(first),
        step_(step),
        left_(count),
        columns_(std::move(columns)),
        schema_(std::move(schema)) {}

  Result<bool> Next(Batch* out) override {
    if (left_ <= 0) return false;
    const int64_t n = std::min(left_, RangeTable::kBatchRows);
    if (columns_.empty()) {
      *out = Batch::MakeRowsOnly(n);
    } else {
      Int64Builder b(DataType::Int64());
      for (int64_t i = 0; i < n; ++i) {
        b.Append(next_);
        // Wrapping arithmetic: the last value may be followed by an overflow.
        next_ = static_cast<int64_t>(static_cast<uint64_t>(next_) + static_cast<uint64_t>(step_));
      }
      std::vector<ColumnPtr> cols;
      ColumnPtr c = b.Finish();
      for (size_t i = 0; i < columns_.size(); ++i) cols.push_back(c);
      ASSIGN_OR_RAISE(*out, Batch::Make(schema_, std::move(cols)));
    }
    left_ -= n;
    return true;
  }

 private:
  int64_t next_;
  int64_t step_;
  int64_t left_;
  std::vector<int> columns_;
  SchemaPtr schema_;
};

int64_t RangeRows(int64_t start, int64_t end, int64_t step) {
  if ((step > 0 && start >= end) || (step < 0 && start <= end)) return 0;
  const __int128 span = static_cast<__int128>(end) - start;
  const __int128 n = (span + step + (step > 0 ? -1 : 1)) / step;
  return n > INT64_MAX ? INT64_MAX : static_cast<int64_t>(n);
}

}  // namespace

RangeTable::RangeTable(int64_t start, int64_t end, int64_t step, int partitions)
    : schema_(MakeSchema({Field{"id", DataType::Int64(), false}})),
      start_(start),
      end_(end),
      step_(step),
      rows_(RangeRows(start, end, step)),
      partitions_(std::max(partitions, 1)) {
  WEIR_CHECK(step != 0);
}

std::string RangeTable::Describe() const {
  return "range(" + std::to_string(start_) + ", " + std::to_string(end_) + ", " +
         std::to_string(step_) + ")";
}

Result<BatchReaderPtr> RangeTable::Open(int partition, const std::vector<int>& columns) const {
  if (partition < 0 || partition >= partitions_) {
    return Status::InvalidArgument("partition " + std::to_string(partition) + " out of range");
  }
  std::vector<Field> fields;
  for (int c : columns) {
    if (c != 0) return Status::InvalidArgument("column out of range");
    fields.push_back(schema_->field(0));
  }
  const int64_t per = rows_ / partitions_;
  const int64_t extra = rows_ % partitions_;
  const int64_t first_row = partition * per + std::min<int64_t>(partition, extra);
  const int64_t count = per + (partition < extra ? 1 : 0);
  const int64_t first =
      static_cast<int64_t>(static_cast<uint64_t>(start_) +
                           static_cast<uint64_t>(first_row) * static_cast<uint64_t>(step_));
  return std::make_unique<RangeReader>(first, step_, count, columns, MakeSchema(std::move(fields)));
}

}  // namespace weir::plan
