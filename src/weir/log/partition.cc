#include "weir/log/partition.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "weir/common/check.h"
#include "weir/common/logging.h"
#include "weir/log/compaction.h"
#include "weir/log/txn_index.h"

namespace weir::log {

namespace {

Status ValidateOptions(const PartitionOptions& o) {
  if (o.segment_bytes <= 0 || o.segment_bytes > kMaxSegmentBytes) {
    return Status::InvalidArgument(
        fmt::format("segment_bytes {} out of range [1, {}]", o.segment_bytes, kMaxSegmentBytes));
  }
  if (o.index_interval_bytes <= 0) {
    return Status::InvalidArgument(
        fmt::format("index_interval_bytes {} must be positive", o.index_interval_bytes));
  }
  constexpr int64_t kMaxFlushIntervalMs = std::numeric_limits<int64_t>::max() / 1'000'000;
  if (o.flush_interval_ms < 0 || o.flush_interval_ms > kMaxFlushIntervalMs) {
    return Status::InvalidArgument(fmt::format("flush_interval_ms {} out of range [0, {}]",
                                               o.flush_interval_ms, kMaxFlushIntervalMs));
  }
  if (o.producer_state_segments < 1) {
    return Status::InvalidArgument(
        fmt::format("producer_state_segments {} must be >= 1", o.producer_state_segments));
  }
  if (o.delete_retention_ms < 0) {
    return Status::InvalidArgument(
        fmt::format("delete_retention_ms {} must be >= 0", o.delete_retention_ms));
  }
  if (o.transaction_timeout_ms < 1) {
    return Status::InvalidArgument(
        fmt::format("transaction_timeout_ms {} must be >= 1", o.transaction_timeout_ms));
  }
  if (o.retention_ms < -1 || o.retention_bytes < -1) {
    return Status::InvalidArgument(fmt::format(
        "retention_ms {} and retention_bytes {} must be >= -1", o.retention_ms, o.retention_bytes));
  }
  return Status::OK();
}

// The base offsets of the segments that have a .log among `children`, in order.
std::vector<int64_t> LogBases(const std::vector<std::string>& children) {
  std::vector<int64_t> bases;
  for (const std::string& name : children) {
    int64_t base;
    SegmentFileKind kind;
    if (ParseSegmentFileName(name, &base, &kind) && kind == SegmentFileKind::kLog) {
      bases.push_back(base);
    }
  }
  std::sort(bases.begin(), bases.end());
  return bases;
}

Status Fenced(int64_t producer_id, int16_t epoch, int16_t current) {
  return Status::InvalidArgument(
      fmt::format("ProducerFenced: producer {} epoch {} is older than its current epoch {}",
                  producer_id, epoch, current));
}

}  // namespace

Status CreateDirsDurably(Env* env, const std::string& dir) {
  std::vector<std::string> missing;
  for (std::string p = dir;;) {
    ASSIGN_OR_RAISE(bool exists, env->FileExists(p));
    if (exists) break;
    missing.push_back(p);
    std::string parent = DirName(p);
    if (parent == p) break;
    p = std::move(parent);
  }
  RETURN_NOT_OK(env->CreateDirs(dir));
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    RETURN_NOT_OK(env->SyncDir(DirName(*it)));
  }
  return Status::OK();
}

Partition::Partition(Env* env, std::string dir, const PartitionOptions& options)
    : env_(env), dir_(std::move(dir)), options_(options) {}

Partition::~Partition() = default;

Result<std::unique_ptr<Partition>> Partition::Open(Env* env, const std::string& dir,
                                                   const PartitionOptions& options) {
  RETURN_NOT_OK(ValidateOptions(options));
  ASSIGN_OR_RAISE(bool exists, env->FileExists(dir));
  if (!exists) {
    if (!options.create_if_missing || options.read_only) {
      return Status::NotFound("partition " + dir + " does not exist");
    }
    RETURN_NOT_OK(CreateDirsDurably(env, dir));
  }
  std::unique_ptr<Partition> p(new Partition(env, dir, options));
  if (options.read_only) {
    RETURN_NOT_OK(p->LoadReadOnly());
    return p;
  }
  RETURN_NOT_OK(p->Load());
  std::lock_guard<std::mutex> wlock(p->write_mu_);
  Result<size_t> deleted = p->ApplyRetentionLocked();
  if (!deleted.ok()) {
    WEIR_LOG(WARN) << dir << ": retention failed: " << deleted.status();
  }
  return p;
}

