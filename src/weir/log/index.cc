#include "weir/log/index.h"

#include <algorithm>

#include "weir/log/coding.h"
#include "weir/log/record_batch.h"

namespace weir::log {

void AppendOffsetIndexEntry(std::string* dst, const IndexEntry& e) {
  PutFixed32(dst, static_cast<uint32_t>(e.relative_offset));
  PutFixed32(dst, static_cast<uint32_t>(e.position));
}

void AppendTimeIndexEntry(std::string* dst, const IndexEntry& e) {
  PutFixed64(dst, static_cast<uint64_t>(e.timestamp));
  PutFixed32(dst, static_cast<uint32_t>(e.relative_offset));
}

uint64_t MaxIndexFileSize(uint64_t log_size, size_t entry_size) {
  return entry_size * (1 + log_size / kBatchHeaderSize);
}

ParsedIndex ParseIndex(std::string_view offset_index, std::string_view time_index,
                       uint64_t log_size) {
  ParsedIndex out;
  const size_t n_offset = offset_index.size() / kOffsetIndexEntrySize;
  const size_t n_time = time_index.size() / kTimeIndexEntrySize;
  out.damaged = offset_index.size() % kOffsetIndexEntrySize != 0 ||
                time_index.size() % kTimeIndexEntrySize != 0 || n_offset != n_time;
  const size_t n = std::min(n_offset, n_time);
  out.entries.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const char* o = offset_index.data() + i * kOffsetIndexEntrySize;
    const char* t = time_index.data() + i * kTimeIndexEntrySize;
    IndexEntry e;
    e.relative_offset = static_cast<int32_t>(DecodeFixed32(o));
    e.position = static_cast<int32_t>(DecodeFixed32(o + 4));
    e.timestamp = static_cast<int64_t>(DecodeFixed64(t));
    const int32_t paired_offset = static_cast<int32_t>(DecodeFixed32(t + 8));
    bool ok = e.relative_offset > 0 && e.position > 0 &&
              static_cast<uint64_t>(e.position) < log_size && paired_offset == e.relative_offset;
    if (ok && !out.entries.empty()) {
      const IndexEntry& prev = out.entries.back();
      ok = e.relative_offset > prev.relative_offset && e.position > prev.position &&
           e.timestamp >= prev.timestamp;
    }
    if (!ok) {
      out.damaged = true;
      break;
    }
    out.entries.push_back(e);
  }
  return out;
}

ptrdiff_t FloorByOffset(std::span<const IndexEntry> entries, int64_t rel) {
  auto it = std::upper_bound(entries.begin(), entries.end(), rel,
                             [](int64_t r, const IndexEntry& e) { return r < e.relative_offset; });
  return (it - entries.begin()) - 1;
}

ptrdiff_t LastEntryBelowTimestamp(std::span<const IndexEntry> entries, int64_t ts) {
  // Timestamps are non-decreasing, so the entries below ts form a prefix.
  auto it = std::lower_bound(entries.begin(), entries.end(), ts,
                             [](const IndexEntry& e, int64_t t) { return e.timestamp < t; });
  return (it - entries.begin()) - 1;
}

bool IndexBuilder::Add(int32_t relative_offset, int64_t position, int64_t batch_max_timestamp,
                       IndexEntry* entry) {
  bool indexed = false;
  if (position - last_indexed_position_ >= interval_) {
    entry->relative_offset = relative_offset;
    entry->position = static_cast<int32_t>(position);
    entry->timestamp = max_timestamp_;
    last_indexed_position_ = position;
    indexed = true;
  }
  max_timestamp_ = std::max(max_timestamp_, batch_max_timestamp);
  return indexed;
}

}  // namespace weir::log
