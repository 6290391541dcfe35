// A Topic's background thread (docs/log.md, "Background work"): it compacts a compact
// topic whose dirty ratio passes the threshold while another thread appends and reads,
// and not below it; it aborts a timed-out transaction and applies retention with no
// append or read touching the partition; closing the topic stops it at once. Every
// test here fails if the thread does not run: nothing else calls Compact(),
// AbortTimedOutTransactions() or ApplyRetention() (after the open).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/log/partition.h"
#include "weir/log/topic.h"
#include "weir/log/topic_config.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;
using Table = std::map<std::string, std::string>;

// 2024-01-01T00:00:00Z.
constexpr int64_t kT0 = 1704067200000;
constexpr int64_t kHourMs = 3600 * 1000;

// Waits until pred() holds, polling: the condition is what the test checks, the
// polling interval only how soon it notices. False after a minute (a generous bound
// for a loaded machine).
template <typename Pred>
bool Eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// The table a consumer builds from records in offset order: a null value deletes.
void Apply(const LogRecord& r, Table* t) {
  if (!r.record.key) return;
  if (r.record.value) {
    (*t)[*r.record.key] = *r.record.value;
  } else {
    t->erase(*r.record.key);
  }
}

// Every record of the partition from its start, in offset order.
std::vector<LogRecord> ReadAll(const Partition& p) {
  std::vector<LogRecord> out;
  int64_t offset = p.start_offset();
  while (offset < p.end_offset()) {
    auto batches = p.Read(offset, 1 << 16);
    EXPECT_OK(batches);
    if (!batches.ok() || batches->empty()) break;
    for (const RecordBatch& b : *batches) {
      for (const LogRecord& r : b.records) out.push_back(r);
    }
    offset = batches->back().header.last_offset() + 1;
  }
  return out;
}

Table Replay(const std::vector<LogRecord>& records) {
  Table t;
  for (const LogRecord& r : records) Apply(r, &t);
  return t;
}

class TopicBackgroundTest : public ::testing::Test {
 protected:
  std::unique_ptr<Topic> OpenOrDie(LogStore* store, const std::string& name) {
    auto topic = store->OpenTopic(name, TopicAccess::kWrite);
    EXPECT_OK(topic);
    return topic.ok() ? std::move(*topic) : nullptr;
  }

  ManualClock clock_{kT0 * 1000};
  std::unique_ptr<Env> env_ = NewMemEnv(&clock_);
};

