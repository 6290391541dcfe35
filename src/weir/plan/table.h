// Tables the engine can read in a batch query: a schema, and a way to read it in
// partitions that run in parallel. Files read through a format (json, csv, text),
// in-memory tables, VALUES-like generated tables and (later) a log topic or a Kafka
// range all implement TableProvider; the logical ScanNode holds one.
//
// Contract:
//  - NumPartitions() is fixed for the provider's lifetime; Open(p, ...) may be called
//    concurrently for different partitions and more than once for the same one
//    (each call reads the partition again from the start and gives the same rows).
//  - A reader yields batches of exactly the requested columns, in the requested
//    order; it may yield empty batches; Next returns false at the end.
//  - A malformed record follows the provider's own policy (PERMISSIVE, DROPMALFORMED,
//    FAILFAST), never a crash.
//
// Thread-safety: providers are immutable and shared; a reader is used by one thread.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/batch.h"
#include "weir/types/schema.h"

namespace weir::plan {

class BatchReader {
 public:
  virtual ~BatchReader() = default;
  // Sets *out to the next batch and returns true, or returns false at the end.
  virtual Result<bool> Next(Batch* out) = 0;
};

using BatchReaderPtr = std::unique_ptr<BatchReader>;

class TableProvider {
 public:
  virtual ~TableProvider() = default;
  virtual const SchemaPtr& schema() const = 0;
  // For EXPLAIN: "json /data/logs", "memory t".
  virtual std::string Describe() const = 0;
  virtual int NumPartitions() const = 0;
  // Reads partition `partition` (0 <= partition < NumPartitions()), producing the
  // given columns (indices into schema()).
  virtual Result<BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const = 0;
  // The column that receives a malformed record's raw text (Spark's
  // columnNameOfCorruptRecord of the JSON and CSV formats), or -1 when the table has
  // none. The optimizer refuses a scan that reads this column alone, as Spark 3.5
  // does ([UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN]): without another
  // column to parse, a reader could not tell which records are malformed.
  virtual int corrupt_record_column() const { return -1; }
  // An estimate of the table's size in bytes (Spark's sizeInBytes statistic), for
  // choosing a join's build side; nullopt when unknown.
  virtual std::optional<int64_t> EstimatedBytes() const { return std::nullopt; }
};

using TableProviderPtr = std::shared_ptr<const TableProvider>;

// A table held in memory as batches, one partition per batch group. For VALUES-like
// inputs, tests and the C++ API.
class MemoryTable final : public TableProvider {
 public:
  // REQUIRES: every batch has `schema`. Batches are spread over `partitions` partitions
  // (at most one per batch; at least 1).
  MemoryTable(SchemaPtr schema, std::vector<Batch> batches, int partitions = 1,
              std::string name = "memory");
  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override;
  int NumPartitions() const override { return static_cast<int>(partitions_.size()); }
  Result<BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override;
  std::optional<int64_t> EstimatedBytes() const override { return bytes_; }

 private:
  SchemaPtr schema_;
  std::string name_;
  int64_t bytes_ = 0;
  std::vector<std::vector<Batch>> partitions_;
};

// Spark's range(start, end, step) table function: one BIGINT column `id` with
// start, start + step, ... up to (excluding) end, split into `partitions` contiguous
// partitions, produced in batches of at most kBatchRows rows.
class RangeTable final : public TableProvider {
 public:
  static constexpr int64_t kBatchRows = 4096;
  // REQUIRES: step != 0; partitions >= 1.
  RangeTable(int64_t start, int64_t end, int64_t step, int partitions = 1);
  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override;
  int NumPartitions() const override { return partitions_; }
  Result<BatchReaderPtr> Open(int partition, const std::vector<int>& columns) const override;
  // The number of rows (Spark's numElements, 0 when the range is empty).
  int64_t NumRows() const { return rows_; }
  std::optional<int64_t> EstimatedBytes() const override { return rows_ * 8; }

 private:
  SchemaPtr schema_;
  int64_t start_;
  int64_t end_;
  int64_t step_;
  int64_t rows_;
  int partitions_;
};

}  // namespace weir::plan
