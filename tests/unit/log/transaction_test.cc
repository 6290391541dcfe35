// Transactional appends on a partition (docs/log.md, "Transactions"): commit and abort
// markers, read-committed reads that stop at the last stable offset and skip aborted
// records, fencing by a newer epoch, recovery of open transactions after a power loss,
// read-only readers, and compaction that keeps markers and never resurrects aborted
// records.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/fault_injection_env.h"
#include "weir/log/partition.h"
#include "weir/log/transaction_state.h"

#include "log_test_util.h"

namespace weir::log {
namespace {

using testing::MakeRecord;

constexpr int64_t kT0 = 1704067200000;

ReadOptions Committed() { return ReadOptions{.isolation = IsolationLevel::kReadCommitted}; }
ReadOptions Uncommitted() { return ReadOptions{.isolation = IsolationLevel::kReadUncommitted}; }

// What a consumer sees reading from `from` to the end: "value@offset" per record, and
// the offset it would continue at.
struct Consumed {
  std::vector<std::string> records;
  int64_t next = 0;
  int control_batches = 0;
};

Consumed Consume(const Partition& p, const ReadOptions& options, int64_t from = 0,
                 size_t max_bytes = 64) {
  Consumed c;
  c.next = from;
  const int64_t end =
      options.isolation == IsolationLevel::kReadCommitted ? p.last_stable_offset() : p.end_offset();
  while (c.next < end) {
    auto batches = p.Read(c.next, max_bytes, options);
    EXPECT_OK(batches);
    if (!batches.ok() || batches->empty()) break;
    for (const RecordBatch& b : *batches) {
      if (b.header.control()) {
        ++c.control_batches;
        EXPECT_TRUE(b.records.empty()) << "a control batch's marker was returned as a record";
      }
      for (const LogRecord& r : b.records) {
        c.records.push_back(r.record.value.value_or("null") + "@" + std::to_string(r.offset));
      }
    }
    c.next = batches->back().header.last_offset() + 1;
  }
  return c;
}

class TransactionTest : public ::testing::Test {
 protected:
  PartitionOptions Options() const {
    PartitionOptions o;
    o.segment_bytes = 1 << 20;
    return o;
  }

  std::unique_ptr<Partition> OpenOrDie(const PartitionOptions& options) {
    auto p = Partition::Open(&env_, dir_, options);
    EXPECT_OK(p);
    return p.ok() ? std::move(*p) : nullptr;
  }

  // Appends `values` as one batch of producer `id` at `epoch`, continuing its sequence.
  AppendResult Txn(Partition* p, int64_t id, int16_t epoch, std::vector<std::string> values,
                   bool transactional = true) {
    std::vector<Record> records;
    for (std::string& v : values) records.push_back(MakeRecord("k-" + v, std::move(v), kT0));
    BatchOptions o;
    o.producer_id = id;
    o.producer_epoch = epoch;
    int32_t& seq = sequences_[{id, epoch}];
    o.base_sequence = seq;
    o.transactional = transactional;
    auto r = p->Append(records, o);
    EXPECT_OK(r);
    seq += static_cast<int32_t>(records.size());
    return r.ok() ? *r : AppendResult{};
  }

  AppendResult Plain(Partition* p, std::string value) {
    std::vector<Record> records{MakeRecord("k-" + value, value, kT0)};
    auto r = p->Append(records);
    EXPECT_OK(r);
    return r.ok() ? *r : AppendResult{};
  }

  using Strings = std::vector<std::string>;