Status Partition::LoadReadOnly() {
  ASSIGN_OR_RAISE(std::vector<std::string> children, env_->GetChildren(dir_));
  std::vector<std::shared_ptr<Segment>> segments;
  for (int64_t base : LogBases(children)) {
    Result<std::unique_ptr<Segment>> s = Segment::OpenReadOnly(env_, dir_, base, segment_options());
    // The writer's retention may delete the oldest segments while we list them.
    if (s.status().IsNotFound() && segments.empty()) continue;
    RETURN_NOT_OK(s.status());
    segments.push_back(std::move(*s));
  }
  if (segments.empty()) return Status::NotFound("partition " + dir_ + " has no segment");
  ASSIGN_OR_RAISE(TransactionState txns, LoadTransactions(segments, /*repair=*/false));
  std::lock_guard<std::mutex> lock(mu_);
  segments_ = std::move(segments);
  end_offset_ = segments_.back()->end_offset();
  txns_ = std::move(txns);
  txn_scanned_end_ = end_offset_;
  return Status::OK();
}

Status Partition::Refresh() {
  if (!options_.read_only) return Status::InvalidArgument("Refresh() needs a read-only partition");
  std::lock_guard<std::mutex> wlock(write_mu_);
  // List first: a segment in the listing was created after its predecessor was
  // sealed, so refreshing the last known segment afterwards reads it to its end.
  ASSIGN_OR_RAISE(std::vector<std::string> children, env_->GetChildren(dir_));
  const std::vector<int64_t> bases = LogBases(children);
  RETURN_NOT_OK(segments_.back()->Refresh());
  std::vector<std::shared_ptr<Segment>> added;
  for (int64_t base : bases) {
    if (base <= segments_.back()->base_offset()) continue;
    ASSIGN_OR_RAISE(std::unique_ptr<Segment> s,
                    Segment::OpenReadOnly(env_, dir_, base, segment_options()));
    added.push_back(std::move(s));
  }
  // The transactions of what became visible, applied together with the new end
  // offset so that no read-committed reader sees a batch before its transaction.
  std::vector<std::pair<BatchHeader, ControlType>> events;
  auto collect = [&events](const BatchHeader& h, ControlType type) {
    events.emplace_back(h, type);
  };
  RETURN_NOT_OK(ScanTransactions(*segments_.back(), txn_scanned_end_, collect));
  for (const std::shared_ptr<Segment>& seg : added) {
    RETURN_NOT_OK(ScanTransactions(*seg, txn_scanned_end_, collect));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [h, type] : events) {
    if (h.control()) {
      txns_.ApplyMarker(h, type);
    } else {
      txns_.ApplyData(h);
    }
  }
  segments_.insert(segments_.end(), added.begin(), added.end());
  if (!bases.empty()) {
    // Segments before the first listed one were deleted by retention; keep the last.
    // (After adding the new ones: the segment that was last at the previous Refresh
    // may itself have been sealed and deleted since.)
    auto keep = std::find_if(
        segments_.begin(), std::prev(segments_.end()),
        [&](const std::shared_ptr<Segment>& seg) { return seg->base_offset() >= bases.front(); });
    segments_.erase(segments_.begin(), keep);
  }
  end_offset_ = segments_.back()->end_offset();
  txn_scanned_end_ = std::max(txn_scanned_end_, end_offset_);
  txns_.PruneBefore(segments_.front()->base_offset());
  return Status::OK();
}

Result<size_t> Partition::ApplyRetention() {
  if (options_.read_only) return Status::InvalidArgument("partition " + dir_ + " is read-only");
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_) return Status::InvalidArgument("partition " + dir_ + " is closed");
  return ApplyRetentionLocked();
}

