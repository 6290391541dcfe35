// Partition: the read path (zero-copy batch views, owned batches, time lookups).

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

Result<std::vector<RecordBatch>> Partition::Read(int64_t offset, size_t max_bytes,
                                                 const ReadOptions& options) const {
  BatchViews views;
  RETURN_NOT_OK(ReadViews(offset, max_bytes, options, &views));
  std::vector<RecordBatch> out;
  out.reserve(views.batches().size());
  for (const BatchView& b : views.batches()) out.push_back(ToRecordBatch(b));
  return out;
}

Status Partition::ReadViews(int64_t offset, size_t max_bytes, const ReadOptions& options,
                            BatchViews* views) const {
  views->Clear();
  const bool committed = options.isolation == IsolationLevel::kReadCommitted;
  std::vector<std::shared_ptr<Segment>> segments;
  // Read-committed readers stop at the last stable offset, taken with the segments.
  int64_t limit;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t start = segments_.front()->base_offset();
    if (offset < start || offset > end_offset_) {
      return Status::InvalidArgument(
          fmt::format("offset {} is outside the partition's [{}, {}]", offset, start, end_offset_));
    }
    auto it = std::upper_bound(
        segments_.begin(), segments_.end(), offset,
        [](int64_t o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); });
    segments.assign(std::prev(it), segments_.end());
    limit = committed ? std::min(end_offset_, txns_.FirstUnstableOffset()) : end_offset_;
  }
  if (committed && offset >= limit) {
    views->Finish();
    return Status::OK();
  }
  size_t total = 0;
  int64_t next = offset;
  const Segment* prev = nullptr;
  for (const std::shared_ptr<Segment>& seg : segments) {
    const int64_t seg_end = seg->end_offset();
    if (next < seg->base_offset()) {
      // Compaction may remove the last offsets of a segment (a read-only view then
      // ends the segment at its last batch, or at its base when it is empty).
      const bool gap_allowed =
          prev != nullptr && (prev->compacted() || prev->end_offset() == prev->base_offset());
      if (gap_allowed) {
        next = seg->base_offset();
      } else {
        if (views->num_batches() > 0) break;
        return Status::Corruption(
            fmt::format("{}: offsets {} to {} are missing", dir_, next, seg->base_offset() - 1));
      }
    }
    prev = seg.get();
    if (next >= seg_end) continue;
    size_t bytes = 0;
    const size_t before = views->num_batches();
    Status s = seg->ReadViews(next, max_bytes - std::min(total, max_bytes), views, &bytes);
    if (!s.ok()) return s;  // only when nothing was read before
    total += bytes;
    if (views->num_batches() == before) {
      // Either max_bytes is reached, or a compacted segment holds nothing at or
      // after `next`: then the read goes on in the next segment.
      if (before > 0) break;
      next = seg_end;
      continue;
    }
    next = views->last_header().last_offset() + 1;
    if (next < seg_end || total >= max_bytes) break;
  }
  views->Finish();
  std::vector<BatchView>& out = *views->mutable_batches();
  if (committed) {
    // A read-only partition's segments may show batches its end offset does not yet.
    out.erase(std::find_if(out.begin(), out.end(),
                           [limit](const BatchView& b) { return b.header.base_offset >= limit; }),
              out.end());
  }
  if (!out.empty()) {
    std::span<const RecordView>& first = out.front().records;
    first = first.subspan(static_cast<size_t>(
        std::find_if(first.begin(), first.end(),
                     [offset](const RecordView& r) { return r.offset >= offset; }) -
        first.begin()));
  }
  // Control batches carry markers, not records; aborted batches are dropped for
  // read-committed readers. Both keep their header so a reader can move past them.
  bool any_transactional = false;
  for (BatchView& b : out) {
    if (b.header.control()) b.records = {};
    any_transactional |= b.header.transactional();
  }
  if (committed && any_transactional) {
    std::lock_guard<std::mutex> lock(mu_);
    for (BatchView& b : out) {
      const BatchHeader& h = b.header;
      if (h.transactional() && h.producer_id >= 0 &&
          txns_.IsAborted(h.producer_id, h.base_offset)) {
        b.records = {};
      }
    }
  }
  return Status::OK();
}

Result<int64_t> Partition::FindOffsetByTimestamp(int64_t ts) const {
  std::vector<std::shared_ptr<Segment>> segments;
  int64_t end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    segments = segments_;
    end = end_offset_;
  }
  for (const std::shared_ptr<Segment>& seg : segments) {
    if (seg->max_timestamp() < ts) continue;
    ASSIGN_OR_RAISE(std::optional<int64_t> offset, seg->FindOffsetByTimestamp(ts));
    if (offset) return *offset;
  }
  return end;
}

}  // namespace weir::log
