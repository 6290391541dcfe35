// The state of one partition of a stream-stream join in its StateStore (internal to
// weir_exec; MakeStreamStreamJoin in stateful.h describes the layout). Both sides'
// rows live in one store, told apart by a side byte:
//   side byte ++ key ++ 8-byte big-endian sequence number -> matched byte ++ row
// where `key` is [8-byte event-time prefix of the time key] ++ the join key's
// KeyEncoder bytes (equal join keys have equal `key`s on both sides, and KeyEncoder
// bytes are self-delimiting, so a prefix scan finds exactly one key's rows), and the
// row is, per column, a flag byte and value_codec's encoding. When a side is
// evicted by a time-range condition, an index entry per row keeps its rows in
// event-time order:
//   (side byte | 0x10) ++ 8-byte event-time prefix ++ sequence number -> row's key
// Either way eviction reads the entries it removes plus one. A record per side
// (0x00 ++ side byte) holds the next sequence number and the row count.
//
// Thread-safety: not thread-safe; one partition's task uses it.

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // Rows of one side found for a batch's keys.
  struct Rows {
    std::vector<std::string> keys;    // state keys
    std::vector<std::string> values;  // matched byte ++ row
    std::vector<uint8_t> dirty;       // the matched byte changed since Find
  };

  // `by_key`: rows are evicted by the time key (the event-time prefix of `key`);
  // `indexed[0|1]`: the left or right side is evicted by a value-time column
  // (index entries are kept).
  JoinState(state::StateStore* store, bool by_key, bool left_indexed, bool right_indexed)
      : store_(store), by_key_(by_key), indexed_{left_indexed, right_indexed} {}

  Status Load();
  Status Save();

  // Appends the side's stored rows under `key` to *rows.
  Status Find(bool left, std::string_view key, Rows* rows);
  // Marks row i of *rows matched (recording the change for WriteBack).
  static void SetMatched(Rows* rows, size_t i);
  // Writes back the matched flags that changed in `rows`.
  Status WriteBack(const Rows& rows);
  // Stores row `row` of `columns` under `key`. `value_time`: for an indexed side,
  // the row's event time (µs) by its value-time column.
  Status Append(bool left, std::string_view key, const std::vector<ColumnPtr>& columns, int64_t row,
                bool matched, std::optional<int64_t> value_time);
  // Removes the side's rows whose event time is at or before `limit_micros` and
  // returns how many; the values of those never matched are appended to
  // *unmatched when it is not null.
  Result<int64_t> Evict(bool left, int64_t limit_micros, std::vector<std::string>* unmatched);
  // The side's rows whose event time is at or before `limit_micros`.
  Result<int64_t> CountBehind(bool left, int64_t limit_micros);

  int64_t rows(bool left) const { return meta_[left ? 0 : 1].rows; }

 private:
  struct Meta {
    int64_t next_seq = 0;
    int64_t rows = 0;
  };
  // The prefix of the side's entries in event-time order.
  std::string OrderedPrefix(bool left) const;
  // Visits the side's entries in event-time order up to `limit_micros`.
  Status ScanUpTo(bool left, int64_t limit_micros, const state::StateVisitor& visit);

  state::StateStore* store_;
  bool by_key_;
  bool indexed_[2];
  Meta meta_[2];
};

}  // namespace weir::exec