// The acceptance test: a compact topic with many overwrites of a few keys is compacted
// by the background thread again and again while a writer keeps appending (every
// append succeeds, with contiguous increasing offsets) and a reader keeps replaying the
// log from its start. Every replay equals the table of everything written below where
// it stopped, and in the end the compacted log replays to the full log's table.
TEST_F(TopicBackgroundTest, CompactsWhileAnotherThreadAppendsAndReads) {
  std::unique_ptr<Env> env = NewMemEnv();  // the system clock: tombstones stay a day
  LogStore store(env.get(), "/data", BackgroundOptions{.interval_ms = 5});
  TopicConfig config;
  config.cleanup_policy = CleanupPolicy::kCompact;
  config.segment_bytes = 4096;
  ASSERT_OK(store.CreateTopic("ceos", config));
  std::unique_ptr<Topic> topic = OpenOrDie(&store, "ceos");
  ASSERT_NE(nullptr, topic);
  auto opened = topic->GetPartition(0);
  ASSERT_OK(opened);
  Partition* p = *opened;

  // What the writer appended, by offset; guarded by mu.
  std::mutex mu;
  std::condition_variable cv;
  std::vector<LogRecord> history;
  int64_t history_end = 0;
  bool writer_done = false;
  bool pause_writer = false;
  std::atomic<bool> stop{false};
  std::atomic<int> passes{0};

  std::thread writer([&] {
    std::mt19937_64 rng(42);
    int64_t next = 0;
    uint64_t compactions = 0;
    int ahead = 0;
    for (int i = 0; !stop; ++i) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return !pause_writer; });
      }
      // Pacing, so that the log stays small on a machine where the background thread
      // gets little CPU: at most 2000 batches between two compactions.
      if (++ahead > 2000) {
        while (!stop && topic->background_stats().compactions == compactions) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        compactions = topic->background_stats().compactions;
        ahead = 0;
      }
      std::vector<Record> batch;
      for (int j = 0; j < 4; ++j) {
        Record r;
        r.key = "company-" + std::to_string(rng() % 25);
        if (rng() % 10 != 0) r.value = "ceo-" + std::to_string(i) + "-" + std::to_string(j);
        r.timestamp = env->clock()->NowMicros() / 1000;
        batch.push_back(std::move(r));
      }
      auto appended = p->Append(batch);
      if (!appended.ok()) {
        ADD_FAILURE() << "append " << i << ": " << appended.status();
        break;
      }
      EXPECT_EQ(next, appended->base_offset);
      EXPECT_EQ(next + 3, appended->last_offset);
      std::lock_guard<std::mutex> lock(mu);
      for (int j = 0; j < 4; ++j) history.push_back(LogRecord{next + j, batch[j]});
      next = appended->last_offset + 1;
      history_end = next;
      cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    writer_done = true;
    cv.notify_all();
  });

  std::thread reader([&] {
    while (!stop) {
      // One pass: from the start until caught up with the end. A record compaction
      // removed was superseded by a later one below the end of that compaction's
      // sealed segments, which is below any end read after it: so the replay of
      // [start, offset) is the table of everything written below offset.
      Table replayed;
      int64_t offset = p->start_offset();
      int64_t last = -1;
      bool paused = false;
      for (int reads = 0; offset < p->end_offset(); ++reads) {
        if (reads == 1000 && !paused) {
          // Behind a writer that is faster on this machine: let it wait, so the pass
          // ends.
          std::lock_guard<std::mutex> lock(mu);
          pause_writer = paused = true;
        }
        auto batches = p->Read(offset, 1 << 14);
        ASSERT_OK(batches);
        ASSERT_FALSE(batches->empty());
        for (const RecordBatch& b : *batches) {
          for (const LogRecord& r : b.records) {
            ASSERT_GT(r.offset, last);
            last = r.offset;
            Apply(r, &replayed);
          }
        }
        offset = batches->back().header.last_offset() + 1;
      }
      Table expected;
      {
        std::unique_lock<std::mutex> lock(mu);
        if (paused) {
          pause_writer = false;
          cv.notify_all();
        }
        cv.wait(lock, [&] { return history_end >= offset || writer_done; });
        ASSERT_GE(history_end, offset);
        for (const LogRecord& r : history) {
          if (r.offset >= offset) break;
          Apply(r, &expected);
        }
      }
      ASSERT_EQ(expected, replayed) << "a replay up to offset " << offset;
      ++passes;
    }
  });

  // Several background compactions that removed records, during appends and reads.
  const bool compacted = Eventually([&] {
    const BackgroundStats s = topic->background_stats();
    return (s.compactions >= 8 && s.records_removed > 0 && passes >= 10) || HasFailure();
  });
  stop = true;
  {
    std::lock_guard<std::mutex> lock(mu);
    pause_writer = false;
    cv.notify_all();
  }
  writer.join();
  reader.join();
  ASSERT_TRUE(compacted) << "background stats: compactions "
                         << topic->background_stats().compactions << ", records removed "
                         << topic->background_stats().records_removed << "; reader passes "
                         << passes;
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(0u, topic->background_stats().errors);

  const std::vector<LogRecord> all = ReadAll(*p);
  EXPECT_EQ(Replay(history), Replay(all));
  EXPECT_LT(all.size(), history.size()) << "compaction removed records";
  EXPECT_EQ(history_end, p->end_offset());
  ASSERT_OK(topic->Close());
}

