// The durable in-memory state store: what a commit writes, reloading after a process
// restart (a new provider on the same directory) at the latest and at older
// versions, snapshots every N deltas, purging, re-runs, corrupt files, failed writes
// and power loss, and a randomized run against a std::map model.

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "weir/common/fault_injection_env.h"
#include "weir/state/in_memory_store_internal.h"
#include "weir/state/state_files.h"
#include "weir/state/state_store.h"

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::weir::Status _st = ::weir::internal::ToStatus((expr));    \
    ASSERT_TRUE(_st.ok()) << #expr << " -> " << _st.ToString(); \
  } while (false)

namespace weir::state {
namespace {

using Model = std::map<std::string, std::string>;  // std::string orders as unsigned bytes
using Kind = StateFiles::Kind;

Model Dump(StateStore* store) {
  Model m;
  Status st = store->Iterate([&](std::string_view k, std::string_view v) {
    m.emplace(k, v);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st;
  return m;
}

class DurableInMemoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files_.reset();
    fault_.reset();
    mem_ = NewMemEnv();
    fault_ = std::make_unique<FaultInjectionEnv>(mem_.get());
    files_ = std::make_unique<StateFiles>(mem_.get(), kDir);
  }

  // A new provider on the directory, as a restarted process makes.
  StateStoreProviderPtr Restart(int min_deltas_for_snapshot = 10) {
    StateStoreConf conf;
    conf.min_deltas_for_snapshot = min_deltas_for_snapshot;
    Result<StateStoreProviderPtr> p = OpenStateStoreProvider(fault_.get(), kDir, conf);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : nullptr;
  }

  // Opens `version`, applies `puts` (an empty value removes the key), commits.
  static Status Epoch(StateStoreProvider* p, int64_t version, const Model& puts) {
    ASSIGN_OR_RAISE(StateStorePtr store, p->GetStore(version));
    for (const auto& [k, v] : puts) RETURN_NOT_OK(v.empty() ? store->Remove(k) : store->Put(k, v));
    ASSIGN_OR_RAISE(int64_t committed, store->Commit());
    if (committed != version + 1) return Status::Internal("committed " + std::to_string(committed));
    return Status::OK();
  }

  static Result<Model> Contents(StateStoreProvider* p, int64_t version) {
    ASSIGN_OR_RAISE(StateStorePtr store, p->GetStore(version));
    Model m = Dump(store.get());
    store->Abort();
    return m;
  }

  std::vector<std::string> Listed() {
    Result<std::vector<StateFiles::File>> list = files_->List();
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<std::string> out;
    if (!list.ok()) return out;
    for (const StateFiles::File& f : *list) {
      out.push_back(std::to_string(f.version) + (f.kind == Kind::kDelta ? ".delta" : ".snapshot"));
    }
    return out;
  }

  static constexpr const char* kDir = "/ckpt/state/1/0";
  std::unique_ptr<Env> mem_;
  std::unique_ptr<FaultInjectionEnv> fault_;
  std::unique_ptr<StateFiles> files_;  // on the target, to look behind the store's back
};

TEST_F(DurableInMemoryStoreTest, CommitWritesTheEpochsChangesAsItsDelta) {
  StateStoreProviderPtr p = Restart();
  EXPECT_EQ(0, p->latest_version());
  ASSERT_OK(Epoch(p.get(), 0, {{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  ASSERT_OK(Epoch(p.get(), 1, {{"a", "10"}, {"b", ""}, {"d", "4"}}));
  EXPECT_EQ(2, p->latest_version());
  EXPECT_EQ((std::vector<std::string>{"1.delta", "2.delta"}), Listed());
  // The delta of version 2 holds exactly the epoch's changes.
  std::map<std::string, std::string> delta;
  ASSERT_OK(files_->Read(2, Kind::kDelta, [&](std::string_view k, const std::string* v) {
    delta.emplace(k, v ? *v : "<removed>");
    return Status::OK();
  }));
  EXPECT_EQ((Model{{"a", "10"}, {"b", "<removed>"}, {"d", "4"}}), delta);
}

TEST_F(DurableInMemoryStoreTest, VersionZeroIsEmptyWithoutFilesAndMissingVersionsAreNotFound) {
  StateStoreProviderPtr p = Restart();
  Result<Model> m = Contents(p.get(), 0);
  ASSERT_OK(m);
  EXPECT_TRUE(m->empty());
  EXPECT_TRUE(Listed().empty());
  Result<StateStorePtr> s = p->GetStore(3);
  ASSERT_TRUE(s.status().IsNotFound());
  EXPECT_NE(std::string::npos, s.status().message().find(kDir)) << s.status();
}

TEST_F(DurableInMemoryStoreTest, RestartLoadsTheLatestAndOlderVersions) {
  {
    StateStoreProviderPtr p = Restart(/*min_deltas_for_snapshot=*/100);
    for (int v = 0; v < 5; ++v) {
      ASSERT_OK(Epoch(p.get(), v, {{"k" + std::to_string(v), std::to_string(v)}, {"n", "x"}}));
    }
    ASSERT_OK(Epoch(p.get(), 5, {{"k0", ""}}));
  }
  StateStoreProviderPtr p = Restart(100);
  EXPECT_EQ(6, p->latest_version());  // known before anything is loaded
  Result<Model> m = Contents(p.get(), 6);
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"k1", "1"}, {"k2", "2"}, {"k3", "3"}, {"k4", "4"}, {"n", "x"}}), *m);
  {
    Result<StateStorePtr> s = p->GetStore(6);
    ASSERT_OK(s);
    EXPECT_EQ(5, (*s)->metrics().num_keys);
    // The loaded state is accounted as if it had been built in this process.
    EXPECT_EQ(4 * (2 + 1) + (1 + 1) + internal::kEntryOverheadBytes * 5,
              (*s)->metrics().memory_used_bytes);
  }
  m = Contents(p.get(), 2);  // older than the in-memory undo records reach: reloaded
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"k0", "0"}, {"k1", "1"}, {"n", "x"}}), *m);
  m = Contents(p.get(), 6);  // and back
  ASSERT_OK(m);
  EXPECT_EQ(5u, m->size());
}

