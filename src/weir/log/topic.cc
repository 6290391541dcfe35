#include "weir/log/topic.h"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "weir/common/logging.h"

namespace weir::log {

namespace {

std::string ConfigPath(const std::string& topic_dir) {
  return topic_dir + "/" + std::string(kTopicConfigFileName);
}

Status UnknownTopic(const std::string& name) {
  return Status::NotFound(fmt::format("unknown topic '{}'", name));
}

// Reads and decodes topic.conf, bounding its size before reading it.
Result<TopicConfig> ReadConfigFile(Env* env, const std::string& name, const std::string& dir) {
  const std::string path = ConfigPath(dir);
  Result<uint64_t> size = env->GetFileSize(path);
  if (size.status().IsNotFound()) return UnknownTopic(name);
  RETURN_NOT_OK(size.status());
  if (*size > kMaxTopicConfigSize) {
    return Status::Corruption(
        fmt::format("{}: {} bytes is larger than a topic config can be", path, *size));
  }
  Result<std::string> data = ReadFileToString(env, path);
  if (data.status().IsNotFound()) return UnknownTopic(name);
  RETURN_NOT_OK(data.status());
  if (data->size() > kMaxTopicConfigSize) {
    return Status::Corruption(fmt::format("{}: grew past the largest topic config", path));
  }
  Result<TopicConfig> config = DecodeTopicConfig(*data);
  if (!config.ok()) return config.status().WithContext(path);
  return config;
}

// The longest BackgroundOptions::interval_ms: a year, far from overflowing the
// steady clock's nanoseconds when added to now.
constexpr int64_t kMaxBackgroundIntervalMs = int64_t{365} * 24 * 3600 * 1000;

Status ValidateBackgroundOptions(const BackgroundOptions& o) {
  if (o.interval_ms < 1 || o.interval_ms > kMaxBackgroundIntervalMs) {
    return Status::InvalidArgument(fmt::format("background interval_ms {} out of range [1, {}]",
                                               o.interval_ms, kMaxBackgroundIntervalMs));
  }
  // Written so that NaN fails too.
  if (!(o.min_cleanable_dirty_ratio >= 0.0 && o.min_cleanable_dirty_ratio <= 1.0)) {
    return Status::InvalidArgument(fmt::format("min_cleanable_dirty_ratio {} out of range [0, 1]",
                                               o.min_cleanable_dirty_ratio));
  }
  return Status::OK();
}

}  // namespace

std::string PartitionDir(const std::string& topic_dir, int32_t p) {
  return fmt::format("{}/{}", topic_dir, p);
}

std::string WriterLockPath(const std::string& partition_dir) {
  return partition_dir + "/writer.lock";
}

// --- Topic ---

Topic::Topic(Env* env, std::string dir, std::string name, TopicConfig config, TopicAccess access,
             BackgroundOptions background)
    : env_(env),
      dir_(std::move(dir)),
      name_(std::move(name)),
      config_(config),
      access_(access),
      partitions_(static_cast<size_t>(config.partitions)),
      locks_(static_cast<size_t>(config.partitions)),
      background_options_(background) {}

Topic::~Topic() { Close().IgnoreError(); }

Result<Partition*> Topic::GetPartition(int32_t p) {
  if (p < 0 || p >= config_.partitions) {
    return Status::InvalidArgument(fmt::format("topic '{}' has partitions 0 to {}; there is no {}",
                                               name_, config_.partitions - 1, p));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return Status::InvalidArgument(fmt::format("topic '{}' is closed", name_));
  const auto i = static_cast<size_t>(p);
  if (partitions_[i] != nullptr) return partitions_[i].get();
  const std::string dir = PartitionDir(dir_, p);
  PartitionOptions options = ToPartitionOptions(config_);
  options.create_if_missing = false;
  std::unique_ptr<FileLock> writer_lock;
  if (access_ == TopicAccess::kWrite) {
    const std::string lock_path = WriterLockPath(dir);
    Result<std::unique_ptr<FileLock>> l = env_->LockFile(lock_path);
    if (l.status().IsNotFound()) return UnknownTopic(name_);
    if (!l.ok()) {
      return l.status().WithContext(
          fmt::format("topic '{}' partition {} already has a writer", name_, p));
    }
    writer_lock = std::move(*l);
    // The topic may have been deleted (and the lock file recreated) meanwhile.
    ASSIGN_OR_RAISE(bool exists, env_->FileExists(ConfigPath(dir_)));
    if (!exists) return UnknownTopic(name_);
  } else {
    options.read_only = true;
  }
  Result<std::unique_ptr<Partition>> opened = Partition::Open(env_, dir, options);
  if (opened.status().IsNotFound()) return UnknownTopic(name_);
  RETURN_NOT_OK(opened.status());
  partitions_[i] = std::move(*opened);
  locks_[i] = std::move(writer_lock);
  if (access_ == TopicAccess::kWrite && background_options_.enabled) {
    {
      std::lock_guard<std::mutex> bg(bg_mu_);
      bg_partitions_.push_back(partitions_[i].get());
    }
    if (!background_.joinable()) {
      try {
        background_ = std::jthread([this](std::stop_token stop) { RunBackground(stop); });
      } catch (const std::system_error& e) {
        // Out of threads: the topic works on without background rounds (appends
        // still abort timed-out transactions and apply retention at rolls); the next
        // partition opened tries again.
        WEIR_LOG(WARN) << "topic '" << name_
                       << "': cannot start its background thread: " << e.what();
      }
    }
  }
  return partitions_[i].get();
}

void Topic::RunBackground(std::stop_token stop) {
  // The last error logged per partition of bg_partitions_, so that a sticky error is
  // logged once rather than every round.
  std::vector<std::string> last_errors;
  const std::chrono::milliseconds interval(background_options_.interval_ms);
  while (true) {
    {
      std::unique_lock<std::mutex> lock(bg_mu_);
      // Returns at the timeout, or at once when a stop is requested.
      bg_cv_.wait_for(lock, stop, interval, [] { return false; });
    }
    if (stop.stop_requested()) return;
    BackgroundRound(stop, &last_errors);
  }
}

void Topic::BackgroundRound(std::stop_token stop, std::vector<std::string>* last_errors) {
  std::vector<Partition*> partitions;
  {
    std::lock_guard<std::mutex> lock(bg_mu_);
    partitions = bg_partitions_;
  }
  last_errors->resize(partitions.size());
  BackgroundStats round;
  for (size_t i = 0; i < partitions.size() && !stop.stop_requested(); ++i) {
    Partition* p = partitions[i];
    std::string error;
    auto failed = [&](std::string_view step, const Status& s) {
      ++round.errors;
      if (error.empty()) error = fmt::format("{}: {}", step, s.ToString());
    };
    // Each step takes the writer mutex only briefly (appending an abort marker,
    // deleting a segment) or, for compaction, only to swap a segment in.
    Result<size_t> aborted = p->AbortTimedOutTransactions();
    if (aborted.ok()) {
      round.transactions_aborted += *aborted;
    } else {
      failed("aborting timed-out transactions", aborted.status());
    }
    Result<size_t> deleted = p->ApplyRetention();
    if (deleted.ok()) {
      round.segments_deleted += *deleted;
    } else {
      failed("retention", deleted.status());
    }
    if (config_.cleanup_policy != CleanupPolicy::kDelete) {
      const CompactionBacklog backlog = p->compaction_backlog();
      if (backlog.dirty_bytes > 0 &&
          backlog.dirty_ratio() > background_options_.min_cleanable_dirty_ratio) {
        Result<CompactionStats> compacted = p->Compact(stop);
        if (compacted.ok()) {
          ++round.compactions;
          round.records_removed += compacted->records_removed;
        } else if (compacted.status().code() != StatusCode::kCancelled) {
          failed("compaction", compacted.status());
        }
      }
    }
    std::string& last = (*last_errors)[i];
    if (!error.empty() && error != last) {
      WEIR_LOG(WARN) << p->dir() << ": background " << error;
    }
    last = std::move(error);
  }
  std::lock_guard<std::mutex> lock(bg_mu_);
  ++bg_stats_.rounds;
  bg_stats_.compactions += round.compactions;
  bg_stats_.records_removed += round.records_removed;
  bg_stats_.transactions_aborted += round.transactions_aborted;
  bg_stats_.segments_deleted += round.segments_deleted;
  bg_stats_.errors += round.errors;
}

BackgroundStats Topic::background_stats() const {
  std::lock_guard<std::mutex> lock(bg_mu_);
  return bg_stats_;
}

Result<AppendResult> Topic::Append(int32_t p, std::span<const Record> records,
                                   const BatchOptions& options) {
  ASSIGN_OR_RAISE(Partition * partition, GetPartition(p));
  return partition->Append(records, options);
}

Status Topic::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return Status::OK();
  closed_ = true;
  // Before the partitions close: the thread may be using them. It never takes mu_,
  // and a stop request cancels a compaction it is running.
  if (background_.joinable()) {
    background_.request_stop();
    background_.join();
  }
  Status first;
  for (size_t i = 0; i < partitions_.size(); ++i) {
    if (partitions_[i] != nullptr) {
      Status s = partitions_[i]->Close();
      if (first.ok()) first = std::move(s);
    }
  }
  // The lock is released only after the partition is closed (and synced).
  for (std::unique_ptr<FileLock>& l : locks_) l.reset();
  return first;
}

// --- LogStore ---

namespace {
std::string StripTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}
}  // namespace