// Kafka's min.cleanable.dirty.ratio: a round compacts a partition only when the bytes
// written since the last compaction are more than that share of the cleanable log.
TEST_F(TopicBackgroundTest, CompactsOnlyAboveTheDirtyRatio) {
  TopicConfig config;
  config.cleanup_policy = CleanupPolicy::kCompact;
  config.segment_bytes = 2048;
  ASSERT_OK(LogStore(env_.get(), "/data").CreateTopic("t", config));
  // Distinct keys, so compaction removes nothing and the sizes stay as written.
  int key = 0;
  auto fill_until_sealed = [&](Partition* p, size_t sealed) {
    while (p->num_segments() < sealed + 1) {
      std::vector<Record> batch;
      for (int i = 0; i < 5; ++i, ++key) {
        batch.push_back(MakeRecord("k" + std::to_string(10000 + key), std::string(40, 'v'), kT0));
      }
      ASSERT_OK(p->Append(batch));
    }
  };
  {
    // 8 sealed segments, written without a background thread.
    LogStore quiet(env_.get(), "/data", BackgroundOptions{.enabled = false});
    std::unique_ptr<Topic> topic = OpenOrDie(&quiet, "t");
    ASSERT_NE(nullptr, topic);
    auto p = topic->GetPartition(0);
    ASSERT_OK(p);
    fill_until_sealed(*p, 8);
    ASSERT_OK(topic->Close());
    EXPECT_EQ(0u, topic->background_stats().rounds);
  }

  LogStore store(env_.get(), "/data",
                 BackgroundOptions{.interval_ms = 2, .min_cleanable_dirty_ratio = 0.5});
  std::unique_ptr<Topic> topic = OpenOrDie(&store, "t");
  ASSERT_NE(nullptr, topic);
  auto opened = topic->GetPartition(0);
  ASSERT_OK(opened);
  Partition* p = *opened;
  auto rounds_pass = [&](uint64_t n) {
    const uint64_t target = topic->background_stats().rounds + n;
    ASSERT_TRUE(Eventually([&] { return topic->background_stats().rounds >= target; }));
  };

  // After an open everything is dirty: one compaction, after which nothing is.
  ASSERT_TRUE(Eventually([&] { return topic->background_stats().compactions >= 1; }));
  CompactionBacklog backlog = p->compaction_backlog();
  EXPECT_GT(backlog.clean_bytes, 0u);
  EXPECT_EQ(0u, backlog.dirty_bytes);

  // 3 new sealed segments of 11: below the ratio all along, so compacting nothing.
  fill_until_sealed(p, 11);
  backlog = p->compaction_backlog();
  EXPECT_GT(backlog.dirty_bytes, 0u);
  EXPECT_LT(backlog.dirty_ratio(), 0.5);
  rounds_pass(2);
  EXPECT_EQ(1u, topic->background_stats().compactions);

  // Up to 11 of 19: it passes the ratio at 9 of 17, and is compacted once more.
  fill_until_sealed(p, 19);
  ASSERT_TRUE(Eventually([&] { return topic->background_stats().compactions >= 2; }));
  rounds_pass(2);
  EXPECT_EQ(2u, topic->background_stats().compactions);
  EXPECT_LE(p->compaction_backlog().dirty_ratio(), 0.5);
  EXPECT_EQ(0, topic->background_stats().records_removed);
  ASSERT_OK(topic->Close());
}

// A topic with cleanup policy delete is never compacted, and a ratio of 1 turns
// background compaction off.
TEST_F(TopicBackgroundTest, NoCompactionForDeleteTopicsOrARatioOfOne) {
  for (const bool compact : {false, true}) {
    SCOPED_TRACE(compact);
    const std::string name = compact ? "compact" : "delete";
    LogStore store(
        env_.get(), "/data",
        BackgroundOptions{.interval_ms = 2, .min_cleanable_dirty_ratio = compact ? 1.0 : 0.0});
    TopicConfig config;
    config.cleanup_policy = compact ? CleanupPolicy::kCompact : CleanupPolicy::kDelete;
    config.segment_bytes = 1024;
    ASSERT_OK(store.CreateTopic(name, config));
    std::unique_ptr<Topic> topic = OpenOrDie(&store, name);
    ASSERT_NE(nullptr, topic);
    for (int i = 0; i < 100; ++i) {
      ASSERT_OK(
          topic->Append(0, std::vector<Record>{MakeRecord("same", std::string(50, 'v'), kT0)}));
    }
    ASSERT_TRUE(Eventually([&] { return topic->background_stats().rounds >= 3; }));
    EXPECT_EQ(0u, topic->background_stats().compactions);
    auto p = topic->GetPartition(0);
    ASSERT_OK(p);
    EXPECT_EQ(100u, ReadAll(**p).size());
    ASSERT_OK(topic->Close());
  }
}

