// A partition of a topic: an append-only, totally ordered sequence of records, each
// with an offset, stored as segments in one directory (docs/log_format.md).
//
//   ASSIGN_OR_RAISE(auto p, Partition::Open(env, "data/topics/clicks/0", {}));
//   ASSIGN_OR_RAISE(AppendResult r, p->Append(records));   // durable when it returns
//   ASSIGN_OR_RAISE(auto batches, p->Read(r.base_offset, 1 << 20));
//
// Promises:
//   - Offsets never lie: they are assigned contiguously from 0, never reused for an
//     acknowledged record and never skipped, also across crashes: after recovery the
//     next offset is the last valid batch's last offset + 1. Compaction (compact
//     topics only) later removes records but never changes an offset: it leaves gaps.
//   - With Durability::kFsync (the default), Append() returns only after the batch is
//     durable (group commit, below), and readers see a batch only once it is durable.
//     With kInterval,
//     a power loss can lose the appends of the last flush_interval_ms.
//   - Open() after a crash recovers (docs/log_format.md section 5): a torn tail is
//     truncated, a damaged index rebuilt; damage in a sealed segment is reported as
//     Corruption by the reads that reach it, never served and never truncated.
//   - After an I/O error while appending, the partition refuses further appends with
//     that error; reopening it recovers. A failed append may or may not be present
//     after reopening; every acknowledged one is.
//
//   - Idempotent producers: a batch with a producer id is checked against the
//     producer's epoch and sequence (producer_state.h): a retry of one of its last
//     five batches returns the offsets it was first given and appends nothing; an
//     older epoch (ProducerFenced) or a sequence gap (OutOfOrderSequence) is an
//     InvalidArgument that does not affect later appends. Open() rebuilds the state
//     from the batch headers of the last producer_state_segments segments.
//
//   - Transactions (docs/log.md, "Transactions"): a producer appends batches with
//     BatchOptions::transactional and ends its transaction with EndTransaction, which
//     appends a commit or abort marker (a control batch) and syncs it. A
//     read-committed Read stops at the last stable offset (the first offset of the
//     earliest open transaction) and leaves out aborted records; control batches are
//     returned with their header only. A newer epoch of a producer id aborts the
//     older epoch's open transaction (fencing). Open() rebuilds the open transactions
//     and the aborted ranges from the batch headers of every segment.
//
//   - Retention (retention_ms, retention_bytes) deletes whole sealed segments, oldest
//     first, never the active one; start_offset() advances to the first kept segment.
//
// Group commit (kFsync): concurrent appends share fsyncs. An append encodes and writes
// its batch under write_mu_, then waits, without write_mu_, until a sync covers it:
// if no sync is running it leads one (syncing everything written so far, while the
// others write their batches), else it waits for the running one and looks again. An
// append is acknowledged, and its batch made visible to readers, only after a sync
// that started after its batch was written; one fsync covers every batch written
// before it. A failed sync fails every append it was to cover, and is sticky.
// Transaction markers are synced by EndTransaction itself, under write_mu_.
//
// Thread-safety: thread-safe. Appends (Append, EndTransaction, Sync, Close,
// ApplyRetention, Refresh) are serialized by write_mu_, so there is one writer at a
// time, except for the group syncs, which run without it. Readers (Read,
// FindOffsetByTimestamp, start_offset, end_offset, last_stable_offset, num_segments,
// segments, compaction_backlog) may run concurrently with each other and with an
// append; they hold mu_ only to take a snapshot of the segment list (and the
// transaction state) and never wait for an fsync. Compact() may run concurrently with
// all of these (one Compact() at a time, serialized by compact_mu_); it holds
// write_mu_ only to swap a segment in. Lock order: compact_mu_, then write_mu_, then
// mu_.
//
// Across processes: one writer per directory, which the caller enforces (a Topic
// holds a lock file per partition); any number of read_only opens, which change
// nothing on disk and see what the writer appends after Refresh().

#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/producer_state.h"
#include "weir/log/record_batch.h"
#include "weir/log/segment.h"
#include "weir/log/transaction_state.h"
#include "weir/log/txn_index.h"