  ManualClock clock_{kT0 * 1000};
  std::unique_ptr<Env> mem_ = NewMemEnv(&clock_);
  FaultInjectionEnv env_{mem_.get()};
  const std::string dir_ = "/data/topics/t/0";
  std::map<std::pair<int64_t, int16_t>, int32_t> sequences_;
};

// Commit: before it, a read-committed reader sees nothing of the transaction and the
// LSO is the transaction's first offset; after it, every record, in offset order.
TEST_F(TransactionTest, CommitMakesEveryRecordVisible) {
  auto p = OpenOrDie(Options());
  Txn(p.get(), 7, 0, {"a", "b"});
  Txn(p.get(), 7, 0, {"c"});
  EXPECT_EQ(0, p->last_stable_offset());
  EXPECT_EQ(1u, p->num_open_transactions());
  EXPECT_EQ(Strings{}, Consume(*p, Committed()).records);
  EXPECT_EQ((Strings{"a@0", "b@1", "c@2"}), Consume(*p, Uncommitted()).records);

  ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kCommit));
  EXPECT_EQ(4, p->end_offset()) << "the marker takes an offset";
  EXPECT_EQ(4, p->last_stable_offset());
  EXPECT_EQ(0u, p->num_open_transactions());
  Consumed c = Consume(*p, Committed());
  EXPECT_EQ((Strings{"a@0", "b@1", "c@2"}), c.records);
  EXPECT_EQ(4, c.next) << "a consumer moves past the marker";
  EXPECT_EQ(1, c.control_batches);
  // A retried EndTransaction finds nothing open and writes nothing.
  ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kCommit));
  EXPECT_EQ(4, p->end_offset());
}

// Abort: read-committed never sees the records, and records after the marker are
// visible; read-uncommitted still sees the aborted records (but never the marker).
TEST_F(TransactionTest, AbortHidesEveryRecord) {
  auto p = OpenOrDie(Options());
  Plain(p.get(), "before");
  Txn(p.get(), 7, 0, {"x", "y"});
  ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kAbort));
  Plain(p.get(), "after");
  EXPECT_EQ(5, p->last_stable_offset());
  EXPECT_EQ(1u, p->num_aborted_transactions());
  EXPECT_EQ((Strings{"before@0", "after@4"}), Consume(*p, Committed()).records);
  EXPECT_EQ((Strings{"before@0", "x@1", "y@2", "after@4"}), Consume(*p, Uncommitted()).records);
  // Reading at an aborted offset directly gives its batch without records.
  auto at = p->Read(2, 1 << 20, Committed());
  ASSERT_OK(at);
  ASSERT_FALSE(at->empty());
  EXPECT_TRUE(at->front().records.empty());
  EXPECT_EQ(2, at->front().header.last_offset());
}

// Two producers interleave: each transaction's fate applies to its own records only,
// and the LSO is the first offset of the earliest transaction still open.
TEST_F(TransactionTest, InterleavedTransactionsOfTwoProducers) {
  auto p = OpenOrDie(Options());
  Txn(p.get(), 1, 0, {"a1"});  // 0
  Txn(p.get(), 2, 0, {"b1"});  // 1
  Txn(p.get(), 1, 0, {"a2"});  // 2
  Txn(p.get(), 2, 0, {"b2"});  // 3
  EXPECT_EQ(0, p->last_stable_offset());
  ASSERT_OK(p->EndTransaction(1, 0, TransactionResult::kAbort));  // 4
  EXPECT_EQ(1, p->last_stable_offset()) << "producer 2's transaction is still open";
  EXPECT_EQ(Strings{}, Consume(*p, Committed()).records) << "a1@0 aborted, b1@1 open";
  ASSERT_OK(p->EndTransaction(2, 0, TransactionResult::kCommit));  // 5
  EXPECT_EQ(6, p->last_stable_offset());
  EXPECT_EQ((Strings{"b1@1", "b2@3"}), Consume(*p, Committed()).records);
  // A next transaction of producer 1 is independent of the aborted one.
  Txn(p.get(), 1, 0, {"a3"});  // 6
  ASSERT_OK(p->EndTransaction(1, 0, TransactionResult::kCommit));
  EXPECT_EQ((Strings{"b1@1", "b2@3", "a3@6"}), Consume(*p, Committed()).records);
  EXPECT_EQ((Strings{"a1@0", "b1@1", "a2@2", "b2@3", "a3@6"}), Consume(*p, Uncommitted()).records);
}

