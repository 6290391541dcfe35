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
// A Topic opened with kWrite runs a background thread (docs/log.md, "Background
// work"), started when it first opens a partition and stopped by Close(): every
// BackgroundOptions::interval_ms it goes over the partitions this Topic holds the
// writer locks of, aborts their timed-out transactions, applies retention, and, for
// a compact topic, compacts a partition whose dirty ratio is above
// min_cleanable_dirty_ratio. The Topic is its owner because it is what holds a
// partition for writing: the thread works on exactly the partitions it may write, in
// whatever process holds them (`weir produce`, the log sink of `weir run`).
//
// Creating and deleting topics is serialized across processes by the lock file
// `<data-dir>/topics.lock`. A topic exists exactly when its topic.conf does: it is
// written last at creation and deleted first at deletion, so a crash in between
// leaves a directory without a config, which no command shows and the next create
// of that name clears.

#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/status.h"
#include "weir/log/partition.h"
#include "weir/log/topic_config.h"

namespace weir::log {

enum class TopicAccess : uint8_t { kRead, kWrite };

// The background thread of a Topic opened for writing (docs/log.md, "Background
// work"). Every field documents its default.
struct BackgroundOptions {
  // Run the thread at all. Default true.
  bool enabled = true;
  // How long the thread waits between two rounds over the partitions. Default 15000
  // (Kafka's log.cleaner.backoff.ms); at least 1.
  int64_t interval_ms = 15000;
  // A partition of a compact topic is compacted in a round when its dirty ratio
  // (Partition::compaction_backlog()) is above this. Default 0.5 (Kafka's
  // min.cleanable.dirty.ratio); in [0, 1], where 1 never compacts.
  double min_cleanable_dirty_ratio = 0.5;
};

// What a Topic's background thread has done since the Topic was opened.
struct BackgroundStats {
  uint64_t rounds = 0;                // rounds finished
  uint64_t compactions = 0;           // Compact() calls that succeeded
  int64_t records_removed = 0;        // by those compactions
  uint64_t transactions_aborted = 0;  // for their timeout
  uint64_t segments_deleted = 0;      // by retention
  uint64_t errors = 0;                // failed steps (each logged)
};

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
// thread-safe. The background thread takes bg_mu_ only, never mu_ (lock order: mu_,
// then bg_mu_), so Close() can join it while holding mu_.
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

  // Stops the background thread (cancelling a compaction it is running, so this
  // takes about as long as one swap of a compacted segment), then closes the open
  // partitions (syncing them with kWrite) and releases the locks. Returns the first
  // error. Later calls to GetPartition fail.
  Status Close();

  // What the background thread has done so far (all zero without one).
  BackgroundStats background_stats() const;

 private:
  friend class LogStore;
  Topic(Env* env, std::string dir, std::string name, TopicConfig config, TopicAccess access,
        BackgroundOptions background);

  // The background thread: a round every interval_ms until `stop` is requested.
  void RunBackground(std::stop_token stop);
  // One round over the partitions opened so far.
  void BackgroundRound(std::stop_token stop, std::vector<std::string>* last_errors);

  Env* const env_;
  const std::string dir_;
  const std::string name_;
  const TopicConfig config_;
  const TopicAccess access_;

  std::mutex mu_;
  bool closed_ = false;                                 // guarded by mu_
  std::vector<std::unique_ptr<Partition>> partitions_;  // by number; guarded by mu_
  std::vector<std::unique_ptr<FileLock>> locks_;        // by number; guarded by mu_

  const BackgroundOptions background_options_;
  mutable std::mutex bg_mu_;
  // The partitions opened for writing, which the background thread works on (Close()
  // joins it before closing them). Guarded by bg_mu_.
  std::vector<Partition*> bg_partitions_;
  BackgroundStats bg_stats_;  // guarded by bg_mu_
  // Woken by a stop request (std::condition_variable_any waits on the stop token).
  std::condition_variable_any bg_cv_;
  // Started by the first GetPartition with kWrite; joined by Close(). Guarded by mu_.
  std::jthread background_;
};

// The topics of one data directory.
//
// Thread-safety: thread-safe; it holds no state besides the Env and the path.
// Concurrent creates and deletes (in this process or others) are serialized by the
// lock file topics.lock, and one of two concurrent calls may fail with an IoError
// (EAGAIN) saying another one is in progress.
class LogStore {
 public:
  // `env` must outlive the store and the topics it opens. Topics opened for writing
  // run their background thread with `background`.
  LogStore(Env* env, std::string data_dir, BackgroundOptions background = {});

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

  // NotFound if the topic does not exist; InvalidArgument for bad BackgroundOptions
  // (with kWrite).
  Result<std::unique_ptr<Topic>> OpenTopic(const std::string& name, TopicAccess access) const;

  std::string TopicsDir() const { return data_dir_ + "/topics"; }
  std::string TopicDir(const std::string& name) const { return TopicsDir() + "/" + name; }

 private:
  Result<std::unique_ptr<FileLock>> LockAdmin();
  Status RemoveTopicFiles(const std::string& dir);

  Env* const env_;
  const std::string data_dir_;
  const BackgroundOptions background_;
};

// `<topic dir>/<p>` and its writer lock.
std::string PartitionDir(const std::string& topic_dir, int32_t p);
std::string WriterLockPath(const std::string& partition_dir);

}  // namespace weir::log
