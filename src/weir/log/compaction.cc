#include "weir/log/compaction.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "weir/common/logging.h"
#include "weir/log/partition.h"

namespace weir::log {

namespace {

// How many bytes of batches one read of a segment asks for.
constexpr size_t kReadBytes = 1 << 20;

std::string FilePath(const std::string& dir, int64_t base, SegmentFileKind kind,
                     std::string_view suffix = {}) {
  std::string path = dir;
  if (path.empty() || path.back() != '/') path += '/';
  path += SegmentFileName(base, kind);
  path += suffix;
  return path;
}

constexpr SegmentFileKind kAllKinds[] = {SegmentFileKind::kLog, SegmentFileKind::kIndex,
                                         SegmentFileKind::kTimeIndex};

// Parses "<segment file name><suffix>".
bool ParseSuffixed(std::string_view name, std::string_view suffix, int64_t* base,
                   SegmentFileKind* kind) {
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return false;
  return ParseSegmentFileName(name.substr(0, name.size() - suffix.size()), base, kind);
}

// Calls fn with every batch of a sealed segment, oldest first. Cancelled once `stop`
// is requested (checked before each read).
template <typename Fn>
Status ForEachBatch(const Segment& seg, std::stop_token stop, Fn&& fn) {
  int64_t offset = seg.base_offset();
  const int64_t end = seg.end_offset();
  while (offset < end) {
    if (stop.stop_requested()) {
      return Status::Cancelled(fmt::format("compaction of {} was stopped", seg.log_path()));
    }
    std::vector<RecordBatch> batches;
    size_t bytes = 0;
    RETURN_NOT_OK(seg.Read(offset, kReadBytes, &batches, &bytes));
    if (batches.empty()) break;  // a compacted segment's trailing gap
    for (const RecordBatch& b : batches) RETURN_NOT_OK(fn(b));
    offset = batches.back().header.last_offset() + 1;
  }
  return Status::OK();
}

}  // namespace

void CompactionPlan::Add(const RecordBatch& batch) {
  const BatchHeader& h = batch.header;
  if (h.producer_id >= 0 && !h.control()) last_producer_batch_[h.producer_id] = h.base_offset;
  if (h.control() || Aborted(h)) return;
  for (const LogRecord& r : batch.records) {
    if (r.record.key) latest_[*r.record.key] = r.offset;
  }
}

bool CompactionPlan::KeepWhole(const BatchHeader& h) const {
  if (h.control()) return true;
  if (h.producer_id < 0) return false;
  auto it = last_producer_batch_.find(h.producer_id);
  return it != last_producer_batch_.end() && it->second == h.base_offset;
}

bool CompactionPlan::Survives(const LogRecord& r) const {
  if (!r.record.key) return true;
  auto it = latest_.find(*r.record.key);
  // A key the plan never saw (the batch was added after the plan): keep it.
  if (it == latest_.end() || it->second < r.offset) return true;
  if (it->second != r.offset) return false;
  return r.record.value.has_value() || r.record.timestamp >= cutoff_;
}

Result<std::unique_ptr<CleanedSegmentWriter>> CleanedSegmentWriter::Create(
    Env* env, const std::string& dir, int64_t base, int32_t index_interval_bytes) {
  std::unique_ptr<CleanedSegmentWriter> w(
      new CleanedSegmentWriter(env, dir, base, index_interval_bytes));
  ASSIGN_OR_RAISE(w->log_,
                  env->NewWritableFile(FilePath(dir, base, SegmentFileKind::kLog, kCleanedSuffix)));
  ASSIGN_OR_RAISE(w->index_, env->NewWritableFile(
                                 FilePath(dir, base, SegmentFileKind::kIndex, kCleanedSuffix)));
  ASSIGN_OR_RAISE(w->time_index_, env->NewWritableFile(FilePath(
                                      dir, base, SegmentFileKind::kTimeIndex, kCleanedSuffix)));
  return w;
}

Status CleanedSegmentWriter::Write(const std::string& encoded) {
  ASSIGN_OR_RAISE(BatchHeader h, DecodeBatchHeader(encoded));
  // Splitting a batch into runs adds headers, so a copy can outgrow its original.
  if (size_ + encoded.size() > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Status::InvalidArgument(
        fmt::format("compacted copy of segment {} would exceed 2 GiB", base_));
  }
  RETURN_NOT_OK(log_->Append(encoded));
  IndexEntry entry;
  if (builder_.Add(static_cast<int32_t>(h.base_offset - base_), static_cast<int64_t>(size_),
                   h.max_timestamp, &entry)) {
    std::string offset_bytes, time_bytes;
    AppendOffsetIndexEntry(&offset_bytes, entry);
    AppendTimeIndexEntry(&time_bytes, entry);
    RETURN_NOT_OK(index_->Append(offset_bytes));
    RETURN_NOT_OK(time_index_->Append(time_bytes));
  }
  size_ += encoded.size();
  return Status::OK();
}

Status CleanedSegmentWriter::Add(const RecordBatch& batch, const CompactionPlan& plan,
                                 int64_t* removed) {
  const BatchHeader& h = batch.header;
  BatchOptions options;
  options.compression = h.compression();
  options.control = h.control();
  options.compacted = true;
  std::vector<bool> keep(batch.records.size(), true);
  size_t kept = batch.records.size();
  if (!plan.KeepWhole(h)) {
    const bool aborted = plan.Aborted(h);
    for (size_t i = 0; i < batch.records.size(); ++i) {
      if (aborted || !plan.Survives(batch.records[i])) {
        keep[i] = false;
        --kept;
      }
    }
  }
  *removed += static_cast<int64_t>(batch.records.size() - kept);
  if (kept == batch.records.size()) {
    options.transactional = h.transactional();
    options.producer_id = h.producer_id;
    options.producer_epoch = h.producer_epoch;
    options.base_sequence = h.base_sequence;
  }
  // One batch per run of consecutive surviving offsets: offsets inside a batch stay
  // contiguous (section 2.4 rule 5); only batches may follow gaps.
  std::vector<Record> run;
  int64_t run_base = 0;
  for (size_t i = 0; i <= batch.records.size(); ++i) {
    if (i < batch.records.size() && keep[i]) {
      if (run.empty()) run_base = batch.records[i].offset;
      run.push_back(batch.records[i].record);
      continue;
    }
    if (run.empty()) continue;
    ASSIGN_OR_RAISE(std::string encoded, EncodeBatch(run_base, run, options));
    RETURN_NOT_OK(Write(encoded));
    run.clear();
  }
  return Status::OK();
}

Status CleanedSegmentWriter::Finish() {
  for (std::unique_ptr<WritableFile>* f : {&log_, &index_, &time_index_}) {
    RETURN_NOT_OK((*f)->Sync());
    RETURN_NOT_OK((*f)->Close());
    f->reset();
  }
  return env_->SyncDir(dir_);
}

Status DeleteCleanedFiles(Env* env, const std::string& dir, int64_t base) {
  for (SegmentFileKind kind : kAllKinds) {
    Status s = env->DeleteFile(FilePath(dir, base, kind, kCleanedSuffix));
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  return Status::OK();
}

Status CommitCleanedSegment(Env* env, const std::string& dir, int64_t base, bool* committed) {
  *committed = false;
  RETURN_NOT_OK(env->RenameFile(FilePath(dir, base, SegmentFileKind::kLog, kCleanedSuffix),
                                FilePath(dir, base, SegmentFileKind::kLog, kSwapSuffix)));
  *committed = true;
  return env->SyncDir(dir);
}

Status FinishSegmentSwap(Env* env, const std::string& dir, int64_t base) {
  for (SegmentFileKind kind : {SegmentFileKind::kIndex, SegmentFileKind::kTimeIndex}) {
    const std::string path = FilePath(dir, base, kind);
    const std::string cleaned = FilePath(dir, base, kind, kCleanedSuffix);
    ASSIGN_OR_RAISE(bool have_cleaned, env->FileExists(cleaned));
    if (have_cleaned) {
      RETURN_NOT_OK(env->RenameFile(cleaned, path));
    } else {
      // Either already the new index, or the old one: derived data, rebuilt at open.
      Status s = env->DeleteFile(path);
      if (!s.ok() && !s.IsNotFound()) return s;
    }
  }
  RETURN_NOT_OK(env->RenameFile(FilePath(dir, base, SegmentFileKind::kLog, kSwapSuffix),
                                FilePath(dir, base, SegmentFileKind::kLog)));
  return env->SyncDir(dir);
}

Status RecoverCompactionFiles(Env* env, const std::string& dir) {
  ASSIGN_OR_RAISE(std::vector<std::string> children, env->GetChildren(dir));
  int64_t base;
  SegmentFileKind kind;
  for (const std::string& name : children) {
    if (ParseSuffixed(name, kSwapSuffix, &base, &kind) && kind == SegmentFileKind::kLog) {
      WEIR_LOG(WARN) << dir << "/" << name << ": finishing an interrupted compaction swap";
      RETURN_NOT_OK(FinishSegmentSwap(env, dir, base));
    }
  }
  ASSIGN_OR_RAISE(children, env->GetChildren(dir));
  bool deleted = false;
  for (const std::string& name : children) {
    if (!ParseSuffixed(name, kCleanedSuffix, &base, &kind)) continue;
    WEIR_LOG(WARN) << dir << "/" << name << ": deleting an uncommitted compacted copy";
    Status s = env->DeleteFile(dir + "/" + name);
    if (!s.ok() && !s.IsNotFound()) return s;
    deleted = true;
  }
  return deleted ? env->SyncDir(dir) : Status::OK();
}

Result<CompactionStats> Partition::Compact(std::stop_token stop) {
  if (options_.read_only) return Status::InvalidArgument("partition " + dir_ + " is read-only");
  if (!options_.compact) {
    return Status::InvalidArgument("partition " + dir_ + " does not have cleanup policy compact");
  }
  std::lock_guard<std::mutex> clock(compact_mu_);
  if (!compaction_error_.ok()) {
    return compaction_error_.WithContext("partition " + dir_ +
                                         " refuses compaction after a failed swap; reopen it");
  }
  std::vector<std::shared_ptr<Segment>> sealed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    sealed.assign(segments_.begin(), std::prev(segments_.end()));
    // Never past the last stable offset: whether an open transaction's records count
    // is not known yet (Kafka's cleaner stops there too).
    const int64_t lso = std::min(end_offset_, txns_.FirstUnstableOffset());
    while (!sealed.empty() && sealed.back()->end_offset() > lso) sealed.pop_back();
  }
  CompactionStats stats;
  if (sealed.empty()) return stats;
  const int64_t now_ms = env_->clock()->NowMicros() / 1000;
  int64_t cutoff;
  if (__builtin_sub_overflow(now_ms, options_.delete_retention_ms, &cutoff)) {
    cutoff = std::numeric_limits<int64_t>::min();
  }
  // Only sealed segments feed the plan: they are durable, while the active segment's
  // newest records may be lost by a power loss (kInterval), and a value superseded
  // only by a lost record must not be removed.
  CompactionPlan plan(cutoff);
  plan.set_aborted([this](const BatchHeader& h) {
    std::lock_guard<std::mutex> lock(mu_);
    return h.producer_id >= 0 && txns_.IsAborted(h.producer_id, h.base_offset);
  });
  for (const std::shared_ptr<Segment>& seg : sealed) {
    RETURN_NOT_OK(ForEachBatch(*seg, stop, [&plan](const RecordBatch& b) {
      plan.Add(b);
      return Status::OK();
    }));
  }
  for (const std::shared_ptr<Segment>& seg : sealed) {
    RETURN_NOT_OK(CompactSegment(seg, plan, stop, &stats).status());
  }
  // Every key of the sealed segments up to here had its latest value there.
  std::lock_guard<std::mutex> lock(mu_);
  cleaned_end_offset_ = std::max(cleaned_end_offset_, sealed.back()->end_offset());
  return stats;
}

CompactionBacklog Partition::compaction_backlog() const {
  CompactionBacklog backlog;
  std::lock_guard<std::mutex> lock(mu_);
  // The segments Compact() would work on: sealed, and below the last stable offset.
  const int64_t lso = std::min(end_offset_, txns_.FirstUnstableOffset());
  for (auto it = segments_.begin(); it != std::prev(segments_.end()); ++it) {
    const Segment& seg = **it;
    if (seg.end_offset() > lso) break;
    (seg.end_offset() <= cleaned_end_offset_ ? backlog.clean_bytes : backlog.dirty_bytes) +=
        seg.published_size();
  }
  return backlog;
}

Result<bool> Partition::CompactSegment(const std::shared_ptr<Segment>& seg,
                                       const CompactionPlan& plan, std::stop_token stop,
                                       CompactionStats* stats) {
  int64_t removable = 0;
  RETURN_NOT_OK(ForEachBatch(*seg, stop, [&](const RecordBatch& b) {
    if (plan.KeepWhole(b.header)) return Status::OK();
    const bool aborted = plan.Aborted(b.header);
    for (const LogRecord& r : b.records) removable += !aborted && plan.Survives(r) ? 0 : 1;
    return Status::OK();
  }));
  if (removable == 0) return false;
  const int64_t base = seg->base_offset();
  int64_t removed = 0;
  uint64_t size_after = 0;
  {
    Result<std::unique_ptr<CleanedSegmentWriter>> w =
        CleanedSegmentWriter::Create(env_, dir_, base, options_.index_interval_bytes);
    Status s = w.status();
    if (s.ok()) {
      s = ForEachBatch(*seg, stop,
                       [&](const RecordBatch& b) { return (*w)->Add(b, plan, &removed); });
    }
    if (s.ok()) s = (*w)->Finish();
    if (!s.ok()) {
      if (w.ok()) w->reset();
      DeleteCleanedFiles(env_, dir_, base).IgnoreError();
      return s.WithContext(fmt::format("compacting segment {} of {}", base, dir_));
    }
    size_after = (*w)->size();
  }
  const uint64_t size_before = seg->published_size();
  ASSIGN_OR_RAISE(bool swapped, SwapCompactedSegment(seg, seg->end_offset()));
  if (!swapped) return false;
  WEIR_LOG(INFO) << seg->log_path() << ": compacted, " << removed << " records removed, "
                 << size_before << " -> " << size_after << " bytes";
  ++stats->segments_rewritten;
  stats->records_removed += removed;
  stats->bytes_before += size_before;
  stats->bytes_after += size_after;
  return true;
}

Result<bool> Partition::SwapCompactedSegment(const std::shared_ptr<Segment>& old_seg,
                                             int64_t end_offset) {
  const int64_t base = old_seg->base_offset();
  std::lock_guard<std::mutex> wlock(write_mu_);
  auto it = std::find(segments_.begin(), segments_.end(), old_seg);
  if (closed_ || it == segments_.end() || std::next(it) == segments_.end()) {
    // Retention deleted the segment meanwhile, or the partition was closed.
    RETURN_NOT_OK(DeleteCleanedFiles(env_, dir_, base));
    return false;
  }
  bool committed = false;
  Status s = CommitCleanedSegment(env_, dir_, base, &committed);
  if (!committed) {
    DeleteCleanedFiles(env_, dir_, base).IgnoreError();
    return s;
  }
  if (s.ok()) s = FinishSegmentSwap(env_, dir_, base);
  Result<std::unique_ptr<Segment>> fresh =
      s.ok() ? Segment::OpenSealed(env_, dir_, base, segment_options(), end_offset)
             : Result<std::unique_ptr<Segment>>(s);
  if (!fresh.ok()) {
    // The old segment object still serves reads through its open handle; what is on
    // disk is resolved by the next open.
    compaction_error_ = fresh.status();
    return fresh.status().WithContext(
        fmt::format("swapping compacted segment {} of {}", base, dir_));
  }
  std::lock_guard<std::mutex> lock(mu_);
  *it = std::move(*fresh);
  return true;
}

}  // namespace weir::log
