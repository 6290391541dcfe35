// The RocksDB state store backend beyond the behaviour every backend shares
// (state_store_conformance_test.cc): its snapshots (a RocksDB checkpoint and a marker
// listing its files), loads from a snapshot alone, torn snapshots detected, the
// debris of interrupted snapshots removed, one provider per directory, re-runs that
// replace snapshots, memory bounded by the configuration, and the refusal of an Env
// that is not the real file system.

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "weir/common/env.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

namespace fs = std::filesystem;
using Entries = std::vector<std::pair<std::string, std::string>>;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class RocksDbStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/weir_rocksdb_store_XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(tmpl));
    root_ = tmpl;
    dir_ = root_ + "/state/1/0";
    conf_.backend = "rocksdb";
    conf_.min_deltas_for_snapshot = 2;
    conf_.rocksdb_block_cache_bytes = 1 << 20;
    conf_.rocksdb_write_buffer_bytes = 1 << 20;
  }
  void TearDown() override {
    provider_.reset();
    fs::remove_all(root_);
  }

  // A new provider on dir_: a restart.
  void Reopen() {
    provider_.reset();
    Result<StateStoreProviderPtr> provider = MakeRocksDbProvider(Env::Default(), dir_, conf_);
    ASSERT_TRUE(provider.ok()) << provider.status();
    provider_ = *provider;
  }

  StateStorePtr Open(int64_t version) {
    Result<StateStorePtr> store = provider_->GetStore(version);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(store).ValueOrDie() : nullptr;
  }

  // Commits the next version with `puts` (and `removes`) written into it.
  void CommitNext(const Entries& puts, const std::vector<std::string>& removes = {}) {
    StateStorePtr store = Open(provider_->latest_version());
    ASSERT_NE(nullptr, store);
    for (const auto& [k, v] : puts) ASSERT_TRUE(store->Put(k, v).ok());
    for (const std::string& k : removes) ASSERT_TRUE(store->Remove(k).ok());
    Result<int64_t> v = store->Commit();
    ASSERT_TRUE(v.ok()) << v.status();
  }

  Entries All(int64_t version) {
    StateStorePtr store = Open(version);
    Entries out;
    if (store == nullptr) return out;
    EXPECT_TRUE(store
                    ->Iterate([&](std::string_view k, std::string_view v) {
                      out.emplace_back(k, v);
                      return true;
                    })
                    .ok());
    return out;
  }

  // Versions 1..4, each adding a key; with min_deltas_for_snapshot 2, snapshots of
  // versions 2 and 4.
  void CommitFourVersions() {
    Reopen();
    for (int v = 1; v <= 4; ++v) {
      CommitNext({{"key" + std::to_string(v), std::string(100, static_cast<char>('a' + v))}});
    }
  }

  // The name of one SST file of snapshot `version`.
  std::string SomeSst(int64_t version) {
    for (const auto& entry :
         fs::directory_iterator(dir_ + "/" + std::to_string(version) + ".rocksdb")) {
      if (entry.path().extension() == ".sst") return entry.path().filename().string();
    }
    ADD_FAILURE() << "no SST file in snapshot " << version;
    return "";
  }

  std::string root_;
  std::string dir_;
  StateStoreConf conf_;
  StateStoreProviderPtr provider_;
};

TEST_F(RocksDbStoreTest, NeedsARealFileSystem) {
  std::unique_ptr<Env> mem = NewMemEnv();
  Result<StateStoreProviderPtr> provider = MakeRocksDbProvider(mem.get(), dir_, conf_);
  ASSERT_FALSE(provider.ok());
  EXPECT_EQ(StatusCode::kInvalidArgument, provider.status().code()) << provider.status();
  EXPECT_NE(std::string::npos, provider.status().message().find("needs a real file system"))
      << provider.status();
  // And through the factory.
  EXPECT_EQ(StatusCode::kInvalidArgument,
            OpenStateStoreProvider(mem.get(), dir_, conf_).status().code());
}

TEST_F(RocksDbStoreTest, RefusesNoSnapshots) {
  conf_.min_deltas_for_snapshot = 0;
  EXPECT_EQ(StatusCode::kInvalidArgument,
            MakeRocksDbProvider(Env::Default(), dir_, conf_).status().code());
}