Result<size_t> Partition::ApplyRetentionLocked() {
  if (options_.retention_ms < 0 && options_.retention_bytes < 0) return 0;
  const int64_t now_ms = env_->clock()->NowMicros() / 1000;
  int64_t cutoff = 0;
  // With a cutoff below INT64_MIN nothing is old enough.
  const bool by_time =
      options_.retention_ms >= 0 && !__builtin_sub_overflow(now_ms, options_.retention_ms, &cutoff);
  uint64_t total = 0;
  for (const std::shared_ptr<Segment>& seg : segments_) total += seg->published_size();
  size_t deleted = 0;
  while (segments_.size() > 1) {
    std::shared_ptr<Segment> seg = segments_.front();
    const bool expired = by_time && seg->max_timestamp() < cutoff;
    const bool too_big =
        options_.retention_bytes >= 0 && total > static_cast<uint64_t>(options_.retention_bytes);
    if (!expired && !too_big) break;
    {
      // Readers still holding the segment keep reading it through their open handle.
      std::lock_guard<std::mutex> lock(mu_);
      segments_.erase(segments_.begin());
    }
    WEIR_LOG(INFO) << seg->log_path() << ": deleting segment (offsets " << seg->base_offset()
                   << " to " << seg->end_offset() - 1 << ", "
                   << (expired ? "older than retention_ms" : "over retention_bytes") << ")";
    RETURN_NOT_OK(DeleteSegmentFiles(seg->base_offset()));
    total -= seg->published_size();
    ++deleted;
  }
  if (deleted > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    txns_.PruneBefore(segments_.front()->base_offset());
  }
  return deleted;
}

