#include "weir/log/segment.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "weir/common/check.h"
#include "weir/common/logging.h"

namespace weir::log {

namespace {

constexpr int kOffsetDigits = 20;

std::string_view Suffix(SegmentFileKind kind) {
  switch (kind) {
    case SegmentFileKind::kLog:
      return ".log";
    case SegmentFileKind::kIndex:
      return ".index";
    case SegmentFileKind::kTimeIndex:
      return ".timeindex";
    case SegmentFileKind::kTxnIndex:
      return ".txnindex";
  }
  return "";
}

}  // namespace

bool ContinuesOffsets(const BatchHeader& h, int64_t expected) {
  return h.base_offset == expected || (h.compacted() && h.base_offset > expected);
}

namespace {

std::string Join(const std::string& dir, const std::string& name) {
  return !dir.empty() && dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

std::string SegmentFileName(int64_t base_offset, SegmentFileKind kind) {
  return fmt::format("{:020d}{}", base_offset, Suffix(kind));
}

bool ParseSegmentFileName(std::string_view name, int64_t* base_offset, SegmentFileKind* kind) {
  if (name.size() <= kOffsetDigits) return false;
  std::string_view suffix = name.substr(kOffsetDigits);
  if (suffix == ".log") {
    *kind = SegmentFileKind::kLog;
  } else if (suffix == ".index") {
    *kind = SegmentFileKind::kIndex;
  } else if (suffix == ".timeindex") {
    *kind = SegmentFileKind::kTimeIndex;
  } else if (suffix == ".txnindex") {
    *kind = SegmentFileKind::kTxnIndex;
  } else {
    return false;
  }
  uint64_t v = 0;
  for (char c : name.substr(0, kOffsetDigits)) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
  }
  *base_offset = static_cast<int64_t>(v);
  return true;
}

Segment::Segment(Env* env, const std::string& dir, int64_t base_offset,
                 const SegmentOptions& options)
    : env_(env),
      dir_(dir),
      base_offset_(base_offset),
      options_(options),
      log_path_(Join(dir, SegmentFileName(base_offset, SegmentFileKind::kLog))),
      index_path_(Join(dir, SegmentFileName(base_offset, SegmentFileKind::kIndex))),
      time_index_path_(Join(dir, SegmentFileName(base_offset, SegmentFileKind::kTimeIndex))),
      next_offset_(base_offset),
      builder_(options.index_interval_bytes),
      visible_end_offset_(base_offset),
      visible_max_timestamp_(std::numeric_limits<int64_t>::min()) {
  WEIR_CHECK_GT(options.index_interval_bytes, 0);
}

Segment::~Segment() { Close().IgnoreError(); }

Result<std::unique_ptr<Segment>> Segment::Create(Env* env, const std::string& dir,
                                                 int64_t base_offset,
                                                 const SegmentOptions& options) {
  std::unique_ptr<Segment> s(new Segment(env, dir, base_offset, options));
  ASSIGN_OR_RAISE(s->log_writer_, env->NewWritableFile(s->log_path_));
  ASSIGN_OR_RAISE(s->index_writer_, env->NewWritableFile(s->index_path_));
  ASSIGN_OR_RAISE(s->time_index_writer_, env->NewWritableFile(s->time_index_path_));
  ASSIGN_OR_RAISE(s->reader_, env->NewRandomAccessFile(s->log_path_));
  return s;
}

Result<std::unique_ptr<Segment>> Segment::OpenActive(Env* env, const std::string& dir,
                                                     int64_t base_offset,
                                                     const SegmentOptions& options) {
  std::unique_ptr<Segment> s(new Segment(env, dir, base_offset, options));
  RETURN_NOT_OK(s->Recover(OpenMode::kActive, 0));
  return s;
}

Result<std::unique_ptr<Segment>> Segment::OpenSealed(Env* env, const std::string& dir,
                                                     int64_t base_offset,
                                                     const SegmentOptions& options,
                                                     int64_t end_offset) {
  std::unique_ptr<Segment> s(new Segment(env, dir, base_offset, options));
  RETURN_NOT_OK(s->Recover(OpenMode::kSealed, end_offset));
  return s;
}

Result<std::unique_ptr<Segment>> Segment::OpenReadOnly(Env* env, const std::string& dir,
                                                       int64_t base_offset,
                                                       const SegmentOptions& options) {
  std::unique_ptr<Segment> s(new Segment(env, dir, base_offset, options));
  RETURN_NOT_OK(s->Recover(OpenMode::kReadOnly, 0));
  return s;
}

Status Segment::Append(std::string_view batch, const BatchHeader& header) {
  WEIR_CHECK(log_writer_ != nullptr);
  WEIR_CHECK_EQ(header.base_offset, next_offset_);
  WEIR_CHECK_EQ(header.size(), batch.size());
  // The partition rolls before a position could leave int32 (kMaxSegmentBytes).
  WEIR_CHECK_LE(size_ + batch.size(), static_cast<uint64_t>(std::numeric_limits<int32_t>::max()));
  {
    std::lock_guard<std::mutex> flock(file_mu_);
    RETURN_NOT_OK(log_writer_->Append(batch));
  }
  IndexEntry entry;
  const auto rel = static_cast<int32_t>(header.base_offset - base_offset_);
  if (builder_.Add(rel, static_cast<int64_t>(size_), header.max_timestamp, &entry)) {
    std::string offset_bytes, time_bytes;
    AppendOffsetIndexEntry(&offset_bytes, entry);
    AppendTimeIndexEntry(&time_bytes, entry);
    RETURN_NOT_OK(index_writer_->Append(offset_bytes));
    RETURN_NOT_OK(time_index_writer_->Append(time_bytes));
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(entry);
  }
  size_ += batch.size();
  next_offset_ = header.last_offset() + 1;
  return Status::OK();
}

Status Segment::Flush() {
  std::lock_guard<std::mutex> flock(file_mu_);
  WEIR_CHECK(log_writer_ != nullptr);
  return log_writer_->Flush();
}

Status Segment::Sync() {
  std::lock_guard<std::mutex> flock(file_mu_);
  WEIR_CHECK(log_writer_ != nullptr);
  return log_writer_->Sync();
}

Status Segment::SyncLog(bool* synced) {
  std::lock_guard<std::mutex> flock(file_mu_);
  if (synced != nullptr) *synced = false;
  if (sealed_) return Status::OK();
  if (log_writer_ == nullptr) {
    return Status::IoError(log_path_ + " was closed before it was synced");
  }
  if (synced != nullptr) *synced = true;
  return log_writer_->Sync();
}

void Segment::Publish() { Publish(written()); }

void Segment::Publish(const WritePosition& upto) {
  std::lock_guard<std::mutex> lock(mu_);
  if (upto.size <= visible_size_) return;
  visible_size_ = upto.size;
  visible_end_offset_ = upto.next_offset;
  visible_max_timestamp_ = std::max(visible_max_timestamp_, upto.max_timestamp);
}

Status Segment::Seal() {
  {
    std::lock_guard<std::mutex> flock(file_mu_);
    WEIR_CHECK(log_writer_ != nullptr);
    RETURN_NOT_OK(log_writer_->Sync());
  }
  RETURN_NOT_OK(index_writer_->Sync());
  RETURN_NOT_OK(time_index_writer_->Sync());
  RETURN_NOT_OK(Close());
  std::lock_guard<std::mutex> flock(file_mu_);
  sealed_ = true;
  return Status::OK();
}

Status Segment::Close() {
  Status first;
  for (std::unique_ptr<WritableFile>* f : {&log_writer_, &index_writer_, &time_index_writer_}) {
    std::unique_lock<std::mutex> flock(file_mu_, std::defer_lock);
    if (f == &log_writer_) flock.lock();
    if (*f == nullptr) continue;
    Status s = (*f)->Close();
    if (first.ok()) first = std::move(s);
    f->reset();
  }
  return first;
}

int64_t Segment::end_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return visible_end_offset_;
}

int64_t Segment::max_timestamp() const {
  std::lock_guard<std::mutex> lock(mu_);
  return visible_max_timestamp_;
}

uint64_t Segment::published_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return visible_size_;
}