TEST_F(RocksDbStoreTest, SnapshotIsACheckpointWithAMarkerListingItsFiles) {
  CommitFourVersions();
  for (int64_t v : {1, 3}) {
    EXPECT_FALSE(fs::exists(dir_ + "/" + std::to_string(v) + ".rocksdb")) << v;
  }
  for (int64_t v : {2, 4}) {
    const std::string snapshot = dir_ + "/" + std::to_string(v) + ".rocksdb";
    ASSERT_TRUE(fs::is_directory(snapshot)) << snapshot;
    const std::string marker = ReadAll(snapshot + ".done");
    EXPECT_TRUE(marker.starts_with("weir rocksdb snapshot 1\nversion " + std::to_string(v) +
                                   "\nnum_keys " + std::to_string(v) + "\n"))
        << marker;
    // Every file of the checkpoint, with its size, and nothing else.
    int files = 0;
    for (const auto& entry : fs::directory_iterator(snapshot)) {
      const std::string line = "\nfile " + entry.path().filename().string() + " " +
                               std::to_string(entry.file_size()) + "\n";
      EXPECT_NE(std::string::npos, marker.find(line)) << line << " in " << marker;
      ++files;
    }
    EXPECT_GE(files, 3);  // CURRENT, MANIFEST, OPTIONS, SSTs
    EXPECT_NE(std::string::npos, marker.find(".sst ")) << marker;
  }
  // The changelogs of every version; no staging debris.
  for (int v = 1; v <= 4; ++v) EXPECT_TRUE(fs::exists(dir_ + "/" + std::to_string(v) + ".delta"));
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(std::string::npos, entry.path().filename().string().find(".tmp")) << entry.path();
  }
  EXPECT_TRUE(fs::exists(dir_ + "/working/CURRENT"));
}

// The checkpoint holds what was in the memtable (the WAL is off): a load from the
// snapshot alone, with every delta gone, has all of it.
TEST_F(RocksDbStoreTest, LoadsFromASnapshotAlone) {
  CommitFourVersions();
  ASSERT_TRUE(provider_->Purge(4).ok());
  provider_.reset();
  for (int v = 1; v <= 4; ++v) fs::remove(dir_ + "/" + std::to_string(v) + ".delta");
  EXPECT_FALSE(fs::exists(dir_ + "/2.rocksdb"));
  Reopen();
  EXPECT_EQ(4, provider_->latest_version());
  StateStorePtr store = Open(4);
  ASSERT_NE(nullptr, store);
  EXPECT_EQ(4, store->metrics().num_keys);  // from the marker
  std::string value;
  ASSERT_TRUE(*store->Get("key3", &value));
  EXPECT_EQ(std::string(100, 'd'), value);
  store.reset();
  EXPECT_EQ(4u, All(4).size());
}

TEST_F(RocksDbStoreTest, MissingSstIsDetected) {
  CommitFourVersions();
  provider_.reset();
  const std::string sst = SomeSst(4);
  fs::remove(dir_ + "/4.rocksdb/" + sst);
  Reopen();
  Status st = provider_->GetStore(4).status();
  EXPECT_TRUE(st.IsCorruption()) << st;
  EXPECT_NE(std::string::npos,
            st.message().find(dir_ + "/4.rocksdb is damaged: " + sst + " is missing"))
      << st;
  // Versions from the older snapshot still load.
  EXPECT_EQ(3u, All(3).size());
}

TEST_F(RocksDbStoreTest, TruncatedSstIsDetected) {
  CommitFourVersions();
  provider_.reset();
  const std::string sst = dir_ + "/2.rocksdb/" + SomeSst(2);
  const uintmax_t size = fs::file_size(sst);
  fs::resize_file(sst, size / 2);
  Reopen();
  Status st = provider_->GetStore(3).status();
  EXPECT_TRUE(st.IsCorruption()) << st;
  EXPECT_NE(std::string::npos, st.message().find(" has " + std::to_string(size / 2) +
                                                 " bytes, its marker says " + std::to_string(size)))
      << st;
}