// The LSO blocks every later record, transactional or not, until the transaction
// ends; a read at or past it returns nothing.
TEST_F(TransactionTest, LastStableOffsetBlocksLaterRecords) {
  auto p = OpenOrDie(Options());
  Plain(p.get(), "p0");        // 0
  Txn(p.get(), 7, 0, {"t1"});  // 1
  Plain(p.get(), "p2");        // 2
  Plain(p.get(), "p3");        // 3
  EXPECT_EQ(1, p->last_stable_offset());
  EXPECT_EQ(Strings{"p0@0"}, Consume(*p, Committed()).records);
  auto past = p->Read(2, 1 << 20, Committed());
  ASSERT_OK(past);
  EXPECT_TRUE(past->empty());
  auto one = p->Read(0, 1 << 20, Committed());
  ASSERT_OK(one);
  ASSERT_EQ(1u, one->size()) << "batches past the LSO are left out";
  EXPECT_EQ((Strings{"p0@0", "t1@1", "p2@2", "p3@3"}), Consume(*p, Uncommitted()).records);
  // A non-transactional append by the producer with the transaction open is refused.
  std::vector<Record> r{MakeRecord("k", "v", kT0)};
  auto refused =
      p->Append(r, BatchOptions{.producer_id = 7, .producer_epoch = 0, .base_sequence = 1});
  EXPECT_TRUE(refused.status().code() == StatusCode::kInvalidArgument) << refused.status();
  ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kCommit));
  EXPECT_EQ((Strings{"p0@0", "t1@1", "p2@2", "p3@3"}), Consume(*p, Committed()).records);
}

// A newer epoch of the producer id aborts the older epoch's open transaction (with a
// marker) before its own batch; the old epoch is then fenced.
TEST_F(TransactionTest, NewerEpochFencesAndAbortsTheOlderTransaction) {
  auto p = OpenOrDie(Options());
  Txn(p.get(), 7, 0, {"old1", "old2"});  // 0-1
  Txn(p.get(), 7, 1, {"new"});           // marker at 2, then 3
  EXPECT_EQ(1u, p->num_aborted_transactions());
  EXPECT_EQ(3, p->last_stable_offset());
  Status fenced = p->EndTransaction(7, 0, TransactionResult::kCommit);
  EXPECT_TRUE(fenced.code() == StatusCode::kInvalidArgument);
  EXPECT_NE(std::string::npos, fenced.ToString().find("ProducerFenced")) << fenced;
  std::vector<Record> r{MakeRecord("k", "late", kT0)};
  auto late = p->Append(
      r, BatchOptions{
             .producer_id = 7, .producer_epoch = 0, .base_sequence = 2, .transactional = true});
  EXPECT_NE(std::string::npos, late.status().ToString().find("ProducerFenced"));
  ASSERT_OK(p->EndTransaction(7, 1, TransactionResult::kCommit));
  EXPECT_EQ(Strings{"new@3"}, Consume(*p, Committed()).records);

  // Fencing by EndTransaction alone: epoch 2 ends epoch 1's transaction as an abort,
  // even though it asks for a commit (it has no transaction of its own).
  Txn(p.get(), 7, 1, {"doomed"});  // 5
  ASSERT_OK(p->EndTransaction(7, 2, TransactionResult::kCommit));
  EXPECT_EQ(Strings{"new@3"}, Consume(*p, Committed()).records);
  EXPECT_EQ(p->end_offset(), p->last_stable_offset());
}