namespace weir::log {

enum class Durability : uint8_t {
  kFsync,     // sync the log before acknowledging each append
  kInterval,  // sync when flush_interval_ms has passed since the last sync
};

struct PartitionOptions {
  // An append that would take the active segment past this size goes to a new
  // segment (a batch larger than it gets a segment of its own). Default 1 GiB;
  // at most kMaxSegmentBytes.
  int64_t segment_bytes = int64_t{1} << 30;
  // Bytes of log between two index entries. Default 4096.
  int32_t index_interval_bytes = 4096;
  // Default kFsync.
  Durability durability = Durability::kFsync;
  // For kInterval: the longest time appended data stays unsynced, measured on the
  // Env's monotonic clock when an append happens. Default 1000.
  int64_t flush_interval_ms = 1000;
  // Create the directory (and its parents) if it does not exist. Default true.
  bool create_if_missing = true;
  // Open for reading only, beside a writer that may be another process: nothing on
  // disk is created, truncated, rewritten or synced; a torn tail (a batch being
  // written) only ends what is visible; Refresh() picks up later appends, new
  // segments and segments deleted by retention. Appends fail. Default false.
  bool read_only = false;
  // Delete a sealed segment once its largest record timestamp is older than now
  // (the Env's wall clock, in ms) minus this many ms. -1 (the default) keeps
  // segments forever.
  int64_t retention_ms = -1;
  // Delete the oldest sealed segments while the partition holds more bytes than this.
  // -1 (the default) means no limit.
  int64_t retention_bytes = -1;
  // How many of the newest segments Open() scans (batch headers only) to rebuild the
  // idempotent-producer state. A producer whose last batch is older is forgotten: its
  // next batch is accepted at any sequence, so a retry of such an old batch would be
  // appended again. Default 4; at least 1.
  int32_t producer_state_segments = 4;
  // The topic's cleanup policy is compact: Compact() may run. Default false (Compact()
  // is then InvalidArgument).
  bool compact = false;
  // For compact: a tombstone (a keyed record with a null value that is the key's latest
  // record) is removed by compaction once its timestamp is older than now (the Env's
  // wall clock, in ms) minus this many ms. Default 1 day (Kafka's delete.retention.ms);
  // at least 0.
  int64_t delete_retention_ms = int64_t{24} * 3600 * 1000;
  // A transaction open longer than this (measured on the Env's wall clock from its
  // first batch, or from the open that recovered it) is aborted by the writer, on its
  // next Append or EndTransaction or on AbortTimedOutTransactions(), and its producer
  // epoch fenced. Default 60000 (Kafka's transaction.timeout.ms); at least 1.
  int64_t transaction_timeout_ms = 60000;
};

enum class IsolationLevel : uint8_t {
  kReadUncommitted,  // every data record, transactional or not, up to end_offset()
  kReadCommitted,    // non-transactional and committed records, up to the LSO
};

struct ReadOptions {
  // Default kReadUncommitted.
  IsolationLevel isolation = IsolationLevel::kReadUncommitted;
};

// How EndTransaction ends a transaction.
enum class TransactionResult : uint8_t { kCommit, kAbort };

// What one Compact() did.
struct CompactionStats {
  size_t segments_rewritten = 0;  // sealed segments replaced by a compacted copy
  int64_t records_removed = 0;
  uint64_t bytes_before = 0;  // of the rewritten segments' logs
  uint64_t bytes_after = 0;
};

// How much of a compact partition compaction could clean, and how much of that is new
// since the last Compact(): Kafka's dirty ratio (min.cleanable.dirty.ratio). Counts
// only what Compact() works on, the sealed segments below the last stable offset.
struct CompactionBacklog {
  // Bytes of those segments up to the end of the last Compact(): each key there had
  // its latest value then.
  uint64_t clean_bytes = 0;
  // Bytes of those segments after it, not yet compacted against.
  uint64_t dirty_bytes = 0;
  // dirty_bytes / (clean_bytes + dirty_bytes), 0 when both are 0.
  double dirty_ratio() const {
    const uint64_t total = clean_bytes + dirty_bytes;
    return total == 0 ? 0.0 : static_cast<double>(dirty_bytes) / static_cast<double>(total);
  }
};

// What a partition holds, per segment, for `weir topic describe` and tests.
struct SegmentInfo {
  int64_t base_offset = 0;
  int64_t end_offset = 0;     // one past the last readable offset
  uint64_t size_bytes = 0;    // readable bytes of the .log
  int64_t max_timestamp = 0;  // INT64_MIN when the segment is empty
};

// The largest segment_bytes: a segment's positions must fit in int32 even after
// one more batch of the largest size.
inline constexpr int64_t kMaxSegmentBytes = int64_t{0x7fffffff} - int64_t{kMaxBatchSize};

// What a partition's writer knows of one producer id (Partition::GetProducerStatus),
// so that a producer resuming after a restart (the log sink, docs/connectors.md) can
// end a transaction it left open and continue its epoch and sequence.
struct ProducerStatus {
  // The producer's current epoch, from its sequenced data batches in the newest
  // producer_state_segments segments; nullopt when the partition does not remember it
  // (it then accepts any epoch and sequence from it).
  std::optional<int16_t> epoch;
  // When epoch is set: the sequence its next batch must start at in that epoch, and
  // its last data batch.
  int32_t next_sequence = 0;
  ProducerBatch last_batch;
  // Whether that last batch belongs to an aborted transaction.
  bool last_batch_aborted = false;
  // Its open transaction, if any (known from every segment, see Open()).
  std::optional<TransactionState::OpenTransaction> open_transaction;
};

// The offsets an append was given.
struct AppendResult {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
};

// Creates `dir` and its missing parents and makes each new directory entry durable
// (SyncDir of its parent).
Status CreateDirsDurably(Env* env, const std::string& dir);

class CompactionPlan;  // compaction.h

class Partition {
 public:
  // Opens the partition in `dir`, creating it if needed and allowed, and recovers it.
  // InvalidArgument for bad options; NotFound if `dir` is missing and
  // !create_if_missing. `env` must outlive the partition.
  static Result<std::unique_ptr<Partition>> Open(Env* env, const std::string& dir,
                                                 const PartitionOptions& options);