LogStore::LogStore(Env* env, std::string data_dir, BackgroundOptions background)
    : env_(env), data_dir_(StripTrailingSlashes(std::move(data_dir))), background_(background) {}

Result<std::unique_ptr<FileLock>> LogStore::LockAdmin() {
  const std::string path = data_dir_ + "/topics.lock";
  Result<std::unique_ptr<FileLock>> lock = env_->LockFile(path);
  if (!lock.ok()) {
    return lock.status().WithContext("another topic is being created or deleted");
  }
  return lock;
}

Status LogStore::CreateTopic(const std::string& name, const TopicConfig& config) {
  RETURN_NOT_OK(ValidateTopicName(name));
  RETURN_NOT_OK(ValidateTopicConfig(config));
  RETURN_NOT_OK(CreateDirsDurably(env_, TopicsDir()));
  ASSIGN_OR_RAISE(std::unique_ptr<FileLock> admin, LockAdmin());
  const std::string dir = TopicDir(name);
  ASSIGN_OR_RAISE(bool exists, env_->FileExists(ConfigPath(dir)));
  if (exists) return Status::AlreadyExists(fmt::format("topic '{}' already exists", name));
  ASSIGN_OR_RAISE(bool leftover, env_->FileExists(dir));
  // A directory without a config is what a crashed create or delete left behind.
  if (leftover) RETURN_NOT_OK(RemoveTopicFiles(dir));
  RETURN_NOT_OK(CreateDirsDurably(env_, dir));
  PartitionOptions options = ToPartitionOptions(config);
  for (int32_t p = 0; p < config.partitions; ++p) {
    // Opening creates the directory and an empty first segment, both durably.
    ASSIGN_OR_RAISE(std::unique_ptr<Partition> partition,
                    Partition::Open(env_, PartitionDir(dir, p), options));
    RETURN_NOT_OK(partition->Close());
  }
  // Last: the config is what makes the topic exist.
  return WriteStringToFileSync(env_, EncodeTopicConfig(config), ConfigPath(dir));
}

