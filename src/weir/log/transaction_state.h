// Transactions of one partition (docs/log.md, "Transactions"): which producers have
// a transaction open, from which offset, and which offset ranges belong to aborted
// transactions, so that a read-committed reader can stop at the last stable offset
// and skip aborted records. Also the format of the control record that ends a
// transaction (docs/log_format.md section 2.5).
//
// A transaction of producer P is open from its first transactional batch up to the
// control batch (commit or abort marker) that P's next EndTransaction appends. A
// producer has at most one open transaction per partition, so a producer's
// transactions never overlap and "aborted" is a set of disjoint offset ranges per
// producer id.
//
// Memory: one entry per producer with an open transaction, and 16 bytes per aborted
// transaction whose marker is still in the log (PruneBefore drops the ones retention
// deleted). Committed transactions leave nothing behind.
//
// Thread-safety: not thread-safe; the partition guards it with its mutex.

#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "weir/common/result.h"
#include "weir/log/record_batch.h"

namespace weir::log {

// The type of a transaction marker, stored in the control record's key.
enum class ControlType : int16_t { kAbort = 0, kCommit = 1 };

// The single record of a control batch: key = version (int16, 0) and type (int16),
// little-endian; no value, no headers.
Record MakeControlRecord(ControlType type, int64_t timestamp);

// Parses the control record of a decoded control batch. Corruption if the batch does
// not hold exactly one well-formed control record.
Result<ControlType> ParseControlBatch(const RecordBatch& batch);

class TransactionState {
 public:
  struct OpenTransaction {
    int16_t epoch = 0;
    int64_t first_offset = 0;
    // When the writer saw the transaction open (Env wall clock, micros): its first
    // batch's append, or the open that recovered it. For transaction_timeout_ms.
    int64_t start_micros = 0;
  };
  // An aborted transaction, as the transaction index stores it.
  struct AbortedTransaction {
    int64_t producer_id = 0;
    int64_t first_offset = 0;
    int64_t marker_offset = 0;
    bool operator==(const AbortedTransaction&) const = default;
  };

  // A transactional data batch was appended (or recovered) at `now_micros`: opens a
  // transaction for its producer at its base offset unless one is open. Ignores other
  // batches.
  void ApplyData(const BatchHeader& h, int64_t now_micros = 0);
  // A control batch was appended (or recovered): closes its producer's open
  // transaction, remembering its range as aborted for kAbort. A marker without an
  // open transaction changes nothing.
  void ApplyMarker(const BatchHeader& h, ControlType type);

  std::optional<OpenTransaction> Open(int64_t producer_id) const;
  // The first offset of the earliest open transaction; INT64_MAX when none is open.
  int64_t FirstUnstableOffset() const;
  // Whether `offset`, of a transactional batch of `producer_id`, belongs to an
  // aborted transaction. O(log aborted transactions of that producer).
  bool IsAborted(int64_t producer_id, int64_t offset) const;
  // Forgets aborted ranges whose marker is before `start_offset`.
  void PruneBefore(int64_t start_offset);

  size_t num_open() const { return open_.size(); }
  size_t num_aborted() const;

  // For the transaction index (txn_index.h): the aborted transactions whose marker is
  // in [from, to), by marker offset; the open transactions, by producer id.
  std::vector<AbortedTransaction> AbortedWithMarkerIn(int64_t from, int64_t to) const;
  std::vector<std::pair<int64_t, OpenTransaction>> OpenTransactions() const;
  // Loading from transaction indexes. REQUIRES: a producer's aborted transactions are
  // added in offset order.
  void AddAborted(const AbortedTransaction& t);
  void SetOpen(int64_t producer_id, const OpenTransaction& t) { open_[producer_id] = t; }

 private:
  struct Range {
    int64_t first = 0;   // the transaction's first offset
    int64_t marker = 0;  // the offset of its abort marker
  };
  std::unordered_map<int64_t, OpenTransaction> open_;
  // Per producer id, sorted by first (a producer's transactions follow each other).
  std::unordered_map<int64_t, std::vector<Range>> aborted_;
};

}  // namespace weir::log