  // Closes the files without syncing them; call Close() for an orderly shutdown.
  ~Partition();

  Partition(const Partition&) = delete;
  Partition& operator=(const Partition&) = delete;

  // Appends `records` as one batch, written with `batch_options` (compression,
  // producer fields). With batch_options.transactional (which needs a producer id),
  // the batch opens the producer's transaction unless one is open; a batch of a
  // newer epoch first aborts an older epoch's open transaction (fencing); a
  // non-transactional batch while the producer's transaction is open, and a control
  // batch (only EndTransaction writes those), are InvalidArgument. Returns the offsets
  // they were given once the batch is durable (kFsync) or written (kInterval). A retry
  // of an idempotent producer's batch returns the offsets it was first given.
  // InvalidArgument for a fenced epoch or a sequence gap (see the promises above), and
  // for a batch EncodeBatch rejects (empty, too large), which does not affect later
  // appends; an I/O error is sticky.
  Result<AppendResult> Append(std::span<const Record> records,
                              const BatchOptions& batch_options = {});

  // Ends the open transaction of `producer_id` at `epoch`: appends a control batch
  // (one commit or abort marker record, with the producer id and epoch in its header;
  // docs/log_format.md section 2.5) and syncs it before returning, whatever the
  // durability. Once it returns, read-committed readers see the transaction's records
  // (kCommit) or never will (kAbort), and the last stable offset moves on.
  //   - No open transaction for the producer: OK, nothing is written (a retried
  //     EndTransaction, or one after fencing aborted the transaction).
  //   - An epoch older than the open transaction's or the producer's current epoch:
  //     InvalidArgument "ProducerFenced: ...".
  //   - A newer epoch: the open transaction of the older epoch is aborted (fencing)
  //     and nothing else is written, whatever `result` asks for.
  // An I/O error is sticky, as for Append.
  Status EndTransaction(int64_t producer_id, int16_t epoch, TransactionResult result);

  // Makes everything appended so far durable (for kInterval).
  Status Sync();

  // Aborts every transaction open for longer than transaction_timeout_ms: appends an
  // abort marker for it with the producer's epoch + 1 (as Kafka's coordinator bumps
  // the epoch), so the producer's later batches and EndTransaction at its old epoch
  // are ProducerFenced. Append and EndTransaction do this first too; a background
  // thread calls it so that an idle partition does not block read-committed readers
  // forever (log.md). Returns how many were aborted. InvalidArgument when read_only.
  Result<size_t> AbortTimedOutTransactions();

  // Syncs (kInterval) and closes the files. Later appends fail; reads still work.
  // Idempotent.
  Status Close();

  // Deletes the oldest sealed segments that retention_ms or retention_bytes allow
  // (docs/log.md): a prefix of the segments, stopping at the first one neither rule
  // deletes and never touching the active segment. Each deletion is made durable
  // (SyncDir) before the next, so a crash leaves a contiguous suffix. Returns how many
  // segments were deleted. Also runs after every roll. InvalidArgument when read_only.
  Result<size_t> ApplyRetention();

