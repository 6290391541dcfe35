// The transaction index of a sealed segment, `<base>.txnindex` (docs/log_format.md
// section 9): the aborted transactions whose abort marker is in the segment and the
// transactions open at its end, so that opening a partition reads one small file per
// sealed segment instead of every batch header of the log.
//
//   RETURN_NOT_OK(WriteTxnIndex(env, path, index));   // when the segment is sealed
//   Result<TxnIndex> index = ReadTxnIndex(env, path);  // NotFound or Corruption: rebuild
//
// Thread-safety: value types and free functions; safe to use concurrently on
// distinct objects and paths.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/transaction_state.h"

namespace weir::log {

struct TxnIndex {
  int64_t base_offset = 0;  // the segment's base offset
  int64_t end_offset = 0;   // the next segment's base offset
  // Aborted transactions whose marker is in [base_offset, end_offset), by marker offset.
  std::vector<TransactionState::AbortedTransaction> aborted;
  // Transactions open after the segment's last batch, by producer id (start_micros is
  // not stored; a reader sets it).
  std::vector<std::pair<int64_t, TransactionState::OpenTransaction>> open;
};

// The largest .txnindex a reader accepts.
inline constexpr uint64_t kMaxTxnIndexSize = 64 << 20;

std::string EncodeTxnIndex(const TxnIndex& index);
// Corruption naming the problem for anything but a file EncodeTxnIndex wrote.
Result<TxnIndex> DecodeTxnIndex(std::string_view data);

// Writes the file (create or truncate, append, Sync, Close). The caller makes its
// directory entry durable.
Status WriteTxnIndex(Env* env, const std::string& path, const TxnIndex& index);
// NotFound if missing; Corruption if damaged or larger than kMaxTxnIndexSize.
Result<TxnIndex> ReadTxnIndex(Env* env, const std::string& path);

}  // namespace weir::log