Status Partition::DeleteSegmentFiles(int64_t base_offset) {
  // The .log first: index files left by a crash are orphans, which Load() deletes.
  for (SegmentFileKind kind : {SegmentFileKind::kLog, SegmentFileKind::kIndex,
                               SegmentFileKind::kTimeIndex, SegmentFileKind::kTxnIndex}) {
    Status s = env_->DeleteFile(dir_ + "/" + SegmentFileName(base_offset, kind));
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  // Durable before the next deletion, so a power loss never brings back an older
  // segment without the ones after it.
  return env_->SyncDir(dir_);
}

Status Partition::Load() {
  // Completes or rolls back a segment swap a crash interrupted (compaction.h).
  RETURN_NOT_OK(RecoverCompactionFiles(env_, dir_));
  ASSIGN_OR_RAISE(std::vector<std::string> children, env_->GetChildren(dir_));
  std::map<int64_t, bool> bases;  // base offset -> has a .log
  for (const std::string& name : children) {
    int64_t base;
    SegmentFileKind kind;
    if (!ParseSegmentFileName(name, &base, &kind)) continue;
    bases[base] |= kind == SegmentFileKind::kLog;
  }
  for (auto it = bases.begin(); it != bases.end();) {
    if (it->second) {
      ++it;
      continue;
    }
    // Index files of a segment whose .log was never made durable.
    for (SegmentFileKind kind :
         {SegmentFileKind::kIndex, SegmentFileKind::kTimeIndex, SegmentFileKind::kTxnIndex}) {
      std::string path = dir_ + "/" + SegmentFileName(it->first, kind);
      WEIR_LOG(WARN) << path << ": index without a log; deleting it";
      Status s = env_->DeleteFile(path);
      if (!s.ok() && !s.IsNotFound()) return s;
    }
    it = bases.erase(it);
  }

  std::vector<std::shared_ptr<Segment>> segments;
  if (bases.empty()) {
    // Made durable by the SyncDir below.
    ASSIGN_OR_RAISE(std::unique_ptr<Segment> s, Segment::Create(env_, dir_, 0, segment_options()));
    segments.push_back(std::move(s));
  }
  for (auto it = bases.begin(); it != bases.end(); ++it) {
    auto next = std::next(it);
    std::unique_ptr<Segment> s;
    if (next == bases.end()) {
      ASSIGN_OR_RAISE(s, Segment::OpenActive(env_, dir_, it->first, segment_options()));
    } else {
      ASSIGN_OR_RAISE(s,
                      Segment::OpenSealed(env_, dir_, it->first, segment_options(), next->first));
    }
    segments.push_back(std::move(s));
  }
  // A segment file created by an earlier process may not have reached its SyncDir;
  // make every directory entry durable before anything in it is acknowledged.
  RETURN_NOT_OK(env_->SyncDir(dir_));
  RETURN_NOT_OK(env_->SyncDir(DirName(dir_)));
  last_sync_nanos_ = env_->clock()->MonotonicNanos();
  Result<TransactionState> txns = LoadTransactions(segments, /*repair=*/true);
  // Only a sealed segment can fail here (recovery truncated the active one); its
  // reads report the damage.
  if (!txns.ok()) {
    WEIR_LOG(WARN) << "rebuilding transaction state: " << txns.status();
  }
  LoadProducerState(segments);
  std::lock_guard<std::mutex> lock(mu_);
  segments_ = std::move(segments);
  end_offset_ = segments_.back()->next_offset();
  durable_end_ = end_offset_;  // recovery synced the active segment
  if (txns.ok()) txns_ = std::move(*txns);
  return Status::OK();
}

Segment* Partition::active() const { return segments_.back().get(); }

Result<AppendResult> Partition::Append(std::span<const Record> records,
                                       const BatchOptions& batch_options) {
  if (options_.read_only) return Status::InvalidArgument("partition " + dir_ + " is read-only");
  std::unique_lock<std::mutex> wlock(write_mu_);
  if (closed_) return Status::InvalidArgument("partition " + dir_ + " is closed");
  if (!write_error_.ok()) {
    return write_error_.WithContext("partition " + dir_ + " refuses appends after an I/O error");
  }
  if (batch_options.control) {
    return Status::InvalidArgument("control batches are written by EndTransaction only");
  }
  if (batch_options.transactional && batch_options.producer_id < 0) {
    return Status::InvalidArgument("a transactional batch needs a producer id");
  }
  RETURN_NOT_OK(AbortTimedOutLocked().status());
  if (batch_options.producer_id >= 0) {
    auto fenced = fenced_epochs_.find(batch_options.producer_id);
    if (fenced != fenced_epochs_.end() && batch_options.producer_epoch < fenced->second) {
      return Fenced(batch_options.producer_id, batch_options.producer_epoch, fenced->second);
    }
  }
  const int64_t base = active()->next_offset();
  ASSIGN_OR_RAISE(std::string batch, EncodeBatch(base, records, batch_options));
  ASSIGN_OR_RAISE(BatchHeader header, DecodeBatchHeader(batch));
  ASSIGN_OR_RAISE(std::optional<ProducerBatch> original,
                  producers_.Check(batch_options, header.record_count));
  if (original) {
    // The original may still be waiting for its group sync: answer once it is durable.
    if (options_.durability == Durability::kFsync) {
      RETURN_NOT_OK(WaitDurableLocked(wlock, original->last_offset + 1));
    }
    return AppendResult{original->base_offset, original->last_offset};
  }
  if (batch_options.producer_id >= 0) {
    std::optional<TransactionState::OpenTransaction> open;
    {
      std::lock_guard<std::mutex> lock(mu_);
      open = txns_.Open(batch_options.producer_id);
    }
    if (open && batch_options.producer_epoch < open->epoch) {
      return Fenced(batch_options.producer_id, batch_options.producer_epoch, open->epoch);
    }
    if (open && batch_options.producer_epoch > open->epoch) {
      // Fencing: the new epoch aborts the old epoch's transaction first.
      RETURN_NOT_OK(AppendMarkerLocked(batch_options.producer_id, batch_options.producer_epoch,
                                       ControlType::kAbort));
      SetBaseOffset(&batch, active()->next_offset());
      ASSIGN_OR_RAISE(header, DecodeBatchHeader(batch));
    } else if (open && !batch_options.transactional) {
      return Status::InvalidArgument(
          fmt::format("producer {} has a transaction open since offset {}; end it before a "
                      "non-transactional append",
                      batch_options.producer_id, open->first_offset));
    }
  }
  if (header.transactional()) {
    // Before the batch is visible, so the last stable offset never lags it.
    const int64_t now = env_->clock()->NowMicros();
    std::lock_guard<std::mutex> lock(mu_);
    txns_.ApplyData(header, now);
  }
  RETURN_NOT_OK(AppendBatchLocked(batch, header));
  producers_.Update(header);
  if (options_.durability == Durability::kFsync) {
    RETURN_NOT_OK(WaitDurableLocked(wlock, header.last_offset() + 1));
  }
  return AppendResult{header.base_offset, header.last_offset()};
}

Status Partition::WaitDurableLocked(std::unique_lock<std::mutex>& wlock, int64_t end) {
  while (durable_end_ < end) {
    if (!write_error_.ok()) return write_error_;
    if (closed_) return Status::IoError("partition " + dir_ + " was closed before a sync");
    if (sync_in_progress_) {
      // A leader is syncing; it may or may not cover this batch. Look again after it.
      sync_cv_.wait(wlock);
      continue;
    }
    // Lead: sync everything written so far, without write_mu_, so that other
    // appenders write their batches meanwhile and the next sync covers them all.
    sync_in_progress_ = true;
    std::shared_ptr<Segment> seg = segments_.back();
    const Segment::WritePosition target = seg->written();
    wlock.unlock();
    // A roll may seal the segment meanwhile; its Seal then synced it (and counted).
    bool synced = false;
    Status s = seg->SyncLog(&synced);
    if (synced) log_syncs_.fetch_add(1, std::memory_order_relaxed);
    wlock.lock();
    sync_in_progress_ = false;
    if (s.ok()) {
      MarkDurableLocked(seg.get(), target);
    } else if (write_error_.ok()) {
      write_error_ = s;
    }
    sync_cv_.notify_all();
  }
  return Status::OK();
}

void Partition::MarkDurableLocked(Segment* seg, const Segment::WritePosition& upto) {
  seg->Publish(upto);
  durable_end_ = std::max(durable_end_, upto.next_offset);
  {
    std::lock_guard<std::mutex> lock(mu_);
    end_offset_ = std::max(end_offset_, upto.next_offset);
  }
  sync_cv_.notify_all();
}

Status Partition::EndTransaction(int64_t producer_id, int16_t epoch, TransactionResult result) {
  if (options_.read_only) return Status::InvalidArgument("partition " + dir_ + " is read-only");
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_) return Status::InvalidArgument("partition " + dir_ + " is closed");
  if (!write_error_.ok()) {
    return write_error_.WithContext("partition " + dir_ + " refuses appends after an I/O error");
  }
  if (producer_id < 0 || epoch < 0) {
    return Status::InvalidArgument(fmt::format(
        "EndTransaction needs producer id and epoch >= 0, got {} and {}", producer_id, epoch));
  }
  RETURN_NOT_OK(AbortTimedOutLocked().status());
  std::optional<int16_t> current = producers_.Epoch(producer_id);
  if (auto fenced = fenced_epochs_.find(producer_id); fenced != fenced_epochs_.end()) {
    current = std::max(current.value_or(fenced->second), fenced->second);
  }
  if (current && epoch < *current) return Fenced(producer_id, epoch, *current);
  std::optional<TransactionState::OpenTransaction> open;
  {
    std::lock_guard<std::mutex> lock(mu_);
    open = txns_.Open(producer_id);
  }
  if (!open) return Status::OK();
  if (epoch < open->epoch) return Fenced(producer_id, epoch, open->epoch);
  const ControlType type = epoch == open->epoch && result == TransactionResult::kCommit
                               ? ControlType::kCommit
                               : ControlType::kAbort;
  return AppendMarkerLocked(producer_id, epoch, type);
}