// A power loss with a transaction open: after reopening, the transaction is still
// open (invisible to read-committed, LSO at its start), the restarted producer commits
// it, and that survives another power loss; an aborted range is rebuilt too.
TEST_F(TransactionTest, OpenTransactionSurvivesPowerLossUntilCommitted) {
  {
    auto p = OpenOrDie(Options());
    Plain(p.get(), "p0");                                           // 0
    Txn(p.get(), 3, 0, {"gone"});                                   // 1
    ASSERT_OK(p->EndTransaction(3, 0, TransactionResult::kAbort));  // 2
    Txn(p.get(), 7, 0, {"t3", "t4"});                               // 3-4
    Plain(p.get(), "p5");                                           // 5
    ASSERT_OK(env_.SimulatePowerLoss(PowerLossOptions{.tear_last_write = false, .seed = 1}));
  }
  {
    auto p = OpenOrDie(Options());
    EXPECT_EQ(6, p->end_offset());
    EXPECT_EQ(1u, p->num_open_transactions());
    EXPECT_EQ(1u, p->num_aborted_transactions());
    EXPECT_EQ(3, p->last_stable_offset());
    EXPECT_EQ(Strings{"p0@0"}, Consume(*p, Committed()).records);
    Txn(p.get(), 7, 0, {"t6"});  // the restarted producer goes on with its transaction
    ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kCommit));  // 7
    EXPECT_EQ((Strings{"p0@0", "t3@3", "t4@4", "p5@5", "t6@6"}), Consume(*p, Committed()).records);
    ASSERT_OK(env_.SimulatePowerLoss(PowerLossOptions{.tear_last_write = true, .seed = 2}));
  }
  auto p = OpenOrDie(Options());
  EXPECT_EQ(8, p->end_offset()) << "the commit marker was durable when acknowledged";
  EXPECT_EQ(0u, p->num_open_transactions());
  EXPECT_EQ((Strings{"p0@0", "t3@3", "t4@4", "p5@5", "t6@6"}), Consume(*p, Committed()).records);
}

// With kInterval durability a marker is still synced before EndTransaction returns.
TEST_F(TransactionTest, MarkerIsDurableInIntervalMode) {
  PartitionOptions o = Options();
  o.durability = Durability::kInterval;
  o.flush_interval_ms = 1'000'000;
  {
    auto p = OpenOrDie(o);
    Txn(p.get(), 7, 0, {"a"});
    ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kCommit));
    ASSERT_OK(env_.SimulatePowerLoss(PowerLossOptions{.tear_last_write = false, .seed = 1}));
  }
  auto p = OpenOrDie(o);
  EXPECT_EQ(Strings{"a@0"}, Consume(*p, Committed()).records);
}

// Read-uncommitted sees every data record, open, committed or aborted, across many
// small reads and segment rolls, and no marker as a record; its next offset is the end.
TEST_F(TransactionTest, ReadUncommittedSeesEverythingButControlBatches) {
  PartitionOptions o = Options();
  o.segment_bytes = 300;
  auto p = OpenOrDie(o);
  Strings all;
  for (int i = 0; i < 12; ++i) {
    const int64_t id = i % 3;
    AppendResult r = Txn(p.get(), id, 0, {"v" + std::to_string(i)});
    all.push_back("v" + std::to_string(i) + "@" + std::to_string(r.base_offset));
    if (i % 2 == 1) {
      ASSERT_OK(p->EndTransaction(
          id, 0, i % 4 == 1 ? TransactionResult::kAbort : TransactionResult::kCommit));
    }
  }
  EXPECT_GT(p->num_segments(), 2u);
  Consumed c = Consume(*p, Uncommitted(), 0, 1);
  EXPECT_EQ(all, c.records);
  EXPECT_EQ(p->end_offset(), c.next);
  EXPECT_GT(c.control_batches, 0);
}

