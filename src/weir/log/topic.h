// Topics: named sets of partitions under `<data-dir>/topics/<topic>/`, each with a
// checksummed configuration file (docs/log_format.md sections 1 and 7).
//
//   LogStore store(env, "weir-data");
//   RETURN_NOT_OK(store.CreateTopic("clicks", TopicConfig{.partitions = 3}));
//   ASSIGN_OR_RAISE(auto topic, store.OpenTopic("clicks", TopicAccess::kWrite));
//   ASSIGN_OR_RAISE(AppendResult r, topic->Append(PartitionForKey("k", 3), records));
//
// One writer per partition across processes: a Topic opened with kWrite takes an
// exclusive lock file, `<partition dir>/writer.lock`, the first time it uses a
// partition, and holds it until closed; a second writer gets an error naming the
// topic, the partition and the lock file. Readers (kRead) take no lock, change
// nothing on disk, and see what a writer in another process appends after
// Partition::Refresh().
//
// Creating and deleting topics is serialized across processes by the lock file
// `<data-dir>/topics.lock`. A topic exists exactly when its topic.conf does: it is
// written last at creation and deleted first at deletion, so a crash in between
// leaves a directory without a config, which no command shows and the next create
// of that name clears.

#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/partition.h"
#include "weir/log/topic_config.h"

namespace weir::log {

enum class TopicAccess : uint8_t { kRead, kWrite };

struct PartitionDescription {
  int32_t partition = 0;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  uint64_t size_bytes = 0;
  std::vector<SegmentInfo> segments;
};

struct TopicDescription {
  std::string name;
  TopicConfig config;
  std::vector<PartitionDescription> partitions;
};

// An open topic.
//
// Thread-safety: thread-safe. mu_ guards the lazily opened partitions and locks; a
// Partition* returned stays valid until Close() or destruction, and is itself
// thread-safe.
class Topic {
 public:
  // Closes the partitions (see Close()), ignoring errors, and releases the locks.
  ~Topic();

  Topic(const Topic&) = delete;
  Topic& operator=(const Topic&) = delete;

  const std::string& name() const { return name_; }
  const TopicConfig& config() const { return config_; }
  int32_t num_partitions() const { return config_.partitions; }
  TopicAccess access() const { return access_; }

  // Opens partition `p` on first use: with kWrite, takes its writer lock and opens it
  // for appending (recovering it); with kRead, opens it read-only. InvalidArgument
  // when p is out of range; IoError (EAGAIN) naming the lock when another writer
  // holds it; NotFound if the topic was deleted.
  Result<Partition*> GetPartition(int32_t p);

  // GetPartition(p)->Append(records, options).
  Result<AppendResult> Append(int32_t p, std::span<const Record> records,
                              const BatchOptions& options = {});

  // Closes the open partitions (syncing them with kWrite) and releases the locks.
  // Returns the first error. Later calls to GetPartition fail.
  Status Close();

 private:
  friend class LogStore;
  Topic(Env* env, std::string dir, std::string name, TopicConfig config, TopicAccess access);

  Env* const env_;
  const std::string dir_;
  const std::string name_;
  const TopicConfig config_;
  const TopicAccess access_;

  std::mutex mu_;
  bool closed_ = false;                                 // guarded by mu_
  std::vector<std::unique_ptr<Partition>> partitions_;  // by number; guarded by mu_
  std::vector<std::unique_ptr<FileLock>> locks_;        // by number; guarded by mu_
};

// The topics of one data directory.
//
// Thread-safety: thread-safe; it holds no state besides the Env and the path.
// Concurrent creates and deletes (in this process or others) are serialized by the
// lock file topics.lock, and one of two concurrent calls may fail with an IoError
// (EAGAIN) saying another one is in progress.
class LogStore {
 public:
  // `env` must outlive the store and the topics it opens.
  LogStore(Env* env, std::string data_dir);

  // Creates the topic durably: its directory, every partition with an empty first
  // segment, then topic.conf. InvalidArgument for a bad name or config,
  // AlreadyExists if the topic exists.
  Status CreateTopic(const std::string& name, const TopicConfig& config);

  // The names of the existing topics, sorted. Empty when the data directory has none.
  Result<std::vector<std::string>> ListTopics() const;

  // NotFound ("unknown topic 'x'") if it does not exist; Corruption for a damaged
  // config.
  Result<TopicConfig> ReadTopicConfig(const std::string& name) const;

  // Offsets, sizes and segments of every partition, read without a lock.
  Result<TopicDescription> DescribeTopic(const std::string& name) const;

  // Deletes the topic durably. Takes every partition's writer lock first, so it
  // fails (IoError naming the lock) while a writer has the topic open. NotFound if
  // the topic does not exist.
  Status DeleteTopic(const std::string& name);

  // NotFound if the topic does not exist.
  Result<std::unique_ptr<Topic>> OpenTopic(const std::string& name, TopicAccess access) const;

  std::string TopicsDir() const { return data_dir_ + "/topics"; }
  std::string TopicDir(const std::string& name) const { return TopicsDir() + "/" + name; }

 private:
  Result<std::unique_ptr<FileLock>> LockAdmin();
  Status RemoveTopicFiles(const std::string& dir);

  Env* const env_;
  const std::string data_dir_;
};

// `<topic dir>/<p>` and its writer lock.
std::string PartitionDir(const std::string& topic_dir, int32_t p);
std::string WriterLockPath(const std::string& partition_dir);

}  // namespace weir::log