Status Segment::ForEachBatchHeader(const std::function<Status(const BatchHeader&)>& fn) const {
  const uint64_t limit = published_size();
  for (uint64_t pos = 0; pos < limit;) {
    Result<BatchHeader> h = ReadHeader(pos, limit);
    if (!h.ok()) return h.status().WithContext(fmt::format("{} at position {}", log_path_, pos));
    RETURN_NOT_OK(fn(*h));
    pos += h->size();
  }
  return Status::OK();
}

std::vector<IndexEntry> Segment::index_entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_;
}

Result<BatchHeader> Segment::ReadHeader(uint64_t pos, uint64_t limit, const Chunk* chunk) const {
  if (pos >= limit || limit - pos < kBatchHeaderSize) {
    return Status::Corruption(
        fmt::format("truncated batch header: {} bytes left", pos < limit ? limit - pos : 0));
  }
  std::string buf;
  std::string_view header;
  if (chunk != nullptr && chunk->Holds(pos, kBatchHeaderSize)) {
    header = chunk->At(pos, kBatchHeaderSize);
  } else {
    RETURN_NOT_OK(reader_->Read(pos, kBatchHeaderSize, &buf));
    header = buf;
  }
  ASSIGN_OR_RAISE(BatchHeader h, DecodeBatchHeader(header));
  if (h.size() > limit - pos) {
    return Status::Corruption(fmt::format("batch at offset {} truncated: {} of {} bytes",
                                          h.base_offset, limit - pos, h.size()));
  }
  if (h.last_offset() - base_offset_ > std::numeric_limits<int32_t>::max()) {
    return Status::Corruption(
        fmt::format("batch at offset {} is too far from the segment base", h.base_offset));
  }
  return h;
}