  // REQUIRES: options.compact and not read_only (InvalidArgument otherwise).
  // Compacts the sealed segments (never the active one), oldest first, each into a
  // copy that keeps, for every key, only the key's latest record in the partition (the
  // latest anywhere, the active segment included), drops tombstones older than
  // delete_retention_ms, and keeps keyless records, control batches and each
  // producer's last batch whole (docs/log.md, "Compaction"). Offsets are kept, so a
  // compacted segment has gaps. Each segment is swapped crash-safely (temporary files,
  // fsync, renames, SyncDir; docs/log_format.md section 8); a crash leaves every
  // segment either as it was or compacted. A segment with nothing to remove is left
  // alone. An error before a segment's commit point leaves it as it was; an error
  // after it makes later Compact() calls fail until the partition is reopened, whose
  // recovery completes the swap.
  //
  // `stop` cancels it: it is checked after every read of about 1 MiB, and a cancelled
  // Compact() returns Cancelled, leaving the segments not yet swapped as they were
  // (so closing a topic need not wait for a long compaction).
  //
  // Thread-safety: may run on a background thread beside appends and reads; one
  // compaction at a time (compact_mu_). It reads and writes without write_mu_ and
  // takes it only to swap one segment (a few renames, a SyncDir and reopening the
  // segment's index), so appends wait at most that long.
  Result<CompactionStats> Compact(std::stop_token stop = {});

  // The dirty ratio's bytes, for deciding whether to Compact() (a topic's background
  // thread, docs/log.md "Background work"). The end of the last successful Compact()
  // is kept in memory only: after an open, every sealed segment counts as dirty.
  CompactionBacklog compaction_backlog() const;

  // REQUIRES: read_only. Makes visible what the writer appended since the open or the
  // last Refresh(): new batches, new segments; drops segments retention deleted.
  Status Refresh();

  // Returns the batches from the one holding `offset` on: the first always, then more
  // while their total size stays within max_bytes. Records before `offset` are left
  // out of the first batch. A control batch is returned with its header and no
  // records, and so is, with kReadCommitted, a batch of an aborted transaction: a
  // reader continues at the last batch's header.last_offset() + 1. With
  // kReadCommitted, batches at or after last_stable_offset() are left out (empty when
  // offset >= last_stable_offset()). At an offset compaction removed, the batches
  // start at the next surviving record. Empty when offset == end_offset() (or when no
  // record is left from `offset` on, which compaction can cause); InvalidArgument
  // when offset is outside [start_offset(), end_offset()]. Corruption if the batch
  // holding `offset` is damaged (a damaged batch after good ones just ends the result).
  Result<std::vector<RecordBatch>> Read(int64_t offset, size_t max_bytes,
                                        const ReadOptions& options = {}) const;

  // Read without copying: the same batches and records as Read, as views into
  // *views (record_batch.h), which it clears first and which owns the bytes read; they
  // live until the next read into *views. Each batch's bytes are read in one piece
  // with its neighbours and its records section decompressed once. Reuse one
  // BatchViews per reader: a steady reader then allocates nothing.
  Status ReadViews(int64_t offset, size_t max_bytes, const ReadOptions& options,
                   BatchViews* views) const;

  // The offset of the first record with timestamp >= ts, or end_offset() if none.
  Result<int64_t> FindOffsetByTimestamp(int64_t ts) const;

  // REQUIRES: not read_only (a read-only partition keeps no producer state; it returns
  // only the open transaction). What the partition knows of `producer_id`.
  ProducerStatus GetProducerStatus(int64_t producer_id);

  // The last stable offset: the first offset of the earliest open transaction, or
  // end_offset() when none is open. Read-committed readers stop here.
  int64_t last_stable_offset() const;
  // How many transactions are open, and how many aborted ranges are remembered.
  size_t num_open_transactions() const;
  size_t num_aborted_transactions() const;

  // The first offset the partition holds.
  int64_t start_offset() const;
  // The offset the next append will get: one past the last readable record.
  int64_t end_offset() const;
  size_t num_segments() const;
  // How many times the writer synced the active segment's log (group syncs, markers,
  // Sync(), rolls, interval syncs): with group commit, fewer than the appends.
  uint64_t num_log_syncs() const { return log_syncs_.load(std::memory_order_relaxed); }
  // A snapshot of the segments, oldest first.
  std::vector<SegmentInfo> segments() const;
  const std::string& dir() const { return dir_; }

 private:
  Partition(Env* env, std::string dir, const PartitionOptions& options);