TEST_F(DurableInMemoryStoreTest, ReRunAfterRestartReplacesTheNewerVersions) {
  {
    StateStoreProviderPtr p = Restart(/*min_deltas_for_snapshot=*/2);
    for (int v = 0; v < 5; ++v) ASSERT_OK(Epoch(p.get(), v, {{"k", std::to_string(v)}}));
  }
  EXPECT_EQ((std::vector<std::string>{"1.delta", "2.delta", "2.snapshot", "3.delta", "4.delta",
                                      "4.snapshot", "5.delta"}),
            Listed());
  {
    StateStoreProviderPtr p = Restart(2);
    ASSERT_OK(Epoch(p.get(), 3, {{"k", "rerun"}, {"r", "1"}}));
    EXPECT_EQ(4, p->latest_version());
    EXPECT_TRUE(p->GetStore(5).status().IsNotFound());
  }
  // 4.snapshot and 5.delta of the first run are gone; the re-run's 4 needs no
  // snapshot (one delta after snapshot 2... two: 3 and 4).
  EXPECT_EQ((std::vector<std::string>{"1.delta", "2.delta", "2.snapshot", "3.delta", "4.delta",
                                      "4.snapshot"}),
            Listed());
  StateStoreProviderPtr p = Restart(2);
  EXPECT_EQ(4, p->latest_version());
  Result<Model> m = Contents(p.get(), 4);
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"k", "rerun"}, {"r", "1"}}), *m);
}

