#include "weir/log/partition.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "weir/common/check.h"
#include "weir/common/logging.h"

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
  return Status::OK();
}

// Creates `dir` and its missing parents and makes each new directory entry durable.
Status CreateDirDurably(Env* env, const std::string& dir) {
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

}  // namespace

Partition::Partition(Env* env, std::string dir, const PartitionOptions& options)
    : env_(env), dir_(std::move(dir)), options_(options) {}

Partition::~Partition() = default;

Result<std::unique_ptr<Partition>> Partition::Open(Env* env, const std::string& dir,
                                                   const PartitionOptions& options) {
  RETURN_NOT_OK(ValidateOptions(options));
  ASSIGN_OR_RAISE(bool exists, env->FileExists(dir));
  if (!exists) {
    if (!options.create_if_missing) return Status::NotFound("partition " + dir + " does not exist");
    RETURN_NOT_OK(CreateDirDurably(env, dir));
  }
  std::unique_ptr<Partition> p(new Partition(env, dir, options));
  RETURN_NOT_OK(p->Load());
  return p;
}

Status Partition::Load() {
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
    for (SegmentFileKind kind : {SegmentFileKind::kIndex, SegmentFileKind::kTimeIndex}) {
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
  std::lock_guard<std::mutex> lock(mu_);
  segments_ = std::move(segments);
  end_offset_ = segments_.back()->next_offset();
  return Status::OK();
}

Segment* Partition::active() const { return segments_.back().get(); }

Result<AppendResult> Partition::Append(std::span<const Record> records,
                                       const BatchOptions& batch_options) {
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_) return Status::InvalidArgument("partition " + dir_ + " is closed");
  if (!write_error_.ok()) {
    return write_error_.WithContext("partition " + dir_ + " refuses appends after an I/O error");
  }
  const int64_t base = active()->next_offset();
  ASSIGN_OR_RAISE(std::string batch, EncodeBatch(base, records, batch_options));
  ASSIGN_OR_RAISE(BatchHeader header, DecodeBatchHeader(batch));
  Status s = AppendLocked(batch, header);
  if (!s.ok()) {
    write_error_ = s;
    return s;
  }
  return AppendResult{header.base_offset, header.last_offset()};
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
  const int64_t now = env_->clock()->MonotonicNanos();
  if (options_.durability == Durability::kFsync ||
      now - last_sync_nanos_ >= options_.flush_interval_ms * 1'000'000) {
    RETURN_NOT_OK(seg->Sync());
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
  // later segment after a torn one.
  RETURN_NOT_OK(old->Seal());
  ASSIGN_OR_RAISE(std::unique_ptr<Segment> s,
                  Segment::Create(env_, dir_, old->next_offset(), segment_options()));
  RETURN_NOT_OK(env_->SyncDir(dir_));
  std::lock_guard<std::mutex> lock(mu_);
  segments_.push_back(std::move(s));
  return Status::OK();
}

Status Partition::Sync() {
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_) return Status::OK();
  RETURN_NOT_OK(write_error_);
  Status s = active()->Sync();
  if (!s.ok()) {
    write_error_ = s;
    return s;
  }
  last_sync_nanos_ = env_->clock()->MonotonicNanos();
  return Status::OK();
}

Status Partition::Close() {
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (closed_) return Status::OK();
  closed_ = true;
  Status s = write_error_.ok() ? active()->Sync() : Status::OK();
  Status c = active()->Close();
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

size_t Partition::num_segments() const {
  std::lock_guard<std::mutex> lock(mu_);
  return segments_.size();
}

Result<std::vector<RecordBatch>> Partition::Read(int64_t offset, size_t max_bytes) const {
  std::vector<std::shared_ptr<Segment>> segments;
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
  }
  std::vector<RecordBatch> out;
  size_t total = 0;
  int64_t next = offset;
  for (const std::shared_ptr<Segment>& seg : segments) {
    const int64_t seg_end = seg->end_offset();
    if (next >= seg_end) continue;
    if (next < seg->base_offset()) {
      if (!out.empty()) break;
      return Status::Corruption(
          fmt::format("{}: offsets {} to {} are missing", dir_, next, seg->base_offset() - 1));
    }
    size_t bytes = 0;
    Status s = seg->Read(next, max_bytes - std::min(total, max_bytes), &out, &bytes);
    if (!s.ok()) return s;  // only when nothing was read before
    total += bytes;
    if (out.empty()) break;
    next = out.back().header.last_offset() + 1;
    if (next < seg_end || total >= max_bytes) break;
  }
  if (!out.empty()) {
    std::vector<LogRecord>& first = out.front().records;
    first.erase(first.begin(),
                std::find_if(first.begin(), first.end(),
                             [offset](const LogRecord& r) { return r.offset >= offset; }));
  }
  return out;
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
