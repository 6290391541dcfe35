// The Source contract of DESIGN.md section 5: what every streaming input (rate,
// file, socket, memory, the embedded log, Kafka) implements, and what the micro-batch
// loop relies on for exactly-once.
//
// Offsets are JSON text, as in Spark's offset log: each source writes and parses its
// own (rate: {"value":120}; file: {"logOffset":3}; log: {"weblogs":{"0":42}}). The
// engine stores them in the checkpoint and hands them back; it only compares them
// for equality (no new data when latest == start).
//
// Contract:
//  - Offsets are totally ordered per source and only move forward.
//  - Read(start, end) returns the same rows every time it is called with the same
//    offsets, also after a restart of the process (a source that cannot replay, like a
//    socket, writes what it receives ahead to a log first).
//  - Commit(end) lets the source drop what lies before `end`; Read is never called
//    again with a start before a committed end.
//  - Errors are Status: a malformed record follows the source's mode (PERMISSIVE,
//    DROPMALFORMED, FAILFAST) and is counted in SourceMetrics.
//
// Thread-safety: the engine calls one source from one thread at a time; the table
// Read returns may be scanned by many threads (plan::TableProvider's contract).

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "weir/common/result.h"
#include "weir/plan/table.h"
#include "weir/types/schema.h"

namespace weir::stream {

using Offset = std::string;

// Per-trigger limits (maxFilesPerTrigger, maxOffsetsPerTrigger, ...), set by the
// engine from the trigger: AvailableNow keeps the source's own limits but caps the
// end at the offset latest when the query started.
struct ReadLimit {
  // Unset: the source's own option decides.
  bool all_available = false;
};

// Counters a source keeps for progress reporting.
struct SourceMetrics {
  int64_t malformed_records = 0;  // seen malformed (all modes)
  int64_t dropped_records = 0;    // dropped (DROPMALFORMED)
};

class Source {
 public:
  virtual ~Source() = default;

  // The rows' schema (the declared columns, or the connector's raw columns).
  virtual const SchemaPtr& schema() const = 0;
  // Progress's `description`, Spark-like: "RateStreamV2[rowsPerSecond=10, ...]".
  virtual std::string Describe() const = 0;

  // Where a query without a checkpoint starts (e.g. startingOffsets): data after it
  // is read by the first epoch.
  virtual Result<Offset> InitialOffset() = 0;
  // The newest offset to read up to now, at most one trigger's worth of data past
  // `start` (maxFilesPerTrigger, rowsPerSecond's schedule...). Returns `start` when
  // there is nothing new.
  virtual Result<Offset> LatestOffset(const Offset& start, const ReadLimit& limit) = 0;
  // AvailableNow: fixes the end of the data to process (what is there now); later
  // LatestOffset calls never go past it. Default: nothing to fix.
  virtual Status PrepareForAvailableNow() { return Status::OK(); }
  // The rows after `start` up to and including `end`, as a table the batch engine
  // scans (its partitions are read in parallel).
  virtual Result<plan::TableProviderPtr> Read(const Offset& start, const Offset& end) = 0;
  // Data up to `end` is processed and committed; the source may drop it.
  virtual Status Commit(const Offset& end) = 0;
  // Stops background work (a socket's reader thread); idempotent.
  virtual void Stop() {}

  virtual SourceMetrics metrics() const { return {}; }
};

using SourcePtr = std::shared_ptr<Source>;

}  // namespace weir::stream