// A reader in another process (read_only) rebuilds the transactions at open and
// follows the writer's markers through Refresh().
TEST_F(TransactionTest, ReadOnlyReaderFollowsMarkers) {
  auto w = OpenOrDie(Options());
  Plain(w.get(), "p0");
  Txn(w.get(), 7, 0, {"t1"});
  PartitionOptions ro = Options();
  ro.read_only = true;
  auto r = OpenOrDie(ro);
  EXPECT_EQ(1, r->last_stable_offset());
  EXPECT_EQ(Strings{"p0@0"}, Consume(*r, Committed()).records);
  ASSERT_OK(w->EndTransaction(7, 0, TransactionResult::kCommit));
  Txn(w.get(), 8, 0, {"t3"});
  ASSERT_OK(w->EndTransaction(8, 0, TransactionResult::kAbort));
  ASSERT_OK(r->Refresh());
  EXPECT_EQ(5, r->last_stable_offset());
  EXPECT_EQ((Strings{"p0@0", "t1@1"}), Consume(*r, Committed()).records);
}

// Compaction keeps the markers, does not let an aborted value supersede a committed
// one (the read-committed table is unchanged), removes aborted records, and leaves
// segments past the LSO alone.
TEST_F(TransactionTest, CompactionKeepsMarkersAndNeverResurrectsAbortedRecords) {
  PartitionOptions o = Options();
  o.compact = true;
  o.segment_bytes = 256;
  auto p = OpenOrDie(o);
  auto put = [&](const std::string& key, const std::string& value) {
    std::vector<Record> r{MakeRecord(key, value, kT0)};
    ASSERT_OK(p->Append(r));
  };
  auto txn_put = [&](int64_t id, const std::string& key, const std::string& value) {
    std::vector<Record> r{MakeRecord(key, value, kT0)};
    BatchOptions b{.producer_id = id,
                   .producer_epoch = 0,
                   .base_sequence = sequences_[{id, 0}]++,
                   .transactional = true};
    ASSERT_OK(p->Append(r, b));
  };
  put("ceo", "alice");
  txn_put(7, "ceo", "mallory");  // aborted: must never win
  txn_put(7, "ceo", "mallory2");
  ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kAbort));
  txn_put(8, "cfo", "bob");  // committed
  txn_put(8, "cfo", "bob2");
  ASSERT_OK(p->EndTransaction(8, 0, TransactionResult::kCommit));
  for (int i = 0; i < 20; ++i) put("filler", "f" + std::to_string(i));
  txn_put(9, "ceo", "eve");  // open: LSO here; its segment and later are not compacted
  for (int i = 0; i < 10; ++i) put("late", "l" + std::to_string(i));
  ASSERT_GT(p->num_segments(), 4u);

  auto table = [&](const Partition& part) {
    std::map<std::string, std::string> t;
    const Consumed c = Consume(part, Committed(), part.start_offset(), 1 << 20);
    int64_t next = part.start_offset();
    while (next < part.last_stable_offset()) {
      auto batches = part.Read(next, 1 << 20, Committed());
      EXPECT_OK(batches);
      if (!batches.ok() || batches->empty()) break;
      for (const RecordBatch& b : *batches) {
        for (const LogRecord& r : b.records) t[*r.record.key] = *r.record.value;
      }
      next = batches->back().header.last_offset() + 1;
    }
    return std::make_pair(t, c.control_batches);
  };
  const auto [before, markers_before] = table(*p);
  EXPECT_EQ("alice", before.at("ceo"));
  EXPECT_EQ("bob2", before.at("cfo"));
  const int64_t lso = p->last_stable_offset();
  const std::vector<SegmentInfo> segments_before = p->segments();

  auto stats = p->Compact();
  ASSERT_OK(stats);
  EXPECT_GT(stats->records_removed, 0);
  const auto [after, markers_after] = table(*p);
  EXPECT_EQ(before, after);
  EXPECT_EQ(markers_before, markers_after) << "control batches are kept";
  EXPECT_EQ(2, markers_after);
  // The aborted record is gone even for read-uncommitted readers; the producer's last
  // batch is kept whole (for its sequence state), and stays invisible to read-committed.
  std::string all;
  for (const std::string& rec : Consume(*p, Uncommitted()).records) all += rec + ",";
  EXPECT_EQ(std::string::npos, all.find("mallory@")) << all;
  EXPECT_NE(std::string::npos, all.find("mallory2@")) << all;
  EXPECT_NE(std::string::npos, all.find("eve@")) << "the open transaction is untouched";
  // Segments reaching past the LSO were not rewritten.
  const std::vector<SegmentInfo> segments_after = p->segments();
  ASSERT_EQ(segments_before.size(), segments_after.size());
  for (size_t i = 0; i < segments_before.size(); ++i) {
    if (segments_before[i].end_offset > lso) {
      EXPECT_EQ(segments_before[i].size_bytes, segments_after[i].size_bytes) << i;
    }
  }

  // After reopening, the open transaction, the markers and the table are unchanged.
  ASSERT_OK(p->Close());
  p.reset();
  p = OpenOrDie(o);
  EXPECT_EQ(lso, p->last_stable_offset());
  EXPECT_EQ(1u, p->num_open_transactions());
  const auto [reopened, markers_reopened] = table(*p);
  EXPECT_EQ(before, reopened);
  EXPECT_EQ(2, markers_reopened);
  ASSERT_OK(p->EndTransaction(9, 0, TransactionResult::kCommit));
  EXPECT_EQ("eve", table(*p).first.at("ceo"));
}

