// State larger than memory with the RocksDB backend: about 200 MB of state written
// over 40 epochs by a store whose RocksDB has a 1 MiB block cache and 1 MiB write
// buffers. The process's resident memory must grow by far less than the state (the
// state lives in SST files, not in the heap), and every value must read back
// correctly, before and after a restart that loads the state from its snapshot.
//
// The values are pseudo-random (incompressible), so the SST files are as large as
// the state and no compression hides a heap-resident copy. Resident memory is read
// from /proc/self/statm; the bound leaves room for the epoch's pending changes (5 MB),
// RocksDB's memtables, cache and compaction buffers, and malloc keeping freed memory,
// while a backend that kept the state in memory would exceed it four times over.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "weir/common/env.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

constexpr int kEpochs = 40;
constexpr int kKeysPerEpoch = 5000;
constexpr size_t kValueBytes = 1000;
constexpr int64_t kStateBytes = int64_t{kEpochs} * kKeysPerEpoch * kValueBytes;  // 200 MB

int64_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  long size = 0, resident = 0;  // NOLINT(runtime/int): statm's format
  const int n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  return n == 2 ? static_cast<int64_t>(resident) * ::sysconf(_SC_PAGESIZE) : -1;
}

std::string Key(int i) {
  char key[16];
  std::snprintf(key, sizeof(key), "k%09d", i);
  return key;
}

// The value of key i: pseudo-random bytes from i (splitmix64).
std::string Value(int i) {
  std::string value(kValueBytes, '\0');
  uint64_t x = static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ULL + 1;
  for (size_t at = 0; at < value.size(); at += 8) {
    x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    std::memcpy(value.data() + at, &z, std::min<size_t>(8, value.size() - at));
  }
  return value;
}

class RocksDbLargeStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/weir_rocksdb_large_XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(tmpl));
    root_ = tmpl;
    conf_.backend = "rocksdb";
    conf_.min_deltas_for_snapshot = 10;
    conf_.rocksdb_block_cache_bytes = 1 << 20;
    conf_.rocksdb_write_buffer_bytes = 1 << 20;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  StateStoreProviderPtr OpenProvider() {
    Result<StateStoreProviderPtr> provider =
        OpenStateStoreProvider(Env::Default(), root_ + "/state/0/0", conf_);
    EXPECT_TRUE(provider.ok()) << provider.status();
    return provider.ok() ? *provider : nullptr;
  }

  // Checks every key: a full scan in key order, and point reads in a random order.
  void CheckAll(StateStore* store) {
    int next = 0;
    int wrong = 0;
    ASSERT_TRUE(store
                    ->Iterate([&](std::string_view k, std::string_view v) {
                      if (k != Key(next) || v != Value(next)) ++wrong;
                      ++next;
                      return true;
                    })
                    .ok());
    EXPECT_EQ(kEpochs * kKeysPerEpoch, next);
    EXPECT_EQ(0, wrong);
    std::mt19937 rng(42);
    std::string value;
    for (int n = 0; n < 20000; ++n) {
      const int i = static_cast<int>(rng() % (kEpochs * kKeysPerEpoch));
      Result<bool> found = store->Get(Key(i), &value);
      ASSERT_TRUE(found.ok()) << found.status();
      ASSERT_TRUE(*found) << Key(i);
      ASSERT_EQ(Value(i), value) << Key(i);
    }
    EXPECT_EQ(kEpochs * kKeysPerEpoch, store->metrics().num_keys);
  }

  std::string root_;
  StateStoreConf conf_;
};

TEST_F(RocksDbLargeStateTest, StateLargerThanMemory) {
  StateStoreProviderPtr provider = OpenProvider();
  ASSERT_NE(nullptr, provider);
  {
    // RocksDB's threads and first allocations belong to the baseline.
    Result<StateStorePtr> store = provider->GetStore(0);
    ASSERT_TRUE(store.ok()) << store.status();
    (*store)->Abort();
  }
  const int64_t baseline = ResidentBytes();
  ASSERT_GT(baseline, 0);
  int64_t peak = baseline;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    Result<StateStorePtr> store = provider->GetStore(epoch);
    ASSERT_TRUE(store.ok()) << store.status();
    // Keys interleave across epochs (epoch e writes e, e + 40, ...), so that every
    // epoch's keys spread over the whole key range and compactions merge them.
    for (int j = 0; j < kKeysPerEpoch; ++j) {
      const int i = j * kEpochs + epoch;
      ASSERT_TRUE((*store)->Put(Key(i), Value(i)).ok());
    }
    ASSERT_TRUE((*store)->Commit().ok());
    peak = std::max(peak, ResidentBytes());
  }
  {
    Result<StateStorePtr> store = provider->GetStore(kEpochs);
    ASSERT_TRUE(store.ok()) << store.status();
    CheckAll(store->get());
    EXPECT_LT((*store)->metrics().memory_used_bytes, 8 << 20);
  }
  peak = std::max(peak, ResidentBytes());
  const int64_t growth = peak - baseline;
  std::printf("state %.0f MB; resident memory grew by %.1f MB (baseline %.1f MB)\n",
              kStateBytes / 1e6, growth / 1e6, baseline / 1e6);
  EXPECT_LT(growth, kStateBytes / 4);

  // After a restart: the state loads from snapshot 40 (hard links, no copy of the
  // data through memory).
  provider.reset();
  provider = OpenProvider();
  ASSERT_NE(nullptr, provider);
  Result<StateStorePtr> store = provider->GetStore(kEpochs);
  ASSERT_TRUE(store.ok()) << store.status();
  CheckAll(store->get());
  const int64_t after_restart = ResidentBytes() - baseline;
  std::printf("after a restart and a full read: %.1f MB over the baseline\n", after_restart / 1e6);
  EXPECT_LT(after_restart, kStateBytes / 4);
}

}  // namespace
}  // namespace weir::state
