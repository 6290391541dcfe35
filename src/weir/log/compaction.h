// Log compaction (docs/log.md, "Compaction"; docs/log_format.md sections 2.4 and 8):
// the pieces Partition::Compact() is built from, and the recovery of an interrupted
// segment swap that Partition::Open runs.
//
// A compacted copy of a sealed segment with base offset B is written as
//   B.log.cleaned, B.index.cleaned, B.timeindex.cleaned   (synced, then SyncDir)
// and swapped in by
//   1. rename B.log.cleaned -> B.log.swap, SyncDir        (the commit point)
//   2. rename B.index.cleaned -> B.index and B.timeindex.cleaned -> B.timeindex,
//      rename B.log.swap -> B.log, SyncDir.
// At open, a B.log.swap means step 1 is durable: step 2 is redone (an index whose
// .cleaned file is gone was already renamed, or is stale: it is deleted and rebuilt).
// Any .cleaned file left after that belongs to an uncommitted copy and is deleted.
//
// Thread-safety: CompactionPlan is not thread-safe; the free functions are safe to
// call concurrently on different segments.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/index.h"
#include "weir/log/record_batch.h"
#include "weir/log/segment.h"

namespace weir::log {

inline constexpr std::string_view kCleanedSuffix = ".cleaned";
inline constexpr std::string_view kSwapSuffix = ".swap";

// Which records of the sealed segments survive compaction. Built from every batch of
// the sealed segments, in offset order, before any segment is rewritten.
class CompactionPlan {
 public:
  // Tombstones with a timestamp below `tombstone_cutoff_ms` are removed.
  explicit CompactionPlan(int64_t tombstone_cutoff_ms) : cutoff_(tombstone_cutoff_ms) {}

  // Tells the plan which batches belong to aborted transactions: their records are
  // never a key's latest value and do not survive (unless the batch is kept whole,
  // where read-committed readers still skip them). Default: none.
  void set_aborted(std::function<bool(const BatchHeader&)> aborted) {
    aborted_ = std::move(aborted);
  }
  bool Aborted(const BatchHeader& h) const {
    return aborted_ && h.transactional() && !h.control() && aborted_(h);
  }

  // REQUIRES: batches are added in offset order.
  void Add(const RecordBatch& batch);

  // Batches kept whole, whatever their records: control batches, and the last batch
  // of each producer id, from which Open() rebuilds the producer's sequence state.
  bool KeepWhole(const BatchHeader& h) const;
  // A record survives when it has no key, or is its key's latest record and is not a
  // tombstone older than the cutoff.
  bool Survives(const LogRecord& r) const;

  size_t num_keys() const { return latest_.size(); }

 private:
  const int64_t cutoff_;
  std::function<bool(const BatchHeader&)> aborted_;
  std::unordered_map<std::string, int64_t> latest_;           // key -> offset of its latest record
  std::unordered_map<int64_t, int64_t> last_producer_batch_;  // producer id -> base offset
};

// Writes the compacted copy of the segment with base offset `base` in `dir` under the
// .cleaned names. Not thread-safe.
class CleanedSegmentWriter {
 public:
  // Creates (truncating) the three .cleaned files.
  static Result<std::unique_ptr<CleanedSegmentWriter>> Create(Env* env, const std::string& dir,
                                                              int64_t base,
                                                              int32_t index_interval_bytes);

  // Appends the survivors of `batch`: all of it if plan.KeepWhole or nothing was
  // removed, else one batch per run of consecutive surviving offsets (without producer
  // fields, whose sequences would no longer match, and so without the transactional
  // bit: only committed transactions' records survive a split). Every batch written has the
  // compacted attribute. Adds the records removed to *removed.
  Status Add(const RecordBatch& batch, const CompactionPlan& plan, int64_t* removed);

  // Syncs and closes the three files, then SyncDir(dir).
  Status Finish();

  uint64_t size() const { return size_; }

 private:
  CleanedSegmentWriter(Env* env, std::string dir, int64_t base, int32_t index_interval_bytes)
      : env_(env), dir_(std::move(dir)), base_(base), builder_(index_interval_bytes) {}
  Status Write(const std::string& encoded);

  Env* const env_;
  const std::string dir_;
  const int64_t base_;
  IndexBuilder builder_;
  std::unique_ptr<WritableFile> log_;
  std::unique_ptr<WritableFile> index_;
  std::unique_ptr<WritableFile> time_index_;
  uint64_t size_ = 0;
};

// Removes the .cleaned files of the segment with base offset `base`; NotFound is fine.
Status DeleteCleanedFiles(Env* env, const std::string& dir, int64_t base);

// Step 1 of the swap: the commit point. When the rename fails nothing changed on disk
// (*committed is false); after it, *committed is true even if the SyncDir fails (the
// swap may or may not survive a power loss, and recovery handles both).
Status CommitCleanedSegment(Env* env, const std::string& dir, int64_t base, bool* committed);

// Step 2 of the swap. REQUIRES: B.log.swap exists.
Status FinishSegmentSwap(Env* env, const std::string& dir, int64_t base);

// Run by a writer's Partition::Open before it lists the segments: finishes every
// committed swap and deletes every uncommitted .cleaned file, then syncs the directory.
Status RecoverCompactionFiles(Env* env, const std::string& dir);

}  // namespace weir::log