Status Partition::AppendMarkerLocked(int64_t producer_id, int16_t epoch, ControlType type) {
  const Record marker = MakeControlRecord(type, env_->clock()->NowMicros() / 1000);
  BatchOptions options;
  options.producer_id = producer_id;
  options.producer_epoch = epoch;
  options.transactional = true;
  options.control = true;
  ASSIGN_OR_RAISE(std::string batch, EncodeBatch(active()->next_offset(),
                                                 std::span<const Record>(&marker, 1), options));
  ASSIGN_OR_RAISE(BatchHeader header, DecodeBatchHeader(batch));
  RETURN_NOT_OK(AppendBatchLocked(batch, header));
  // A marker is durable when acknowledged whatever the durability (a sink records its
  // epoch as committed once EndTransaction returns), and it is applied only then, so
  // a read-committed reader never sees a commit that a power loss could take back.
  // It is synced here, holding write_mu_, rather than in a group sync: a producer's
  // next batch must find its transaction ended.
  const Segment::WritePosition pos = active()->written();
  Status s = active()->SyncLog();
  log_syncs_.fetch_add(1, std::memory_order_relaxed);
  if (!s.ok()) {
    write_error_ = s;
    return s;
  }
  last_sync_nanos_ = env_->clock()->MonotonicNanos();
  MarkDurableLocked(active(), pos);
  int16_t& fenced = fenced_epochs_[producer_id];
  fenced = std::max(fenced, epoch);
  std::lock_guard<std::mutex> lock(mu_);
  txns_.ApplyMarker(header, type);
  return Status::OK();
}

