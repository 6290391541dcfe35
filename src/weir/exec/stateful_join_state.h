// The state of one partition of a stream-stream join in its StateStore (internal to
// weir_exec; MakeStreamStreamJoin in stateful.h describes the operator). Both sides'
// rows live in one store, told apart by a side byte, in blocks: the rows of one side
// that one epoch stores under one key (Append buffers them; a side buffering more
// than kMaxBufferedBytes writes its blocks early) form one entry,
//   side byte ++ key ++ 8-byte big-endian block sequence number -> rows
// where `key` is [8-byte event-time prefix of the time key] ++ the join key's
// KeyEncoder bytes (equal join keys have equal `key`s on both sides, and KeyEncoder
// bytes are self-delimiting, so a prefix scan finds exactly one key's blocks, in the
// order they were stored). A block's rows follow each other in the order they were
// stored, each as
//   fixed32 n ++ [indexed side: 8-byte event-time prefix of its value time] ++
//   matched byte ++ row   (n counts the matched byte and the row)
// and the row is, per column, a flag byte and value_codec's encoding. So an epoch
// writes one entry per distinct key, not one per row (nor one per key and input
// batch: Nexmark q7's bids repeat prices across batches), and a matched flag that
// changes rewrites its block. When a side is evicted by a time-range condition (a
// value-time column), index entries list its blocks, up to kMaxIndexBlocks each,
// under the earliest value time among them:
//   (side byte | 0x10) ++ 8-byte event-time prefix of the earliest value time ++
//   8-byte sequence number -> per block: fixed32 key size ++ block key ++ 8-byte
//   event-time prefixes of its earliest and latest value times ++ fixed32 rows
// (the blocks stored since the last entry; Evict, CountBehind and Save write it).
// Eviction by the time key (the `key`'s prefix) removes whole blocks in key order;
// eviction by value time visits the index entries up to the limit and, in each, the
// blocks whose earliest row is at or before it: a block whose latest row is too goes
// whole (read only when its unmatched rows are output), another loses those rows and
// is rewritten; an entry that keeps blocks is written again under its new earliest
// time. A record per side (0x00 ++ side byte) holds the next sequence number (of
// blocks and index entries) and the row count.
//
// Thread-safety: not thread-safe; one partition's task uses it.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "weir/common/result.h"
#include "weir/state/state_store.h"
#include "weir/types/column.h"
#include "weir/types/schema.h"

namespace weir::exec {

// Row (de)serialization: per column a flag byte (0 NULL, 1 value) and the value in
// value_codec's encoding (the spill files' row format).
void AppendJoinRow(const std::vector<ColumnPtr>& columns, int64_t row, std::string* out);
// Decodes stored values (a matched byte, then AppendJoinRow's bytes) into columns of
// `schema`. Corruption on malformed bytes.
Status DecodeJoinRows(const Schema& schema, const std::vector<std::string_view>& values,
                      std::vector<ColumnPtr>* out);
inline bool JoinRowMatched(std::string_view value) { return !value.empty() && value[0] != 0; }

class JoinState {
 public:
  // Rows of one side found for a batch's keys: the blocks read, and each row's place
  // in its block.
  struct Rows {
    struct Ref {
      uint32_t block;
      uint32_t offset;  // of the row's matched byte in its block
      uint32_t size;    // matched byte ++ row
    };
    std::vector<std::string> block_keys;
    std::vector<std::string> blocks;
    std::vector<uint8_t> dirty;  // per block: a matched byte changed since Find
    std::vector<Ref> refs;

    size_t size() const { return refs.size(); }
    // Row i's matched byte ++ row (valid until the next Find into these Rows).
    std::string_view value(size_t i) const {
      const Ref& r = refs[i];
      return std::string_view(blocks[r.block]).substr(r.offset, r.size);
    }
    bool matched(size_t i) const { return blocks[refs[i].block][refs[i].offset] != 0; }
  };

  // `by_key`: rows are evicted by the time key (the event-time prefix of `key`);
  // `indexed[0|1]`: the left or right side is evicted by a value-time column
  // (index entries are kept).
  JoinState(state::StateStore* store, bool by_key, bool left_indexed, bool right_indexed)
      : store_(store), by_key_(by_key), indexed_{left_indexed, right_indexed} {}

