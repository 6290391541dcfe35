// PregeneratedEvents: the events [0, N) of a Nexmark stream generated once, before a
// measurement, into columnar batches of every column — the input research engines
// measure on (`weir bench nexmark --pregenerated`, bench/nexmark/README.md). The
// `nexmark_pregenerated` source connector hands these batches out instead of running
// the generator, and the hand-written baselines (baseline.h) loop over them.
//
// Each kind's rows are kept in dense batches (no selection vector) of kDefaultBatchRows
// rows, in event order: row r of kind K is the r-th event of kind K (CountOfKind
// numbering), so the rows of the events [k0, k1) are rows [CountOfKind(K, k0),
// CountOfKind(K, k1)), and row r lies in batch r / kDefaultBatchRows.
//
// Thread-safety: immutable once made; share it freely (std::shared_ptr<const ...>).

#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "weir/common/result.h"
#include "weir/types/batch.h"

#include "nexmark/generator.h"

namespace weir::nexmark {

class PregeneratedEvents {
 public:
  // Generates the events [0, events) of each of `kinds` (every column), on `threads`
  // threads (at least 1). InvalidArgument when events is negative or past
  // generator.max_events().
  static Result<std::shared_ptr<const PregeneratedEvents>> Make(const Generator& generator,
                                                                int64_t events,
                                                                const std::vector<EventKind>& kinds,
                                                                int threads);

  const GeneratorConfig& config() const { return config_; }
  int64_t events() const { return events_; }
  bool Has(EventKind kind) const { return has_[Index(kind)]; }

  // The rows of `kind` among the events [k0, k1), as slices of the stored batches (a
  // batch cut at either end carries a selection vector). Columns are every column of
  // SchemaOf(kind). REQUIRES: Has(kind), 0 <= k0 <= k1 <= events().
  std::vector<Batch> Slice(EventKind kind, int64_t k0, int64_t k1) const;

  // Every stored batch of `kind`, in order. REQUIRES: Has(kind).
  const std::vector<Batch>& Batches(EventKind kind) const { return batches_[Index(kind)]; }

  // Bytes held by the batches.
  int64_t MemoryUsage() const;

 private:
  PregeneratedEvents() = default;
  static size_t Index(EventKind kind) { return static_cast<size_t>(kind); }

  GeneratorConfig config_;
  int64_t events_ = 0;
  bool has_[3] = {false, false, false};  // by EventKind
  std::vector<Batch> batches_[3];        // by EventKind
};

}  // namespace weir::nexmark
