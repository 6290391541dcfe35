// Opening a segment: index validation, the tail scan, truncation of a torn tail and
// index rebuilding (docs/log_format.md section 5).

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "weir/common/check.h"
#include "weir/common/logging.h"
#include "weir/log/segment.h"

namespace weir::log {

namespace {

// Reads an index file if it exists and is no larger than `max_size`. Sets *damaged
// (and returns "") when it is missing or too large.
// With `quiet` (a read-only open, which may race with the writer creating or
// appending to the file) nothing is logged.
Result<std::string> ReadIndexFile(Env* env, const std::string& path, uint64_t max_size, bool quiet,
                                  bool* damaged) {
  Result<uint64_t> size = env->GetFileSize(path);
  if (size.status().IsNotFound()) {
    if (!quiet) {
      WEIR_LOG(WARN) << path << ": missing; rebuilding";
    }
    *damaged = true;
    return std::string();
  }
  RETURN_NOT_OK(size.status());
  if (*size > max_size) {
    if (!quiet) {
      WEIR_LOG(WARN) << path << ": " << *size << " bytes is too large for its log; rebuilding";
    }
    *damaged = true;
    return std::string();
  }
  Result<std::string> data = ReadFileToString(env, path);
  // The writer may have deleted it (retention) since GetFileSize.
  if (quiet && data.status().IsNotFound()) {
    *damaged = true;
    return std::string();
  }
  // Bounded again: the file may have grown since GetFileSize.
  if (data.ok() && data->size() > max_size) data->resize(max_size);
  return data;
}

}  // namespace

Result<std::vector<IndexEntry>> Segment::LoadIndex(uint64_t log_size, bool quiet, bool* damaged) {
  ASSIGN_OR_RAISE(std::string offset_index,
                  ReadIndexFile(env_, index_path_,
                                MaxIndexFileSize(log_size, kOffsetIndexEntrySize), quiet, damaged));
  ASSIGN_OR_RAISE(std::string time_index,
                  ReadIndexFile(env_, time_index_path_,
                                MaxIndexFileSize(log_size, kTimeIndexEntrySize), quiet, damaged));
  ParsedIndex parsed = ParseIndex(offset_index, time_index, log_size);
  if (parsed.damaged && !*damaged && !quiet) {
    WEIR_LOG(WARN) << index_path_ << ": index damaged after " << parsed.entries.size()
                   << " valid entries; rebuilding";
  }
  *damaged = *damaged || parsed.damaged;
  return std::move(parsed.entries);
}

Segment::ScanResult Segment::Scan(uint64_t pos, int64_t expected, uint64_t limit,
                                  std::vector<IndexEntry>* entries) {
  ScanResult r;
  std::string buf;
  while (pos < limit) {
    if (pos > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      r.stop = Status::Corruption("segment larger than 2 GiB");
      break;
    }
    Result<BatchHeader> h = ReadHeader(pos, limit);
    if (h.ok() && !ContinuesOffsets(*h, expected)) {
      h = Status::Corruption(
          fmt::format("expected a batch at offset {}, found offset {}", expected, h->base_offset));
    }
    if (h.ok()) {
      Status s = reader_->Read(pos, h->size(), &buf);
      if (s.ok()) s = ValidateBatch(buf).status();
      if (!s.ok()) h = std::move(s);
    }
    if (!h.ok()) {
      r.stop = h.status();
      break;
    }
    IndexEntry entry;
    if (builder_.Add(static_cast<int32_t>(h->base_offset - base_offset_), static_cast<int64_t>(pos),
                     h->max_timestamp, &entry)) {
      entries->push_back(entry);
    }
    pos += h->size();
    expected = h->last_offset() + 1;
    r.last_compacted = h->compacted();
  }
  r.end = pos;
  r.next_offset = expected;
  return r;
}

Status Segment::WriteIndex(const std::vector<IndexEntry>& entries, size_t first_new, bool rewrite,
                           bool active) {
  std::string offset_bytes, time_bytes;
  for (size_t i = rewrite ? 0 : first_new; i < entries.size(); ++i) {
    AppendOffsetIndexEntry(&offset_bytes, entries[i]);
    AppendTimeIndexEntry(&time_bytes, entries[i]);
  }
  if (!active && offset_bytes.empty() && !rewrite) return Status::OK();
  // The index is derived data: a crash while it is rewritten leaves a damaged index,
  // which the next open rebuilds. So it is written in place, not via a rename.
  auto open = [&](const std::string& path) {
    return rewrite ? env_->NewWritableFile(path) : env_->NewAppendableFile(path);
  };
  ASSIGN_OR_RAISE(index_writer_, open(index_path_));
  ASSIGN_OR_RAISE(time_index_writer_, open(time_index_path_));
  RETURN_NOT_OK(index_writer_->Append(offset_bytes));
  RETURN_NOT_OK(time_index_writer_->Append(time_bytes));
  if (active) return Status::OK();
  RETURN_NOT_OK(index_writer_->Sync());
  RETURN_NOT_OK(time_index_writer_->Sync());
  return Close();
}

Status Segment::Recover(OpenMode mode, int64_t sealed_end_offset) {
  const bool active = mode == OpenMode::kActive;
  const bool read_only = mode == OpenMode::kReadOnly;
  ASSIGN_OR_RAISE(reader_, env_->NewRandomAccessFile(log_path_));
  // The size is taken through the open handle: a read-only open may race with the
  // writer appending, and must not see a size larger than what it can read.
  ASSIGN_OR_RAISE(const uint64_t log_size, reader_->Size());
  bool rewrite = false;
  ASSIGN_OR_RAISE(std::vector<IndexEntry> entries, LoadIndex(log_size, read_only, &rewrite));

  // Resume from the last entry if it points at the batch it names.
  uint64_t pos = 0;
  int64_t expected = base_offset_;
  if (!entries.empty()) {
    const IndexEntry& last = entries.back();
    Result<BatchHeader> h = ReadHeader(static_cast<uint64_t>(last.position), log_size);
    if (h.ok() && h->base_offset == base_offset_ + last.relative_offset) {
      pos = static_cast<uint64_t>(last.position);
      expected = h->base_offset;
      builder_.ResumeAt(last);
    } else {
      WEIR_LOG(WARN) << index_path_ << ": last entry does not point at its batch; rebuilding";
      entries.clear();
      rewrite = true;
    }
  }
  size_t first_new = entries.size();
  ScanResult scan = Scan(pos, expected, log_size, &entries);
  // Compaction writes the compacted attribute on every batch of the segments it
  // rewrites and may leave a sealed segment empty; appends never leave one empty.
  compacted_ = scan.last_compacted || (mode == OpenMode::kSealed && log_size == 0);

  if (read_only) {
    // Whatever follows scan.end may be a batch the writer is still writing.
    while (!entries.empty() && static_cast<uint64_t>(entries.back().position) >= scan.end) {
      entries.pop_back();
    }
    builder_.SetLastIndexedPosition(entries.empty() ? 0 : entries.back().position);
    size_ = scan.end;
    next_offset_ = scan.next_offset;
    std::lock_guard<std::mutex> lock(mu_);
    entries_ = std::move(entries);
    visible_size_ = size_;
    visible_end_offset_ = next_offset_;
    visible_max_timestamp_ = builder_.max_timestamp();
    return Status::OK();
  }
  if (active) {
    if (scan.end < log_size) {
      WEIR_LOG(WARN) << log_path_ << ": truncating " << log_size - scan.end
                     << " bytes of torn or corrupt tail at position " << scan.end << " (offset "
                     << scan.next_offset << "): " << scan.stop.message();
      RETURN_NOT_OK(env_->Truncate(log_path_, scan.end));
    }
    // An entry at the truncation point names a batch that is gone.
    while (!entries.empty() && static_cast<uint64_t>(entries.back().position) >= scan.end) {
      entries.pop_back();
      rewrite = true;
      first_new = std::min(first_new, entries.size());
    }
    builder_.SetLastIndexedPosition(entries.empty() ? 0 : entries.back().position);
    size_ = scan.end;
    next_offset_ = scan.next_offset;
    // The sync makes the truncation durable, and everything recovery accepted: a
    // record served after this open must never disappear in a later crash.
    ASSIGN_OR_RAISE(log_writer_, env_->NewAppendableFile(log_path_));
    RETURN_NOT_OK(log_writer_->Sync());
  } else {
    if (scan.end < log_size) {
      WEIR_LOG(WARN) << log_path_ << ": sealed segment has invalid data at position " << scan.end
                     << " (offset " << scan.next_offset
                     << "), left in place: " << scan.stop.message();
    } else if (scan.next_offset != sealed_end_offset && !compacted_) {
      WEIR_LOG(WARN) << log_path_ << ": sealed segment ends at offset " << scan.next_offset
                     << " but the next segment starts at " << sealed_end_offset;
    }
    size_ = log_size;
    next_offset_ = sealed_end_offset;
  }
  RETURN_NOT_OK(WriteIndex(entries, first_new, rewrite, active));

  std::lock_guard<std::mutex> lock(mu_);
  entries_ = std::move(entries);
  visible_size_ = size_;
  visible_end_offset_ = next_offset_;
  visible_max_timestamp_ = builder_.max_timestamp();
  return Status::OK();
}

Status Segment::Refresh() {
  WEIR_CHECK(log_writer_ == nullptr);
  ASSIGN_OR_RAISE(const uint64_t log_size, reader_->Size());
  if (log_size <= size_) return Status::OK();
  std::vector<IndexEntry> added;
  ScanResult scan = Scan(size_, next_offset_, log_size, &added);
  if (scan.end == size_) return Status::OK();
  size_ = scan.end;
  next_offset_ = scan.next_offset;
  std::lock_guard<std::mutex> lock(mu_);
  entries_.insert(entries_.end(), added.begin(), added.end());
  visible_size_ = size_;
  visible_end_offset_ = next_offset_;
  visible_max_timestamp_ = builder_.max_timestamp();
  return Status::OK();
}

}  // namespace weir::log