TEST_F(RocksDbStoreTest, DamagedMarkerIsDetected) {
  CommitFourVersions();
  provider_.reset();
  const std::string marker = dir_ + "/4.rocksdb.done";
  std::string text = ReadAll(marker);
  text[text.find("num_keys 4") + 9] = '5';  // a count the checksum does not cover
  std::ofstream(marker, std::ios::binary | std::ios::trunc) << text;
  Reopen();
  Status st = provider_->GetStore(4).status();
  EXPECT_TRUE(st.IsCorruption()) << st;
  EXPECT_NE(std::string::npos, st.message().find(marker)) << st;
  EXPECT_NE(std::string::npos, st.message().find("checksum")) << st;
  // Cut short, too.
  provider_.reset();
  text = ReadAll(marker);
  std::ofstream(marker, std::ios::binary | std::ios::trunc) << text.substr(0, text.size() / 2);
  Reopen();
  st = provider_->GetStore(4).status();
  EXPECT_TRUE(st.IsCorruption()) << st;
}

// A crash may leave a snapshot staged (.<v>.rocksdb.tmp), renamed without its marker,
// or half deleted (marker gone first): none is used, and the first load removes them.
TEST_F(RocksDbStoreTest, InterruptedSnapshotsAreDebris) {
  CommitFourVersions();
  provider_.reset();
  fs::remove(dir_ + "/2.rocksdb.done");  // a purge interrupted
  fs::create_directories(dir_ + "/.5.rocksdb.tmp");
  fs::create_directories(dir_ + "/6.rocksdb");
  std::ofstream(dir_ + "/6.rocksdb/CURRENT") << "MANIFEST-000001\n";
  Reopen();
  EXPECT_EQ(4, provider_->latest_version());
  EXPECT_EQ(3u, All(3).size());  // from the deltas 1..3
  EXPECT_FALSE(fs::exists(dir_ + "/2.rocksdb"));
  EXPECT_FALSE(fs::exists(dir_ + "/.5.rocksdb.tmp"));
  EXPECT_FALSE(fs::exists(dir_ + "/6.rocksdb"));
  EXPECT_TRUE(fs::exists(dir_ + "/4.rocksdb"));
}

TEST_F(RocksDbStoreTest, OneProviderPerDirectory) {
  CommitFourVersions();
  Result<StateStoreProviderPtr> second = MakeRocksDbProvider(Env::Default(), dir_, conf_);
  ASSERT_TRUE(second.ok()) << second.status();
  Status st = (*second)->GetStore(4).status();
  EXPECT_TRUE(st.IsIoError()) << st;
  EXPECT_NE(std::string::npos, st.message().find("in use by another state store provider")) << st;
  // The first still works; once it is gone, the second loads.
  EXPECT_EQ(4u, All(4).size());
  provider_.reset();
  provider_ = *second;
  EXPECT_EQ(4u, All(4).size());
}