// The control record format round-trips, and anything else is corruption.
TEST(ControlRecordTest, RoundTripsAndRejectsGarbage) {
  for (ControlType type : {ControlType::kAbort, ControlType::kCommit}) {
    std::vector<Record> records{MakeControlRecord(type, kT0)};
    auto bytes = EncodeBatch(
        5, records,
        BatchOptions{
            .producer_id = 1, .producer_epoch = 0, .transactional = true, .control = true});
    ASSERT_OK(bytes);
    auto batch = DecodeBatch(*bytes);
    ASSERT_OK(batch);
    auto parsed = ParseControlBatch(*batch);
    ASSERT_OK(parsed);
    EXPECT_EQ(type, *parsed);
  }
  RecordBatch bad;
  bad.header.attributes = kAttrControl | kAttrTransactional;
  bad.records.push_back(LogRecord{0, MakeRecord("xyz", "v", kT0)});
  EXPECT_TRUE(ParseControlBatch(bad).status().IsCorruption());
  bad.records[0].record = MakeControlRecord(ControlType::kCommit, kT0);
  (*bad.records[0].record.key)[2] = 9;
  EXPECT_TRUE(ParseControlBatch(bad).status().IsCorruption());
}

// Transaction timeout: a transaction left open by a producer that never comes back is
// aborted by the writer after transaction_timeout_ms, on the next append, so
// read-committed readers move on; the producer's old epoch is then fenced, also after
// the partition reopens.
class TransactionTimeoutTest : public TransactionTest {
 protected:
  PartitionOptions Options() const {
    PartitionOptions o = TransactionTest::Options();
    o.transaction_timeout_ms = 60'000;
    return o;
  }
};