// A producer opens a transaction and vanishes: with no append, no EndTransaction and
// no reader, the timer aborts it once it is older than transaction_timeout_ms, and
// read-committed readers move on.
TEST_F(TopicBackgroundTest, ATimedOutTransactionIsAbortedByTheTimerAlone) {
  LogStore store(env_.get(), "/data", BackgroundOptions{.interval_ms = 2});
  TopicConfig config;
  config.transaction_timeout_ms = 60'000;
  ASSERT_OK(store.CreateTopic("t", config));
  std::unique_ptr<Topic> topic = OpenOrDie(&store, "t");
  ASSERT_NE(nullptr, topic);
  BatchOptions txn{
      .producer_id = 7, .producer_epoch = 0, .base_sequence = 0, .transactional = true};
  ASSERT_OK(topic->Append(0, std::vector<Record>{MakeRecord("k", "v", kT0)}, txn));
  auto opened = topic->GetPartition(0);
  ASSERT_OK(opened);
  Partition* p = *opened;
  EXPECT_EQ(1u, p->num_open_transactions());
  EXPECT_EQ(0, p->last_stable_offset());

  // Rounds before the timeout leave it open.
  ASSERT_TRUE(Eventually([&] { return topic->background_stats().rounds >= 2; }));
  EXPECT_EQ(1u, p->num_open_transactions());

  clock_.Advance(60'000'000);
  ASSERT_TRUE(Eventually([&] { return p->num_open_transactions() == 0; }));
  EXPECT_EQ(1u, p->num_aborted_transactions());
  EXPECT_EQ(2, p->end_offset()) << "the record and the abort marker";
  EXPECT_EQ(2, p->last_stable_offset());
  EXPECT_EQ(1u, topic->background_stats().transactions_aborted);
  auto committed = p->Read(0, 1 << 16, ReadOptions{.isolation = IsolationLevel::kReadCommitted});
  ASSERT_OK(committed);
  for (const RecordBatch& b : *committed) EXPECT_TRUE(b.records.empty());
  // The producer's epoch is fenced.
  txn.base_sequence = 1;
  auto late = topic->Append(0, std::vector<Record>{MakeRecord("k", "late", kT0)}, txn);
  EXPECT_NE(std::string::npos, late.status().message().find("ProducerFenced")) << late.status();
  ASSERT_OK(topic->Close());
}

// Retention by time runs on the timer too, not only when a segment rolls.
TEST_F(TopicBackgroundTest, RetentionRunsOnTheTimer) {
  LogStore store(env_.get(), "/data", BackgroundOptions{.interval_ms = 2});
  TopicConfig config;
  config.retention_ms = kHourMs;
  config.segment_bytes = 1024;
  ASSERT_OK(store.CreateTopic("t", config));
  std::unique_ptr<Topic> topic = OpenOrDie(&store, "t");
  ASSERT_NE(nullptr, topic);
  auto opened = topic->GetPartition(0);
  ASSERT_OK(opened);
  Partition* p = *opened;
  while (p->num_segments() < 5) {
    ASSERT_OK(p->Append(std::vector<Record>{MakeRecord("k", std::string(100, 'v'), kT0)}));
  }
  const int64_t active_base = p->segments().back().base_offset;
  ASSERT_TRUE(Eventually([&] { return topic->background_stats().rounds >= 2; }));
  EXPECT_EQ(5u, p->num_segments()) << "nothing has expired yet";

  clock_.Advance(2 * kHourMs * 1000);
  ASSERT_TRUE(Eventually([&] { return p->num_segments() == 1; }));
  EXPECT_EQ(active_base, p->start_offset());
  EXPECT_EQ(4u, topic->background_stats().segments_deleted);
  ASSERT_OK(topic->Close());
}

