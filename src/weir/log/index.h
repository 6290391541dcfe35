// The sparse offset index (.index) and time index (.timeindex) of a segment, as
// specified in docs/log_format.md sections 3 and 4: their entries, their encoding,
// the rule that decides which batches get an entry, validation of what is read back
// from disk, and the searches a reader makes.
//
// Thread-safety: value types and free functions; IndexBuilder is not thread-safe.

#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace weir::log {

inline constexpr size_t kOffsetIndexEntrySize = 8;
inline constexpr size_t kTimeIndexEntrySize = 12;

// One entry of the offset index together with its paired time index entry.
struct IndexEntry {
  int32_t relative_offset = 0;  // the indexed batch's base offset minus the segment's
  int32_t position = 0;         // the indexed batch's byte position in the .log
  int64_t timestamp = 0;        // the largest max_timestamp of the batches before it

  bool operator==(const IndexEntry&) const = default;
};

// Appends the .index (.timeindex) encoding of `e`.
void AppendOffsetIndexEntry(std::string* dst, const IndexEntry& e);
void AppendTimeIndexEntry(std::string* dst, const IndexEntry& e);

// The largest index file that can belong to a .log of `log_size` bytes: one entry per
// smallest possible batch, plus one. A larger file is damaged and is not read.
uint64_t MaxIndexFileSize(uint64_t log_size, size_t entry_size);

// The result of parsing the two index files of a segment.
struct ParsedIndex {
  std::vector<IndexEntry> entries;  // the longest valid prefix
  bool damaged = false;             // something was dropped, or the files disagree
};

// Parses .index and .timeindex contents, keeping the longest prefix of paired entries
// in which offsets and positions strictly increase, positions are below `log_size`
// and timestamps do not decrease (docs/log_format.md section 5, rule 1). Whether the
// last entry really points at a batch is for the caller to check.
ParsedIndex ParseIndex(std::string_view offset_index, std::string_view time_index,
                       uint64_t log_size);

// The position in `entries` of the last entry with relative_offset <= rel, or -1.
ptrdiff_t FloorByOffset(std::span<const IndexEntry> entries, int64_t rel);

// The position of the last entry with timestamp < ts, or -1: every record before that
// entry's batch has a timestamp below ts.
ptrdiff_t LastEntryBelowTimestamp(std::span<const IndexEntry> entries, int64_t ts);

// Decides, batch by batch, which batches get an index entry (docs/log_format.md
// section 3) and tracks the running maximum timestamp. Feeding it the batches of a
// .log in order yields the same entries whether they are appended or rebuilt.
//
// Thread-safety: not thread-safe.
class IndexBuilder {
 public:
  explicit IndexBuilder(int32_t interval_bytes) : interval_(interval_bytes) {}

  // Continues after `last` (an entry already in the index), whose batch has not been
  // added yet.
  void ResumeAt(const IndexEntry& last) {
    last_indexed_position_ = last.position;
    max_timestamp_ = last.timestamp;
  }
  // Sets the position of the last indexed batch (0 when there is no entry) and keeps
  // the running maximum; used when recovery drops entries past a truncation.
  void SetLastIndexedPosition(int64_t position) { last_indexed_position_ = position; }

  // Adds the batch at `position` with the given offsets relative to the segment.
  // Returns true and sets *entry when the batch gets an entry.
  bool Add(int32_t relative_offset, int64_t position, int64_t batch_max_timestamp,
           IndexEntry* entry);

  // The largest timestamp of the batches added (or resumed from); INT64_MIN if none.
  int64_t max_timestamp() const { return max_timestamp_; }

 private:
  const int32_t interval_;
  int64_t last_indexed_position_ = 0;
  int64_t max_timestamp_ = std::numeric_limits<int64_t>::min();
};

}  // namespace weir::log
