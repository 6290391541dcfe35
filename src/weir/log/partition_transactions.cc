// Partition: loading transaction and producer state at open, from the per-segment
// transaction indexes or, where one is missing or damaged, from batch headers.

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "weir/common/check.h"
#include "weir/common/logging.h"
#include "weir/log/partition.h"
#include "weir/log/txn_index.h"

namespace weir::log {

std::string Partition::TxnIndexPath(int64_t base_offset) const {
  return dir_ + "/" + SegmentFileName(base_offset, SegmentFileKind::kTxnIndex);
}

Result<TransactionState> Partition::LoadTransactions(
    const std::vector<std::shared_ptr<Segment>>& segments, bool repair) {
  // A transaction's records can be anywhere after the start offset, and an aborted
  // range forgotten would be served to read-committed readers: the state covers every
  // segment, from the sealed segments' transaction indexes when they are all valid.
  const int64_t now = env_->clock()->NowMicros();
  auto apply = [now](TransactionState* txns) {
    return [txns, now](const BatchHeader& h, ControlType type) {
      if (h.control()) {
        txns->ApplyMarker(h, type);
      } else {
        txns->ApplyData(h, now);
      }
    };
  };
  TransactionState txns;
  std::vector<bool> valid(segments.size(), false);
  bool all_valid = true;
  std::vector<std::pair<int64_t, TransactionState::OpenTransaction>> open_at_end;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    Result<TxnIndex> index = ReadTxnIndex(env_, TxnIndexPath(segments[i]->base_offset()));
    if (index.ok() && (index->base_offset != segments[i]->base_offset() ||
                       index->end_offset != segments[i + 1]->base_offset())) {
      index = Status::Corruption(fmt::format("{}: covers offsets {} to {}, not the segment's",
                                             TxnIndexPath(segments[i]->base_offset()),
                                             index->base_offset, index->end_offset));
    }
    if (!index.ok()) {
      if (!index.status().IsNotFound()) {
        WEIR_LOG(WARN) << index.status() << "; rebuilding it";
      }
      all_valid = false;
      continue;
    }
    valid[i] = true;
    if (!all_valid) continue;
    for (const TransactionState::AbortedTransaction& a : index->aborted) txns.AddAborted(a);
    open_at_end = std::move(index->open);
  }
  if (all_valid) {
    for (auto& [id, t] : open_at_end) {
      t.start_micros = now;
      txns.SetOpen(id, t);
    }
    const Segment& active = *segments.back();
    RETURN_NOT_OK(ScanTransactions(active, active.base_offset(), apply(&txns)));
    return txns;
  }
  // The full scan of every segment's headers; only transactional and control batches
  // cost more than a header read.
  txns = TransactionState();
  Status first_error;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = *segments[i];
    Status s = ScanTransactions(seg, seg.base_offset(), apply(&txns));
    if (!s.ok()) {
      if (first_error.ok()) first_error = s;
      continue;
    }
    if (repair && i + 1 < segments.size() && !valid[i]) {
      Status w =
          WriteTxnIndex(env_, TxnIndexPath(seg.base_offset()),
                        MakeTxnIndex(txns, seg.base_offset(), segments[i + 1]->base_offset()));
      if (!w.ok()) {
        WEIR_LOG(WARN) << "writing a transaction index: " << w;
      }
    }
  }
  if (repair) {
    Status d = env_->SyncDir(dir_);
    if (!d.ok()) {
      WEIR_LOG(WARN) << "syncing " << dir_ << ": " << d;
    }
  }
  if (!first_error.ok()) {
    WEIR_LOG(WARN) << "rebuilding transaction state: " << first_error;
  }
  return txns;
}

TxnIndex Partition::MakeTxnIndex(const TransactionState& txns, int64_t base, int64_t end) {
  TxnIndex index;
  index.base_offset = base;
  index.end_offset = end;
  index.aborted = txns.AbortedWithMarkerIn(base, end);
  for (const auto& [id, t] : txns.OpenTransactions()) {
    // A transaction the batch that caused a roll opens starts in the next segment.
    if (t.first_offset < end) index.open.emplace_back(id, t);
  }
  return index;
}

void Partition::LoadProducerState(const std::vector<std::shared_ptr<Segment>>& segments) {
  const size_t n = std::min(segments.size(), static_cast<size_t>(options_.producer_state_segments));
  for (size_t i = segments.size() - n; i < segments.size(); ++i) {
    Status s = segments[i]->ForEachBatchHeader([this](const BatchHeader& h) {
      producers_.Update(h);
      if (h.control() && h.producer_id >= 0) {
        // A marker's epoch fences older epochs (a newer epoch's abort, a timeout).
        int16_t& fenced = fenced_epochs_[h.producer_id];
        fenced = std::max(fenced, h.producer_epoch);
      }
      return Status::OK();
    });
    // Only a sealed segment can fail here (recovery truncated the active one); its
    // reads report the damage. The producers it held are forgotten from that batch on.
    if (!s.ok()) {
      WEIR_LOG(WARN) << "rebuilding producer state: " << s;
    }
  }
}

Status Partition::ScanTransactions(const Segment& seg, int64_t from,
                                   const std::function<void(const BatchHeader&, ControlType)>& fn) {
  return seg.ForEachBatchHeader([&](const BatchHeader& h) -> Status {
    if (h.base_offset < from || (!h.transactional() && !h.control())) return Status::OK();
    ControlType type = ControlType::kCommit;
    if (h.control()) {
      // The marker's type is in its record: one batch read per transaction.
      std::vector<RecordBatch> batches;
      size_t bytes = 0;
      RETURN_NOT_OK(seg.Read(h.base_offset, h.size(), &batches, &bytes));
      if (batches.empty() || batches[0].header.base_offset != h.base_offset) {
        return Status::Corruption(fmt::format("{}: control batch at offset {} not readable",
                                              seg.log_path(), h.base_offset));
      }
      ASSIGN_OR_RAISE(type, ParseControlBatch(batches[0]));
    }
    fn(h, type);
    return Status::OK();
  });
}

}  // namespace weir::log
