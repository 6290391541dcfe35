// How long a restarted query waits for its state: the time to restore one operator
// partition's state of 1M keys (16-byte keys, 32-byte values) from its checkpoint
// files, for each backend. The state is built through commits of 100K keys each
// (versions 1..10, the last with a snapshot), then 10 more versions each overwrite
// 100K keys without a snapshot. A restore is OpenStateStoreProvider on the directory,
// GetStore(version) and the first Get, timed from a dropped provider:
//
//   - from the snapshot alone (version 10), and
//   - from the snapshot and the 10 deltas after it (version 20).
//
// "memory" reads its snapshot file into the in-memory store; "rocksdb" hard-links the
// checkpoint's SST files into a fresh working directory and opens RocksDB, and
// replays a delta by looking up each key it writes (to keep the key count exact).
// The program prints the wall-clock seconds and keys/s of each, with the CPU seconds
// of the process (RocksDB's background flushes and compactions included), and the
// ratios rocksdb / memory of both (below 1: rocksdb restores faster). Each restore
// runs three times and the fastest counts. The files are in the page cache (they were
// just written): this is the CPU cost of a restore, not the disk's.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include <stdlib.h>

#include "weir/common/env.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

constexpr int kKeys = 1'000'000;
constexpr int kKeysPerCommit = 100'000;
constexpr int kSnapshotVersion = kKeys / kKeysPerCommit;  // 10
constexpr int kDeltasAfter = 10;
constexpr int kRuns = 3;

void Check(const Status& st, const char* what) {
  if (!st.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
    std::exit(1);
  }
}

std::string Key(int i) {
  char key[17];
  std::snprintf(key, sizeof(key), "key-%012d", i);
  return std::string(key, 16);
}

std::string Value(int i, int version) {
  char value[33];
  std::snprintf(value, sizeof(value), "val-%012d-ver-%011d", i, version);
  return std::string(value, 32);
}

StateStoreProviderPtr Provider(const std::string& dir, const StateStoreConf& conf) {
  Result<StateStoreProviderPtr> provider = OpenStateStoreProvider(Env::Default(), dir, conf);
  Check(provider.status(), "open provider");
  return *provider;
}

// Versions 1..10 insert the keys (a snapshot of version 10); versions 11..20 each
// overwrite 100K of them (no snapshot).
void Build(const std::string& dir, StateStoreConf conf) {
  conf.min_deltas_for_snapshot = kSnapshotVersion;
  StateStoreProviderPtr provider = Provider(dir, conf);
  auto commit = [&](int version, int first) {
    Result<StateStorePtr> store = provider->GetStore(version);
    Check(store.status(), "GetStore");
    for (int i = first; i < first + kKeysPerCommit; ++i) {
      Check((*store)->Put(Key(i), Value(i, version + 1)), "Put");
    }
    Check((*store)->Commit().status(), "Commit");
  };
  for (int v = 0; v < kSnapshotVersion; ++v) commit(v, v * kKeysPerCommit);
  provider.reset();
  conf.min_deltas_for_snapshot = 1000;
  provider = Provider(dir, conf);
  for (int v = kSnapshotVersion; v < kSnapshotVersion + kDeltasAfter; ++v) {
    commit(v, (v * 7919 % kSnapshotVersion) * kKeysPerCommit);
  }
}

double CpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Time {
  double wall = 1e9;
  double cpu = 1e9;
};

// The fastest of kRuns restores of `version`.
Time Restore(const std::string& dir, const StateStoreConf& conf, int64_t version) {
  Time best;
  for (int run = 0; run < kRuns; ++run) {
    const double cpu_start = CpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    StateStoreProviderPtr provider = Provider(dir, conf);
    Result<StateStorePtr> store = provider->GetStore(version);
    Check(store.status(), "GetStore");
    std::string value;
    Result<bool> found = (*store)->Get(Key(kKeys / 2), &value);
    Check(found.status(), "Get");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = CpuSeconds() - cpu_start;
    if (!*found || (*store)->metrics().num_keys != kKeys) {
      std::fprintf(stderr, "restored state of version %lld is wrong\n",
                   static_cast<long long>(version));  // NOLINT(runtime/int)
      std::exit(1);
    }
    best.wall = std::min(best.wall, seconds);
    best.cpu = std::min(best.cpu, cpu);
  }
  return best;
}

int Main() {
  char tmpl[] = "/tmp/weir_state_restore_XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return 1;
  const std::string root = tmpl;
  Time times[2][2];  // [backend][snapshot only, snapshot + deltas]
  const char* backends[2] = {"memory", "rocksdb"};
  const char* cases[2] = {"the snapshot:", "the snapshot + 10 deltas:"};
  for (int b = 0; b < 2; ++b) {
    StateStoreConf conf;
    conf.backend = backends[b];
    const std::string dir = root + "/" + backends[b] + "/state/0/0";
    Build(dir, conf);
    times[b][0] = Restore(dir, conf, kSnapshotVersion);
    times[b][1] = Restore(dir, conf, kSnapshotVersion + kDeltasAfter);
    for (int c = 0; c < 2; ++c) {
      std::printf("%-8s restore of %d keys from %-27s %7.3f s %7.2f M keys/s  (CPU %.3f s)\n",
                  backends[b], kKeys, cases[c], times[b][c].wall, kKeys / times[b][c].wall / 1e6,
                  times[b][c].cpu);
    }
  }
  for (int c = 0; c < 2; ++c) {
    std::printf("RATIO rocksdb/memory restore time from %-27s wall %.2f, CPU %.2f\n", cases[c],
                times[1][c].wall / times[0][c].wall, times[1][c].cpu / times[0][c].cpu);
  }
  for (int b = 0; b < 2; ++b) {
    std::printf(
        "RATIO %-7s restore time, snapshot + 10 deltas / snapshot only: wall %.2f, CPU %.2f\n",
        backends[b], times[b][1].wall / times[b][0].wall, times[b][1].cpu / times[b][0].cpu);
  }
  std::filesystem::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace weir::state

int main() { return weir::state::Main(); }