TEST_F(DurableInMemoryStoreTest, ReRunInMemoryOfTheLastEpochDeletesItsFirstRun) {
  StateStoreProviderPtr p = Restart();
  ASSERT_OK(Epoch(p.get(), 0, {{"a", "1"}, {"b", "1"}}));
  ASSERT_OK(Epoch(p.get(), 1, {{"a", ""}, {"c", "1"}}));
  // Epoch 1 again, served from the in-memory undo record: it removes b instead.
  ASSERT_OK(Epoch(p.get(), 1, {{"b", ""}, {"d", "1"}}));
  StateStoreProviderPtr q = Restart();
  Result<Model> m = Contents(q.get(), 2);
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"a", "1"}, {"d", "1"}}), *m);
}

TEST_F(DurableInMemoryStoreTest, ReRunInMemoryRemovingAKeyTheFirstRunAlsoRemoved) {
  StateStoreProviderPtr p = Restart();
  ASSERT_OK(Epoch(p.get(), 0, {{"a", "1"}, {"b", "1"}}));
  ASSERT_OK(Epoch(p.get(), 1, {{"a", ""}}));
  // The re-run sees a again (from the undo record), though the latest lacks it, and
  // removes it too: the delta must say so.
  ASSERT_OK(Epoch(p.get(), 1, {{"a", ""}, {"b", "2"}}));
  Result<Model> m = Contents(Restart().get(), 2);
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"b", "2"}}), *m);
}

TEST_F(DurableInMemoryStoreTest, SnapshotsEveryNDeltasAndLoadsFromThem) {
  {
    StateStoreProviderPtr p = Restart(/*min_deltas_for_snapshot=*/3);
    for (int v = 0; v < 7; ++v) ASSERT_OK(Epoch(p.get(), v, {{"k" + std::to_string(v), "v"}}));
  }
  EXPECT_EQ((std::vector<std::string>{"1.delta", "2.delta", "3.delta", "3.snapshot", "4.delta",
                                      "5.delta", "6.delta", "6.snapshot", "7.delta"}),
            Listed());
  // Version 7 loads from snapshot 6 and delta 7: the deltas before are not read.
  for (int v = 1; v <= 6; ++v) ASSERT_OK(mem_->DeleteFile(files_->Path(v, Kind::kDelta)));
  StateStoreProviderPtr p = Restart(3);
  Result<Model> m = Contents(p.get(), 7);
  ASSERT_OK(m);
  EXPECT_EQ(7u, m->size());
  EXPECT_TRUE(p->GetStore(5).status().IsNotFound());
}

TEST_F(DurableInMemoryStoreTest, PurgeKeepsWhatRetainedVersionsNeed) {
  StateStoreProviderPtr p = Restart(/*min_deltas_for_snapshot=*/3);
  for (int v = 0; v < 10; ++v) ASSERT_OK(Epoch(p.get(), v, {{"k" + std::to_string(v), "v"}}));
  ASSERT_OK(p->Purge(8));
  EXPECT_EQ((std::vector<std::string>{"6.delta", "6.snapshot", "7.delta", "8.delta", "9.delta",
                                      "9.snapshot", "10.delta"}),
            Listed());
  StateStoreProviderPtr q = Restart(3);
  for (int v = 6; v <= 10; ++v) {
    Result<Model> m = Contents(q.get(), v);
    ASSERT_OK(m);
    EXPECT_EQ(static_cast<size_t>(v), m->size());
  }
  EXPECT_TRUE(q->GetStore(5).status().IsNotFound());
  ASSERT_OK(q->Purge(100));  // never the latest
  Result<Model> m = Contents(q.get(), 10);
  ASSERT_OK(m);
  EXPECT_EQ(10u, m->size());
}

