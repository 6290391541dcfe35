// Data that lives in the process and is shared between a session and its streaming
// queries' connectors:
//  - memory sinks keep their result table here under the query's name, and the
//    session's catalog resolves that name, so `SELECT * FROM <query name>` in
//    `weir sql` reads what a memory sink holds (Spark's memory sink);
//  - memory sources read from an input buffer here, named by the source, to which
//    tests (.stest's AddData) and the C++ API append rows.
//
// Thread-safety: all methods are thread-safe.

#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "weir/common/result.h"
#include "weir/plan/table.h"
#include "weir/types/batch.h"

namespace weir::stream {

// The rows appended to a memory source, as numbered batches: offset N means "the
// first N batches". Read(a, b) is batches a..b-1 (as one table).
class MemoryStreamBuffer {
 public:
  explicit MemoryStreamBuffer(SchemaPtr schema) : schema_(std::move(schema)) {}
  const SchemaPtr& schema() const { return schema_; }
  // Appends one batch (an AddData); InvalidArgument if its schema differs. Returns the
  // offset after it.
  Result<int64_t> Append(Batch batch);
  int64_t size() const;
  // Batches [start, end).
  Result<std::vector<Batch>> Slice(int64_t start, int64_t end) const;

 private:
  SchemaPtr schema_;
  mutable std::mutex mu_;
  std::vector<Batch> batches_;  // guarded by mu_
};

class LocalTables {
 public:
  // Memory sinks: replace the table named `name` (case-insensitive).
  void PutResult(std::string_view name, plan::TableProviderPtr table);
  plan::TableProviderPtr GetResult(std::string_view name) const;
  std::vector<std::string> ResultNames() const;

  // Memory sources: the buffer named `name`, created with `schema` on first use;
  // InvalidArgument if it exists with another schema.
  Result<std::shared_ptr<MemoryStreamBuffer>> Input(std::string_view name, SchemaPtr schema);
  // The existing buffer, or null.
  std::shared_ptr<MemoryStreamBuffer> FindInput(std::string_view name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, plan::TableProviderPtr> results_;              // guarded by mu_
  std::map<std::string, std::shared_ptr<MemoryStreamBuffer>> inputs_;  // guarded by mu_
};

}  // namespace weir::stream
