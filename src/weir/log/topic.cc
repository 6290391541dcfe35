#include "weir/log/topic.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

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

}  // namespace

std::string PartitionDir(const std::string& topic_dir, int32_t p) {
  return fmt::format("{}/{}", topic_dir, p);
}

std::string WriterLockPath(const std::string& partition_dir) {
  return partition_dir + "/writer.lock";
}

// --- Topic ---

Topic::Topic(Env* env, std::string dir, std::string name, TopicConfig config, TopicAccess access)
    : env_(env),
      dir_(std::move(dir)),
      name_(std::move(name)),
      config_(config),
      access_(access),
      partitions_(static_cast<size_t>(config.partitions)),
      locks_(static_cast<size_t>(config.partitions)) {}

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
  return partitions_[i].get();
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

LogStore::LogStore(Env* env, std::string data_dir)
    : env_(env), data_dir_(StripTrailingSlashes(std::move(data_dir))) {}

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
  ASSIGN_OR_RAISE(TopicConfig config, ReadTopicConfig(name));
  return std::unique_ptr<Topic>(new Topic(env_, TopicDir(name), name, config, access));
}

}  // namespace weir::log