Result<size_t> Partition::AbortTimedOutTransactions() {
  if (options_.read_only) return Status::InvalidArgument("partition " + dir_ + " is read-only");
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_) return Status::InvalidArgument("partition " + dir_ + " is closed");
  RETURN_NOT_OK(write_error_);
  return AbortTimedOutLocked();
}

Result<size_t> Partition::AbortTimedOutLocked() {
  // txns_ changes only under write_mu_, which we hold: read it without mu_.
  if (txns_.num_open() == 0) return 0;
  const int64_t now = env_->clock()->NowMicros();
  const int64_t timeout_micros = options_.transaction_timeout_ms * 1000;
  size_t aborted = 0;
  for (const auto& [id, t] : txns_.OpenTransactions()) {
    if (now - t.start_micros < timeout_micros) continue;
    // Kafka's coordinator bumps the epoch when it aborts a timed-out transaction, so
    // that the producer, if it still lives, is fenced rather than continuing into a
    // new transaction that would commit half of its work.
    const int16_t epoch = t.epoch < INT16_MAX ? static_cast<int16_t>(t.epoch + 1) : t.epoch;
    WEIR_LOG(INFO) << dir_ << ": aborting the transaction of producer " << id << " epoch "
                   << t.epoch << " open since offset " << t.first_offset << " for over "
                   << options_.transaction_timeout_ms << " ms";
    RETURN_NOT_OK(AppendMarkerLocked(id, epoch, ControlType::kAbort));
    ++aborted;
  }
  return aborted;
}

Status Partition::AppendBatchLocked(const std::string& batch, const BatchHeader& header) {
  const size_t segments_before = segments_.size();
  Status s = AppendLocked(batch, header);
  if (!s.ok()) {
    write_error_ = s;
    return s;
  }
  if (segments_.size() != segments_before) {
    // A roll sealed a segment that retention may now delete. Its failure does not
    // undo the append, which is durable.
    Result<size_t> deleted = ApplyRetentionLocked();
    if (!deleted.ok()) {
      WEIR_LOG(WARN) << dir_ << ": retention failed: " << deleted.status();
    }
  }
  return Status::OK();
}

Status Partition::AppendLocked(const std::string& batch, const BatchHeader& header) {
  Segment* seg = active();
  const int64_t span = header.last_offset() - seg->base_offset();
  if (seg->size() > 0 &&
      (seg->size() + batch.size() > static_cast<uint64_t>(options_.segment_bytes) ||
       span > std::numeric_limits<int32_t>::max())) {
    RETURN_NOT_OK(RollLocked());
    seg = active();
  }
  RETURN_NOT_OK(seg->Append(batch, header));
  if (options_.durability == Durability::kFsync) {
    // Visible once a group sync covers it (WaitDurableLocked). Flush now, so that a
    // reader in another process sees it as early as before group commit.
    return seg->Flush();
  }
  const int64_t now = env_->clock()->MonotonicNanos();
  if (now - last_sync_nanos_ >= options_.flush_interval_ms * 1'000'000) {
    RETURN_NOT_OK(seg->Sync());
    log_syncs_.fetch_add(1, std::memory_order_relaxed);
    last_sync_nanos_ = now;
  } else {
    RETURN_NOT_OK(seg->Flush());
  }
  seg->Publish();
  std::lock_guard<std::mutex> lock(mu_);
  end_offset_ = header.last_offset() + 1;
  return Status::OK();
}