// The thread waits on a condition variable: Close() wakes and joins it at once, even
// with an interval of an hour, and nothing runs after it.
TEST_F(TopicBackgroundTest, CloseStopsTheThreadPromptly) {
  LogStore store(env_.get(), "/data", BackgroundOptions{.interval_ms = kHourMs});
  ASSERT_OK(store.CreateTopic("t", TopicConfig{.partitions = 2}));
  std::unique_ptr<Topic> topic = OpenOrDie(&store, "t");
  ASSERT_NE(nullptr, topic);
  ASSERT_OK(topic->Append(0, std::vector<Record>{MakeRecord("k", "v", kT0)}));
  ASSERT_OK(topic->Append(1, std::vector<Record>{MakeRecord("k", "v", kT0)}));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_OK(topic->Close());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(0u, topic->background_stats().rounds);
  // The locks are free again.
  std::unique_ptr<Topic> again = OpenOrDie(&store, "t");
  ASSERT_NE(nullptr, again);
  ASSERT_OK(again->GetPartition(0));
  // And destroying an open topic stops its thread too.
  again.reset();
}

TEST_F(TopicBackgroundTest, BadOptionsAreRefusedForWriters) {
  ASSERT_OK(LogStore(env_.get(), "/data").CreateTopic("t", TopicConfig{}));
  for (const BackgroundOptions& bad :
       {BackgroundOptions{.interval_ms = 0}, BackgroundOptions{.min_cleanable_dirty_ratio = 1.5},
        BackgroundOptions{.min_cleanable_dirty_ratio = -0.1}}) {
    LogStore store(env_.get(), "/data", bad);
    EXPECT_EQ(StatusCode::kInvalidArgument,
              store.OpenTopic("t", TopicAccess::kWrite).status().code());
    EXPECT_OK(store.OpenTopic("t", TopicAccess::kRead));
  }
}

// Partition::Compact() stops when asked, leaving the log as it was, and
// compaction_backlog() counts the sealed bytes after the last compaction.
TEST(PartitionCompactTest, StopsWhenAskedAndTracksTheDirtyBytes) {
  ManualClock clock(kT0 * 1000);
  std::unique_ptr<Env> env = NewMemEnv(&clock);
  PartitionOptions options;
  options.compact = true;
  options.segment_bytes = 1024;
  auto opened = Partition::Open(env.get(), "/data/p", options);
  ASSERT_OK(opened);
  Partition* p = opened->get();
  for (int i = 0; i < 200; ++i) {
    ASSERT_OK(p->Append(std::vector<Record>{
        MakeRecord("k" + std::to_string(i % 10), "v" + std::to_string(i), kT0)}));
  }
  ASSERT_GT(p->num_segments(), 3u);
  uint64_t sealed_bytes = 0;
  for (const SegmentInfo& s : p->segments()) sealed_bytes += s.size_bytes;
  sealed_bytes -= p->segments().back().size_bytes;
  CompactionBacklog backlog = p->compaction_backlog();
  EXPECT_EQ(0u, backlog.clean_bytes) << "nothing compacted since the open";
  EXPECT_EQ(sealed_bytes, backlog.dirty_bytes);
  EXPECT_EQ(1.0, backlog.dirty_ratio());

  const std::vector<LogRecord> before = ReadAll(*p);
  std::stop_source stop;
  stop.request_stop();
  auto cancelled = p->Compact(stop.get_token());
  EXPECT_EQ(StatusCode::kCancelled, cancelled.status().code()) << cancelled.status();
  EXPECT_EQ(before.size(), ReadAll(*p).size());
  EXPECT_EQ(sealed_bytes, p->compaction_backlog().dirty_bytes);

  auto stats = p->Compact();
  ASSERT_OK(stats);
  EXPECT_GT(stats->records_removed, 0);
  EXPECT_EQ(Replay(before), Replay(ReadAll(*p)));
  backlog = p->compaction_backlog();
  EXPECT_EQ(0u, backlog.dirty_bytes);
  EXPECT_EQ(stats->bytes_after + (sealed_bytes - stats->bytes_before), backlog.clean_bytes);
  EXPECT_EQ(0.0, backlog.dirty_ratio());
}

}  // namespace
}  // namespace weir::log
