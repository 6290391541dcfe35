// The Sink contract of DESIGN.md section 5: where a streaming query's output goes
// (console, memory, files, the embedded log, Kafka, foreachBatch).
//
// Contract:
//  - AddBatch(epoch, ...) is idempotent per epoch: after a crash the engine may call
//    it again with the same epoch and the same rows, and the sink must replace or
//    ignore what it wrote the first time (exactly-once sinks) — or declare itself
//    at-least-once (delivery() == kAtLeastOnce), which the query reports.
//  - Epochs arrive in increasing order; an epoch is never skipped.
//  - In kUpdate and kAppend modes the rows are the epoch's new/changed rows; in
//    kComplete they are the whole result table.
//
// Thread-safety: the engine calls one sink from one thread at a time.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/batch.h"
#include "weir/types/schema.h"

namespace weir::stream {

enum class OutputMode : uint8_t { kAppend, kUpdate, kComplete };
std::string_view OutputModeName(OutputMode mode);  // "Append", "Update", "Complete"
// "append", "update", "complete" (any case) -> mode; InvalidOption otherwise.
Result<OutputMode> ParseOutputMode(std::string_view text);

enum class Delivery : uint8_t { kExactlyOnce, kAtLeastOnce };

class Sink {
 public:
  virtual ~Sink() = default;
  // Progress's sink `description`: "MemorySink", "FileSink[/out]".
  virtual std::string Describe() const = 0;
  virtual Delivery delivery() const { return Delivery::kExactlyOnce; }
  // Writes the output of `epoch` (see the contract). `batches` all have `schema`.
  virtual Status AddBatch(int64_t epoch, const SchemaPtr& schema, const std::vector<Batch>& batches,
                          OutputMode mode) = 0;
  // Called once when the query stops; idempotent.
  virtual void Stop() {}
};

using SinkPtr = std::shared_ptr<Sink>;

}  // namespace weir::stream