Status Partition::RollLocked() {
  Segment* old = active();
  // The old segment is durable before the new one exists, so a crash never leaves a
  // later segment after a torn one. Its batches still waiting for a group sync are
  // durable then too.
  const Segment::WritePosition pos = old->written();
  RETURN_NOT_OK(old->Seal());
  log_syncs_.fetch_add(1, std::memory_order_relaxed);
  MarkDurableLocked(old, pos);
  {
    // Derived data (docs/log_format.md section 9): a failure costs the next open a
    // full scan, which rewrites it; the roll's SyncDir makes its entry durable.
    TxnIndex index;
    {
      std::lock_guard<std::mutex> lock(mu_);
      index = MakeTxnIndex(txns_, old->base_offset(), old->next_offset());
    }
    Status s = WriteTxnIndex(env_, TxnIndexPath(old->base_offset()), index);
    if (!s.ok()) {
      WEIR_LOG(WARN) << "writing a transaction index: " << s;
    }
  }
  ASSIGN_OR_RAISE(std::unique_ptr<Segment> s,
                  Segment::Create(env_, dir_, old->next_offset(), segment_options()));
  RETURN_NOT_OK(env_->SyncDir(dir_));
  std::lock_guard<std::mutex> lock(mu_);
  segments_.push_back(std::move(s));
  return Status::OK();
}

Status Partition::Sync() {
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_ || options_.read_only) return Status::OK();
  RETURN_NOT_OK(write_error_);
  const Segment::WritePosition pos = active()->written();
  Status s = active()->SyncLog();
  log_syncs_.fetch_add(1, std::memory_order_relaxed);
  if (!s.ok()) {
    write_error_ = s;
    return s;
  }
  last_sync_nanos_ = env_->clock()->MonotonicNanos();
  MarkDurableLocked(active(), pos);
  return Status::OK();
}

Status Partition::Close() {
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_) return Status::OK();
  closed_ = true;
  if (options_.read_only) return Status::OK();
  const Segment::WritePosition pos = active()->written();
  Status s = write_error_.ok() ? active()->SyncLog() : Status::OK();
  if (s.ok() && write_error_.ok()) MarkDurableLocked(active(), pos);
  Status c = active()->Close();
  // Appenders waiting for a group sync are answered by durable_end_ or closed_.
  sync_cv_.notify_all();
  return s.ok() ? c : s;
}

int64_t Partition::start_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return segments_.front()->base_offset();
}

int64_t Partition::end_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return end_offset_;
}

ProducerStatus Partition::GetProducerStatus(int64_t producer_id) {
  std::lock_guard<std::mutex> wlock(write_mu_);
  ProducerStatus status;
  if (std::optional<ProducerBatch> last = producers_.LastBatch(producer_id)) {
    status.epoch = producers_.Epoch(producer_id);
    status.last_batch = *last;
    status.next_sequence = NextSequence(last->base_sequence, last->record_count);
  }
  std::lock_guard<std::mutex> lock(mu_);
  status.open_transaction = txns_.Open(producer_id);
  if (status.epoch) {
    status.last_batch_aborted = txns_.IsAborted(producer_id, status.last_batch.base_offset);
  }
  return status;
}

int64_t Partition::last_stable_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::min(end_offset_, txns_.FirstUnstableOffset());
}

size_t Partition::num_open_transactions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return txns_.num_open();
}

size_t Partition::num_aborted_transactions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return txns_.num_aborted();
}

size_t Partition::num_segments() const {
  std::lock_guard<std::mutex> lock(mu_);
  return segments_.size();
}

std::vector<SegmentInfo> Partition::segments() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SegmentInfo> out;
  for (const std::shared_ptr<Segment>& seg : segments_) {
    out.push_back(SegmentInfo{seg->base_offset(), seg->end_offset(), seg->published_size(),
                              seg->max_timestamp()});
  }
  return out;
}

}  // namespace weir::log