// A re-run from version 2 replaces versions 3 and 4, snapshot 4 included: the new
// version 4 gets a snapshot of its own, and a restart loads it.
TEST_F(RocksDbStoreTest, ReRunReplacesTheSnapshotsOfTheVersionsItForgets) {
  CommitFourVersions();
  {
    StateStorePtr store = Open(2);
    ASSERT_NE(nullptr, store);
    ASSERT_TRUE(store->Put("rerun", "3").ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  EXPECT_FALSE(fs::exists(dir_ + "/4.rocksdb"));
  EXPECT_FALSE(fs::exists(dir_ + "/4.rocksdb.done"));
  EXPECT_FALSE(fs::exists(dir_ + "/4.delta"));
  CommitNext({{"rerun", "4"}}, {"key1"});
  EXPECT_TRUE(fs::exists(dir_ + "/4.rocksdb.done"));
  Reopen();
  const Entries expected = {{"key2", std::string(100, 'c')}, {"rerun", "4"}};
  EXPECT_EQ(expected, All(4));
  // From the snapshot alone, too.
  provider_.reset();
  fs::remove(dir_ + "/3.delta");
  fs::remove(dir_ + "/4.delta");
  Reopen();
  EXPECT_EQ(expected, All(4));
}

// A load counts keys exactly both ways: by a lookup per delta item when the deltas
// are small beside the snapshot, by a scan when they are large (no snapshot at all).
// The deltas insert, overwrite, remove existing and missing keys, and put then remove
// keys in one epoch.
TEST_F(RocksDbStoreTest, LoadsCountKeysExactly) {
  for (const bool big_snapshot : {true, false}) {
    SCOPED_TRACE(big_snapshot ? "small deltas after a large snapshot" : "deltas alone");
    provider_.reset();
    fs::remove_all(dir_);
    conf_.min_deltas_for_snapshot = big_snapshot ? 1 : 1000;
    Reopen();
    std::map<std::string, std::string> model;
    auto value = [](int i, int v) {
      std::string out(200, '\0');
      for (size_t j = 0; j < out.size(); ++j)
        out[j] = static_cast<char>((i * 131 + j * 7 + v) * 2654435761u >> 13);
      return out;
    };
    {
      StateStorePtr store = Open(0);
      for (int i = 0; i < 3000; i += 2) {
        ASSERT_TRUE(store->Put("k" + std::to_string(i), value(i, 0)).ok());
        model["k" + std::to_string(i)] = value(i, 0);
      }
      ASSERT_TRUE(store->Commit().ok());
    }
    conf_.min_deltas_for_snapshot = 1000;
    Reopen();
    for (int v = 1; v <= 3; ++v) {
      StateStorePtr store = Open(v);
      ASSERT_NE(nullptr, store);
      for (int i = v; i < 40; i += 3) {
        const std::string key = "k" + std::to_string(i);
        switch (i % 4) {
          case 0:
          case 1:
            ASSERT_TRUE(store->Put(key, value(i, v)).ok());
            model[key] = value(i, v);
            break;
          case 2:
            ASSERT_TRUE(store->Remove(key).ok());
            model.erase(key);
            break;
          default:
            ASSERT_TRUE(store->Put(key, "temporary").ok());
            ASSERT_TRUE(store->Remove(key).ok());
            model.erase(key);
            break;
        }
      }
      ASSERT_EQ(std::ssize(model), store->metrics().num_keys);
      ASSERT_TRUE(store->Commit().ok());
    }
    Reopen();
    StateStorePtr store = Open(4);
    ASSERT_NE(nullptr, store);
    EXPECT_EQ(std::ssize(model), store->metrics().num_keys);
    Entries expected(model.begin(), model.end());
    store.reset();
    EXPECT_EQ(expected, All(4));
  }
}

// memory_used_bytes is RocksDB's memory (memtables, cached blocks, table readers),
// which the configuration bounds, not the size of the state.
TEST_F(RocksDbStoreTest, MemoryUsedIsBoundedByTheConfiguration) {
  Reopen();
  const std::string value(1000, 'v');
  for (int v = 0; v < 4; ++v) {
    StateStorePtr store = Open(v);
    ASSERT_NE(nullptr, store);
    for (int k = 0; k < 5000; ++k) {
      std::string key = "key" + std::to_string(v) + "-" + std::to_string(k);
      // Distinct values, so that compression does not shrink the state.
      std::string val = value;
      for (size_t i = 0; i < val.size(); i += 7) val[i] = static_cast<char>(k * 31 + i * 17 + v);
      ASSERT_TRUE(store->Put(key, val).ok());
    }
    ASSERT_TRUE(store->Commit().ok());
  }
  StateStorePtr store = Open(4);
  const StateStoreMetrics m = store->metrics();
  EXPECT_EQ(20000, m.num_keys);
  EXPECT_GT(m.memory_used_bytes, 0);
  // About 20 MB of state; two 1 MiB memtables, a 1 MiB cache, and the readers' slack.
  EXPECT_LT(m.memory_used_bytes, 6 << 20) << m.memory_used_bytes;
  int64_t n = 0;
  ASSERT_TRUE(store
                  ->Iterate([&](std::string_view, std::string_view v) {
                    n += v.size() == value.size();
                    return true;
                  })
                  .ok());
  EXPECT_EQ(20000, n);
  EXPECT_LT(store->metrics().memory_used_bytes, 6 << 20);
  // An epoch's changes count while they are pending.
  const int64_t before = store->metrics().memory_used_bytes;
  ASSERT_TRUE(store->Put("pending", std::string(100000, 'p')).ok());
  EXPECT_GE(store->metrics().memory_used_bytes, before + 100000);
}

}  // namespace
}  // namespace weir::state