TEST_F(TransactionTimeoutTest, TheNextAppendAbortsAnExpiredTransaction) {
  auto p = OpenOrDie(Options());
  Txn(p.get(), 7, 0, {"a", "b"});  // offsets 0-1, then the producer vanishes
  Plain(p.get(), "c");             // 2
  EXPECT_EQ(0, p->last_stable_offset());
  clock_.Advance(59'999'000);
  Plain(p.get(), "d");  // 3: not yet
  EXPECT_EQ(1u, p->num_open_transactions());
  EXPECT_EQ(Strings{}, Consume(*p, Committed()).records) << "blocked by the open transaction";
  clock_.Advance(1'000);
  Plain(p.get(), "e");  // the abort marker takes 4, e is 5
  EXPECT_EQ(0u, p->num_open_transactions());
  EXPECT_EQ(1u, p->num_aborted_transactions());
  EXPECT_EQ(6, p->end_offset());
  EXPECT_EQ(6, p->last_stable_offset());
  EXPECT_EQ((Strings{"c@2", "d@3", "e@5"}), Consume(*p, Committed()).records);

  // The producer's old epoch is fenced: it cannot continue into a new transaction
  // that would commit half of its work.
  std::vector<Record> more{MakeRecord("k", "late", kT0)};
  BatchOptions o{.producer_id = 7, .producer_epoch = 0, .base_sequence = 2, .transactional = true};
  Result<AppendResult> late = p->Append(more, o);
  ASSERT_FALSE(late.ok());
  EXPECT_NE(std::string::npos, late.status().message().find("ProducerFenced")) << late.status();
  Status end = p->EndTransaction(7, 0, TransactionResult::kCommit);
  EXPECT_NE(std::string::npos, end.message().find("ProducerFenced")) << end;
  // A newer epoch (the restarted producer) is welcome.
  Txn(p.get(), 7, 1, {"f"});
  ASSERT_OK(p->EndTransaction(7, 1, TransactionResult::kCommit));
  EXPECT_EQ((Strings{"c@2", "d@3", "e@5", "f@6"}), Consume(*p, Committed()).records);

  // Reopened, the fence holds (from the marker's bumped epoch) and nothing changes.
  ASSERT_OK(p->Close());
  p = OpenOrDie(Options());
  EXPECT_FALSE(p->Append(more, o).ok());
  EXPECT_EQ((Strings{"c@2", "d@3", "e@5", "f@6"}), Consume(*p, Committed()).records);
}

TEST_F(TransactionTimeoutTest, APeriodicCheckAbortsWithoutAppends) {
  auto p = OpenOrDie(Options());
  Txn(p.get(), 7, 0, {"a"});
  Txn(p.get(), 8, 3, {"b"});
  clock_.Advance(30'000'000);
  Txn(p.get(), 9, 0, {"c"});  // younger
  ASSERT_OK(p->EndTransaction(8, 3, TransactionResult::kCommit));
  auto aborted = p->AbortTimedOutTransactions();
  ASSERT_OK(aborted);
  EXPECT_EQ(0u, *aborted);
  clock_.Advance(30'000'000);
  aborted = p->AbortTimedOutTransactions();
  ASSERT_OK(aborted);
  EXPECT_EQ(1u, *aborted) << "producer 7's transaction expired";
  EXPECT_EQ(1u, p->num_open_transactions());
  EXPECT_EQ(2, p->last_stable_offset()) << "producer 9's transaction (offset 2) is still open";
  EXPECT_EQ((Strings{"b@1"}), Consume(*p, Committed()).records);
}

TEST_F(TransactionTimeoutTest, ARecoveredTransactionGetsTheFullTimeoutFromTheOpen) {
  auto p = OpenOrDie(Options());
  Txn(p.get(), 7, 0, {"a"});
  p.reset();  // the process dies
  clock_.Advance(120'000'000);
  p = OpenOrDie(Options());
  EXPECT_EQ(1u, p->num_open_transactions());
  Plain(p.get(), "b");
  EXPECT_EQ(1u, p->num_open_transactions()) << "the restarted producer has time to resume";
  // It resumes with the same epoch and commits.
  Txn(p.get(), 7, 0, {"c"});
  ASSERT_OK(p->EndTransaction(7, 0, TransactionResult::kCommit));
  EXPECT_EQ((Strings{"a@0", "b@1", "c@2"}), Consume(*p, Committed()).records);
}

TEST_F(TransactionTimeoutTest, ReadOnlyPartitionsAndBadOptionsAreRefused) {
  { auto p = OpenOrDie(Options()); }
  PartitionOptions ro = Options();
  ro.read_only = true;
  auto p = OpenOrDie(ro);
  EXPECT_TRUE(p->AbortTimedOutTransactions().status().code() == StatusCode::kInvalidArgument);
  PartitionOptions bad = Options();
  bad.transaction_timeout_ms = 0;
  EXPECT_TRUE(Partition::Open(&env_, dir_, bad).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace weir::log