TEST_F(DurableInMemoryStoreTest, CorruptDeltaIsDataLossNamingTheFile) {
  {
    StateStoreProviderPtr p = Restart();
    for (int v = 0; v < 3; ++v) ASSERT_OK(Epoch(p.get(), v, {{"k", std::to_string(v)}}));
  }
  const std::string path = files_->Path(2, Kind::kDelta);
  Result<uint64_t> size = mem_->GetFileSize(path);
  ASSERT_OK(size);
  ASSERT_OK(mem_->Truncate(path, *size - 1));
  StateStoreProviderPtr p = Restart();
  Result<StateStorePtr> s = p->GetStore(3);
  ASSERT_TRUE(s.status().IsCorruption()) << s.status();
  EXPECT_NE(std::string::npos, s.status().message().find(path)) << s.status();
  Result<Model> m = Contents(p.get(), 1);  // the versions before it still load
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"k", "0"}}), *m);
}

TEST_F(DurableInMemoryStoreTest, FailedDeltaOrSnapshotWriteFailsTheCommitAndKeepsThePrevious) {
  struct Case {
    FaultOp op;
    const char* path;
    int error;
  };
  for (const Case& c :
       {Case{FaultOp::kSync, ".delta", EIO}, Case{FaultOp::kAppend, ".delta", ENOSPC},
        Case{FaultOp::kSync, ".snapshot", EIO}, Case{FaultOp::kAppend, ".snapshot", ENOSPC},
        Case{FaultOp::kSyncDir, kDir, EIO}}) {
    SCOPED_TRACE(std::string(FaultOpName(c.op)) + " " + c.path);
    SetUp();
    StateStoreProviderPtr p = Restart(/*min_deltas_for_snapshot=*/2);
    ASSERT_OK(Epoch(p.get(), 0, {{"a", "1"}}));
    fault_->InjectFault({.op = c.op, .path_substring = c.path, .error = c.error});
    Status st = Epoch(p.get(), 1, {{"a", "2"}, {"b", "2"}});
    ASSERT_TRUE(st.IsIoError()) << st;
    EXPECT_EQ(c.error, st.sys_errno());
    EXPECT_EQ(1, p->latest_version());
    EXPECT_TRUE(p->GetStore(2).status().IsNotFound());
    Result<Model> m = Contents(p.get(), 1);
    ASSERT_OK(m);
    EXPECT_EQ((Model{{"a", "1"}}), *m);
    EXPECT_EQ(std::vector<std::string>{"1.delta"}, Listed());
    // A restarted process finds version 1, and the epoch can run again.
    StateStoreProviderPtr q = Restart(2);
    EXPECT_EQ(1, q->latest_version());
    ASSERT_OK(Epoch(q.get(), 1, {{"a", "3"}}));
    m = Contents(q.get(), 2);
    ASSERT_OK(m);
    EXPECT_EQ((Model{{"a", "3"}}), *m);
  }
}

TEST_F(DurableInMemoryStoreTest, PowerLossKeepsACompletedCommitAndDropsAnInterruptedOne) {
  StateStoreProviderPtr p = Restart();
  ASSERT_OK(Epoch(p.get(), 0, {{"a", "1"}}));
  ASSERT_OK(fault_->SimulatePowerLoss({.tear_last_write = true}));
  p = Restart();
  EXPECT_EQ(1, p->latest_version());
  Result<Model> m = Contents(p.get(), 1);
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"a", "1"}}), *m);

  // Interrupted: the delta is renamed but its directory never synced, or never
  // synced itself.
  for (FaultOp op : {FaultOp::kSyncDir, FaultOp::kSync}) {
    fault_->InjectFault({.op = op, .path_substring = op == FaultOp::kSync ? ".delta" : kDir});
    EXPECT_FALSE(Epoch(p.get(), 1, {{"a", "2"}}).ok());
    ASSERT_OK(fault_->SimulatePowerLoss({.tear_last_write = true}));
    p = Restart();
    EXPECT_EQ(1, p->latest_version()) << FaultOpName(op);
    m = Contents(p.get(), 1);
    ASSERT_OK(m);
    EXPECT_EQ((Model{{"a", "1"}}), *m);
  }

  // Power fails while an epoch runs, before it commits.
  {
    Result<StateStorePtr> s = p->GetStore(1);
    ASSERT_OK(s);
    ASSERT_OK((*s)->Put("a", "3"));
    ASSERT_OK(fault_->SimulatePowerLoss({.tear_last_write = true}));
  }
  p = Restart();
  EXPECT_EQ(1, p->latest_version());
  ASSERT_OK(Epoch(p.get(), 1, {{"a", "4"}}));
  m = Contents(Restart().get(), 2);
  ASSERT_OK(m);
  EXPECT_EQ((Model{{"a", "4"}}), *m);
}