Result<RecordBatch> Segment::ReadBatch(uint64_t pos, uint64_t limit) const {
  ASSIGN_OR_RAISE(BatchHeader h, ReadHeader(pos, limit));
  std::string buf;
  RETURN_NOT_OK(reader_->Read(pos, h.size(), &buf));
  return DecodeBatch(buf);
}

Result<uint64_t> Segment::Locate(SearchBy by, int64_t target, uint64_t limit, int64_t end) const {
  uint64_t pos = 0;
  int64_t expected = base_offset_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::span<const IndexEntry> entries(entries_);
    // Entries of unpublished batches lie at or past `end`; leave them out.
    while (!entries.empty() && base_offset_ + entries.back().relative_offset >= end) {
      entries = entries.first(entries.size() - 1);
    }
    ptrdiff_t i = by == SearchBy::kOffset ? FloorByOffset(entries, target - base_offset_)
                                          : LastEntryBelowTimestamp(entries, target);
    if (i >= 0) {
      pos = static_cast<uint64_t>(entries[i].position);
      expected = base_offset_ + entries[i].relative_offset;
    }
  }
  bool from_entry = pos != 0;
  while (true) {
    // A compacted segment may have no batch left at or after the target.
    if (pos >= limit && compacted_) return limit;
    if (pos >= limit) {
      return Status::Corruption(
          fmt::format("{}: data ends at position {} before offset {}", log_path_, pos, expected));
    }
    // Batches passed over are checked by header and by the offset chain, not by CRC:
    // a damaged batch is never served, because the batch returned is read in full
    // and CRC-checked by the caller.
    Result<BatchHeader> h = ReadHeader(pos, limit);
    if (h.ok() && !ContinuesOffsets(*h, expected)) {
      h = Status::Corruption(
          fmt::format("expected a batch at offset {}, found offset {}", expected, h->base_offset));
    }
    if (!h.ok()) {
      if (from_entry) {
        // The index entry does not point at the batch it names: scan from the start.
        WEIR_LOG(WARN) << log_path_ << ": index entry at position " << pos << " is wrong ("
                       << h.status().message() << "); scanning the segment";
        pos = 0;
        expected = base_offset_;
        from_entry = false;
        continue;
      }
      return h.status().WithContext(fmt::format("{} position {}", log_path_, pos));
    }
    from_entry = false;
    if (h->last_offset() >= end) {
      return Status::Corruption(
          fmt::format("{} position {}: batch at offset {} runs past offset {}", log_path_, pos,
                      h->base_offset, end));
    }
    const bool found =
        by == SearchBy::kOffset ? h->last_offset() >= target : h->max_timestamp >= target;
    if (found) return pos;
    pos += h->size();
    expected = h->last_offset() + 1;
    if (expected >= end) return limit;  // kTimestamp only: no batch reaches the target
  }
}