  Status Load();
  Status LoadReadOnly();
  // Rebuilds the idempotent-producer state and the fenced epochs from the batch
  // headers of the last producer_state_segments segments.
  void LoadProducerState(const std::vector<std::shared_ptr<Segment>>& segments);
  // Rebuilds the transaction state (docs/log_format.md section 5 rule 9): from the
  // sealed segments' .txnindex files and the active segment's headers when every
  // .txnindex is valid, else from every segment's headers, writing the missing
  // .txnindex files when `repair`. Only the fast path's active-segment scan fails;
  // the full scan WARNs and goes on.
  Result<TransactionState> LoadTransactions(const std::vector<std::shared_ptr<Segment>>& segments,
                                            bool repair);
  std::string TxnIndexPath(int64_t base_offset) const;
  // The .txnindex of the segment [base, end) from the state after its last batch.
  static TxnIndex MakeTxnIndex(const TransactionState& txns, int64_t base, int64_t end);
  // Aborts the transactions open longer than transaction_timeout_ms. REQUIRES: write_mu_.
  Result<size_t> AbortTimedOutLocked();
  // Calls fn with every transactional or control batch header of `seg` whose base
  // offset is >= from, with the marker's type for a control batch (kCommit otherwise).
  static Status ScanTransactions(const Segment& seg, int64_t from,
                                 const std::function<void(const BatchHeader&, ControlType)>& fn);
  // Appends a marker for `producer_id` (under write_mu_), syncs it and applies it.
  Status AppendMarkerLocked(int64_t producer_id, int16_t epoch, ControlType type);
  // AppendLocked, making an error sticky and applying retention after a roll.
  Status AppendBatchLocked(const std::string& batch, const BatchHeader& header);
  Result<size_t> ApplyRetentionLocked();
  // Compaction helpers (compaction.cc).
  Result<bool> CompactSegment(const std::shared_ptr<Segment>& seg, const CompactionPlan& plan,
                              std::stop_token stop, CompactionStats* stats);
  Result<bool> SwapCompactedSegment(const std::shared_ptr<Segment>& old_seg, int64_t end_offset);
  Status DeleteSegmentFiles(int64_t base_offset);
  Status AppendLocked(const std::string& batch, const BatchHeader& header);
  // Group commit: returns once the offsets before `end` are durable, leading a sync
  // when none is running. REQUIRES: wlock holds write_mu_ (released while syncing).
  Status WaitDurableLocked(std::unique_lock<std::mutex>& wlock, int64_t end);
  // The batches of `seg` up to `upto` are durable: publish them. REQUIRES: write_mu_.
  void MarkDurableLocked(Segment* seg, const Segment::WritePosition& upto);
  Status RollLocked();
  Segment* active() const;
  SegmentOptions segment_options() const {
    return SegmentOptions{.index_interval_bytes = options_.index_interval_bytes};
  }

  Env* const env_;
  const std::string dir_;
  const PartitionOptions options_;

  // Serializes writers. Lock order: compact_mu_ before write_mu_ before mu_.
  std::mutex write_mu_;
  Status write_error_;            // the sticky error; guarded by write_mu_
  bool closed_ = false;           // guarded by write_mu_
  int64_t last_sync_nanos_ = 0;   // guarded by write_mu_
  ProducerStateTable producers_;  // guarded by write_mu_
  // Per producer id, the newest epoch of a marker: older epochs are fenced (a newer
  // epoch aborted their transaction, or the writer did after a timeout, with the
  // epoch bumped). Guarded by write_mu_.
  std::unordered_map<int64_t, int16_t> fenced_epochs_;
  // Group commit: every offset below durable_end_ is durable; a leader is syncing
  // while sync_in_progress_. Guarded by write_mu_. sync_cv_ is signalled when a sync
  // ends (and on Close).
  int64_t durable_end_ = 0;
  bool sync_in_progress_ = false;
  std::condition_variable sync_cv_;
  std::atomic<uint64_t> log_syncs_{0};

  // Serializes compactions; taken before write_mu_.
  std::mutex compact_mu_;
  // Set when a segment swap failed after its commit point; guarded by compact_mu_.
  Status compaction_error_;

  mutable std::mutex mu_;
  // Segments by base offset, the active one last; never empty once opened. Shared
  // with readers that are still reading a segment. Readers hold mu_; it is changed
  // only while holding both write_mu_ and mu_, so a writer holding write_mu_ may read
  // it without mu_. The active segment's writer methods are called under write_mu_.
  std::vector<std::shared_ptr<Segment>> segments_;
  int64_t end_offset_ = 0;  // guarded by mu_
  // Offsets below this were covered by the last successful Compact() (a sealed
  // segment's end); 0 until then. Guarded by mu_.
  int64_t cleaned_end_offset_ = 0;
  // Open and aborted transactions. Guarded by mu_; changed only while also holding
  // write_mu_, so a writer holding write_mu_ may read it with mu_ only briefly.
  TransactionState txns_;
  // read_only: the offset up to which txns_ has seen the log; guarded by write_mu_.
  int64_t txn_scanned_end_ = 0;
};

}  // namespace weir::log