TEST_F(DurableInMemoryStoreTest, InvalidConf) {
  StateStoreConf conf;
  conf.min_deltas_for_snapshot = 0;
  EXPECT_TRUE(MakeDurableInMemoryProvider(fault_.get(), kDir, conf).status().IsUserError());
  conf = StateStoreConf();
  conf.backend = "disk";
  EXPECT_EQ(StatusCode::kInvalidArgument,
            OpenStateStoreProvider(fault_.get(), kDir, conf).status().code());
}

// Random epochs, re-runs (mostly of the versions the in-memory undo records
// reach), aborts, restarts and purges, each version checked against a model kept per
// version, when opened and after a last restart.
class DurableInMemoryStoreRandomTest : public DurableInMemoryStoreTest,
                                       public ::testing::WithParamInterface<int> {};

TEST_P(DurableInMemoryStoreRandomTest, AgainstModel) {
  std::mt19937_64 rng(GetParam());
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  std::map<int64_t, Model> models = {{0, {}}};
  int64_t latest = 0;
  int64_t oldest = 0;  // the oldest version the test may still open
  StateStoreProviderPtr p = Restart(/*min_deltas_for_snapshot=*/4);
  for (int step = 0; step < 300; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    if (chance(8)) {
      p = Restart(4);
      ASSERT_EQ(latest, p->latest_version());
      continue;
    }
    if (chance(5) && latest > 6) {
      ASSERT_OK(p->Purge(latest - 6));
      oldest = std::max(oldest, latest - 6);
      continue;
    }
    int64_t version = latest;
    if (chance(20)) {
      const int64_t from = chance(70) ? std::max(oldest, latest - 2) : oldest;
      version = from + static_cast<int64_t>(rng() % (latest - from + 1));
    }
    Result<StateStorePtr> s = p->GetStore(version);
    ASSERT_OK(s);
    Model model = models[version];
    ASSERT_EQ(model, Dump(s->get())) << "version " << version;
    const int ops = static_cast<int>(rng() % 20);
    for (int i = 0; i < ops; ++i) {
      const std::string key = "key" + std::to_string(rng() % 12);
      if (chance(30)) {
        ASSERT_OK((*s)->Remove(key));
        model.erase(key);
      } else {
        const std::string value(rng() % 5, static_cast<char>('a' + rng() % 26));
        ASSERT_OK((*s)->Put(key, value));
        model[key] = value;
      }
    }
    ASSERT_EQ(static_cast<int64_t>(model.size()), (*s)->metrics().num_keys);
    if (chance(10)) {
      (*s)->Abort();
      continue;
    }
    Result<int64_t> committed = (*s)->Commit();
    ASSERT_OK(committed);
    latest = version + 1;
    ASSERT_EQ(latest, *committed);
    models.erase(models.upper_bound(version), models.end());
    models[latest] = std::move(model);
    ASSERT_EQ(latest, p->latest_version());
  }
  p = Restart(4);
  for (int64_t v = oldest; v <= latest; ++v) {
    Result<Model> m = Contents(p.get(), v);
    ASSERT_OK(m);
    EXPECT_EQ(models[v], *m) << "version " << v;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DurableInMemoryStoreRandomTest, ::testing::Range(1, 21));

}  // namespace
}  // namespace weir::state