Status Segment::Read(int64_t offset, size_t max_bytes, std::vector<RecordBatch>* out,
                     size_t* bytes) const {
  *bytes = 0;
  uint64_t limit;
  int64_t end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    limit = visible_size_;
    end = visible_end_offset_;
  }
  WEIR_CHECK_GE(offset, base_offset_);
  WEIR_CHECK_LT(offset, end);
  ASSIGN_OR_RAISE(uint64_t pos, Locate(SearchBy::kOffset, offset, limit, end));
  int64_t expected = -1;
  while (pos < limit) {
    Result<RecordBatch> batch = ReadBatch(pos, limit);
    if (batch.ok() && expected >= 0 && !ContinuesOffsets(batch->header, expected)) {
      batch = Status::Corruption(fmt::format("expected a batch at offset {}, found offset {}",
                                             expected, batch->header.base_offset));
    }
    if (batch.ok() && batch->header.last_offset() >= end) {
      batch = Status::Corruption(
          fmt::format("batch at offset {} runs past offset {}", batch->header.base_offset, end));
    }
    if (!batch.ok()) {
      // A damaged batch after good ones ends this read; the next read reports it.
      if (!out->empty()) break;
      return batch.status().WithContext(fmt::format("{} position {}", log_path_, pos));
    }
    const size_t size = batch->header.size();
    if (!out->empty() && *bytes + size > max_bytes) break;
    expected = batch->header.last_offset() + 1;
    *bytes += size;
    pos += size;
    out->push_back(std::move(*batch));
    if (expected >= end || *bytes >= max_bytes) break;
  }
  return Status::OK();
}

Status Segment::ReadViews(int64_t offset, size_t max_bytes, BatchViews* out, size_t* bytes) const {
  *bytes = 0;
  uint64_t limit;
  int64_t end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    limit = visible_size_;
    end = visible_end_offset_;
  }
  WEIR_CHECK_GE(offset, base_offset_);
  WEIR_CHECK_LT(offset, end);
  ASSIGN_OR_RAISE(uint64_t pos, Locate(SearchBy::kOffset, offset, limit, end));
  if (pos >= limit) return Status::OK();
  // One read for every batch that can fit in max_bytes (at least a header's worth).
  std::string* buf = out->NewBuffer();
  RETURN_NOT_OK(reader_->Read(
      pos,
      static_cast<size_t>(std::min<uint64_t>(limit - pos, std::max(max_bytes, kBatchHeaderSize))),
      buf));
  const Chunk chunk{pos, *buf};
  int64_t expected = -1;
  while (pos < limit) {
    const bool first = out->num_batches() == 0;
    Result<BatchHeader> h = ReadHeader(pos, limit, &chunk);
    if (h.ok() && !first && *bytes + h->size() > max_bytes) break;
    std::string_view batch;
    if (h.ok()) {
      if (chunk.Holds(pos, h->size())) {
        batch = chunk.At(pos, h->size());
      } else {
        // Only a first batch larger than max_bytes (the chunk holds every other one
        // that fits).
        std::string* big = out->NewBuffer();
        Status s = reader_->Read(pos, h->size(), big);
        if (!s.ok()) h = s;
        batch = *big;
      }
    }
    if (h.ok()) h = out->AddBatch(batch);
    if (h.ok() && expected >= 0 && !ContinuesOffsets(*h, expected)) {
      out->PopBatch();
      h = Status::Corruption(
          fmt::format("expected a batch at offset {}, found offset {}", expected, h->base_offset));
    } else if (h.ok() && h->last_offset() >= end) {
      out->PopBatch();
      h = Status::Corruption(
          fmt::format("batch at offset {} runs past offset {}", h->base_offset, end));
    }
    if (!h.ok()) {
      // A damaged batch after good ones ends this read; the next read reports it.
      if (!first) break;
      return h.status().WithContext(fmt::format("{} position {}", log_path_, pos));
    }
    const size_t size = h->size();
    expected = h->last_offset() + 1;
    *bytes += size;
    pos += size;
    if (expected >= end || *bytes >= max_bytes) break;
  }
  return Status::OK();
}

Result<std::optional<int64_t>> Segment::FindOffsetByTimestamp(int64_t ts) const {
  uint64_t limit;
  int64_t end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (visible_max_timestamp_ < ts || visible_end_offset_ == base_offset_) return std::nullopt;
    limit = visible_size_;
    end = visible_end_offset_;
  }
  ASSIGN_OR_RAISE(uint64_t pos, Locate(SearchBy::kTimestamp, ts, limit, end));
  if (pos >= limit) return std::nullopt;
  Result<RecordBatch> batch = ReadBatch(pos, limit);
  if (!batch.ok()) return batch.status().WithContext(fmt::format("{} position {}", log_path_, pos));
  for (const LogRecord& r : batch->records) {
    if (r.record.timestamp >= ts) return r.offset;
  }
  return Status::Corruption(
      fmt::format("{} position {}: no record reaches the batch's max timestamp", log_path_, pos));
}

}  // namespace weir::log