  Status Load();
  // Writes the side records and the pending index entries: call it before the
  // store commits.
  Status Save();

  // Appends the side's stored rows under `key` to *rows. Corruption on a malformed
  // block.
  Status Find(bool left, std::string_view key, Rows* rows);
  // Marks row i of *rows matched (recording the change for WriteBack).
  static void SetMatched(Rows* rows, size_t i);
  // Writes back the blocks whose matched flags changed in `rows`.
  Status WriteBack(const Rows& rows);
  // Stores rows `rows` of `columns` under `key`: row rows[i] with matched flag
  // matched[i] and, for an indexed side, value_times[i], the row's event time (µs)
  // by its value-time column (unset: never evicted). The rows are buffered: the
  // side's rows appended under one key since its last flush become one block,
  // written when the side is flushed (Flush; Find, Evict, CountBehind and Save flush
  // the side first, and a side whose buffer passes kMaxBufferedBytes is flushed).
  // So an epoch's rows of a key, across input batches, are usually one block.
  Status Append(bool left, std::string_view key, const std::vector<ColumnPtr>& columns,
                std::span<const uint32_t> rows, std::span<const uint8_t> matched,
                std::span<const std::optional<int64_t>> value_times);
  // Writes the side's buffered rows to the store, one block per key, in the order
  // the keys were first appended.
  Status Flush(bool left);
  // Removes the side's rows whose event time is at or before `limit_micros` and
  // returns how many; the values (matched byte ++ row) of those never matched are
  // appended to *unmatched when it is not null, in event-time order.
  Result<int64_t> Evict(bool left, int64_t limit_micros, std::vector<std::string>* unmatched);
  // The side's rows whose event time is at or before `limit_micros`.
  Result<int64_t> CountBehind(bool left, int64_t limit_micros);

  int64_t rows(bool left) const { return meta_[left ? 0 : 1].rows; }

 private:
  struct Meta {
    int64_t next_seq = 0;
    int64_t rows = 0;
  };
  // An indexed side's blocks stored since its last index entry.
  struct Pending {
    std::string items;
    std::optional<int64_t> earliest;
    size_t blocks = 0;
  };
  // A block being buffered: its key (without the sequence number), its rows' bytes,
  // and, for an indexed side, its earliest and latest value times.
  struct Buffered {
    std::string_view key;  // in Buffer::keys
    std::string bytes;
    uint32_t rows = 0;
    std::optional<int64_t> earliest;
    std::optional<int64_t> latest;
  };
  struct Buffer {
    std::vector<Buffered> blocks;
    absl::flat_hash_map<std::string_view, size_t> index;  // key -> blocks[i]
    // The keys' bytes, in chunks that never move (so the views stay valid).
    std::vector<std::unique_ptr<char[]>> keys;
    size_t key_chunk = 0;  // the size of keys.back()
    size_t key_room = 0;   // free bytes at its end
    size_t bytes = 0;
  };
  // A copy of `key` in the buffer's key chunks.
  static std::string_view KeepKey(Buffer* buffer, std::string_view key);
  // Blocks per index entry at most.
  static constexpr size_t kMaxIndexBlocks = 4096;
  // Bytes of a chunk of buffered keys, and reserved for a new block's rows.
  static constexpr size_t kKeyChunkBytes = size_t{64} << 10;
  static constexpr size_t kFirstBlockBytes = 256;
  // Buffered row bytes per side at most before a flush.
  static constexpr size_t kMaxBufferedBytes = size_t{64} << 20;
  // Writes the index entry of the pending blocks.
  Status FlushIndex(bool left);
  bool indexed(bool left) const { return indexed_[left ? 0 : 1]; }
  // The prefix of the side's entries in event-time order.
  std::string OrderedPrefix(bool left) const;
  // Visits the side's entries in event-time order up to `limit_micros`.
  Status ScanUpTo(bool left, int64_t limit_micros, const state::StateVisitor& visit);

  state::StateStore* store_;
  bool by_key_;
  bool indexed_[2];
  Meta meta_[2];
  Pending pending_[2];
  Buffer buffers_[2];
  // Flush's block key, kept to reuse its memory.
  std::string key_buffer_;
};

}  // namespace weir::exec