Result<std::vector<std::string>> LogStore::ListTopics() const {
  Result<std::vector<std::string>> children = env_->GetChildren(TopicsDir());
  if (children.status().IsNotFound()) return std::vector<std::string>{};
  RETURN_NOT_OK(children.status());
  std::vector<std::string> out;
  for (const std::string& name : *children) {
    if (!ValidateTopicName(name).ok()) continue;
    ASSIGN_OR_RAISE(bool exists, env_->FileExists(ConfigPath(TopicDir(name))));
    if (exists) out.push_back(name);
  }
  return out;
}

Result<TopicConfig> LogStore::ReadTopicConfig(const std::string& name) const {
  if (!ValidateTopicName(name).ok()) return UnknownTopic(name);
  return ReadConfigFile(env_, name, TopicDir(name));
}

Result<TopicDescription> LogStore::DescribeTopic(const std::string& name) const {
  ASSIGN_OR_RAISE(std::unique_ptr<Topic> topic, OpenTopic(name, TopicAccess::kRead));
  TopicDescription d{name, topic->config(), {}};
  for (int32_t p = 0; p < topic->num_partitions(); ++p) {
    ASSIGN_OR_RAISE(Partition * partition, topic->GetPartition(p));
    PartitionDescription pd;
    pd.partition = p;
    pd.segments = partition->segments();
    pd.start_offset = pd.segments.front().base_offset;
    pd.end_offset = pd.segments.back().end_offset;
    for (const SegmentInfo& s : pd.segments) pd.size_bytes += s.size_bytes;
    d.partitions.push_back(std::move(pd));
  }
  return d;
}

Status LogStore::DeleteTopic(const std::string& name) {
  ASSIGN_OR_RAISE(TopicConfig config, ReadTopicConfig(name));
  ASSIGN_OR_RAISE(std::unique_ptr<FileLock> admin, LockAdmin());
  const std::string dir = TopicDir(name);
  std::vector<std::unique_ptr<FileLock>> locks;
  for (int32_t p = 0; p < config.partitions; ++p) {
    Result<std::unique_ptr<FileLock>> l = env_->LockFile(WriterLockPath(PartitionDir(dir, p)));
    if (l.status().IsNotFound()) continue;  // a partition directory already gone
    if (!l.ok()) {
      return l.status().WithContext(
          fmt::format("cannot delete topic '{}': partition {} has a writer", name, p));
    }
    locks.push_back(std::move(*l));
  }
  // First and durably: from here on the topic does not exist.
  Status s = env_->DeleteFile(ConfigPath(dir));
  if (s.IsNotFound()) return UnknownTopic(name);
  RETURN_NOT_OK(s);
  RETURN_NOT_OK(env_->SyncDir(dir));
  return RemoveTopicFiles(dir);
}

Status LogStore::RemoveTopicFiles(const std::string& dir) {
  ASSIGN_OR_RAISE(std::vector<std::string> children, env_->GetChildren(dir));
  for (const std::string& child : children) {
    const std::string path = dir + "/" + child;
    Result<std::vector<std::string>> files = env_->GetChildren(path);
    if (files.ok()) {
      // A partition directory: segment files and the writer lock.
      for (const std::string& f : *files) RETURN_NOT_OK(env_->DeleteFile(path + "/" + f));
      RETURN_NOT_OK(env_->DeleteDir(path));
    } else {
      RETURN_NOT_OK(env_->DeleteFile(path));
    }
  }
  RETURN_NOT_OK(env_->DeleteDir(dir));
  return env_->SyncDir(TopicsDir());
}

Result<std::unique_ptr<Topic>> LogStore::OpenTopic(const std::string& name,
                                                   TopicAccess access) const {
  if (access == TopicAccess::kWrite) RETURN_NOT_OK(ValidateBackgroundOptions(background_));
  ASSIGN_OR_RAISE(TopicConfig config, ReadTopicConfig(name));
  return std::unique_ptr<Topic>(new Topic(env_, TopicDir(name), name, config, access, background_));
}

}  // namespace weir::log
