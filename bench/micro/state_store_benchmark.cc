// The in-memory state store under a windowed aggregation's access pattern
// (exec/stateful_aggregate.cc): per epoch, a Get and a Put of each of 100K groups of
// the current window (in a shuffled order, as a hash table hands its groups out),
// then an Iterate from the start until the first key past the watermark, a Remove
// of the keys it saw, and a Commit. Keys are 40 bytes: an 8-byte big-endian window
// prefix (stateful operators prefix keys with an event time) and 32 bytes of group
// key; values are 12 bytes (a count's serialized state). The state holds two windows,
// 200K keys: when a new window starts, its first epoch inserts its 100K keys and the
// eviction removes the oldest window's.
//
// The argument is the epochs a window lasts: 1 makes every epoch insert a window and
// evict one (the worst case for an ordered index); 10 is the keyed tumbling-window
// count of window_benchmark (9 epochs in 10 only update existing groups).
//
// The baseline does the same Gets, Puts and evictions on a plain
// absl::flat_hash_map<std::string, std::string> (no order, no versions); the program
// prints the store's Get+Put rate and its ratio to the baseline's, measured in the
// same run. Both are single-threaded and timed in CPU time, which a loaded machine
// disturbs less than wall time.
//
// The durable in-memory store (weir.state.backend = memory) runs the same epochs
// twice: on the in-memory Env, timed in CPU time, which measures what durability
// costs the CPU (encoding and checksumming each epoch's delta, and a snapshot every
// 10 epochs); and on the POSIX Env in a temporary directory, timed in wall time,
// which adds the writes and fsyncs. Both purge the files older than the last
// snapshot after each epoch. The program prints their ratios to the in-memory store.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <benchmark/benchmark.h>

#include "weir/common/env.h"
#include "weir/state/state_store.h"

#include "ratio_reporter.h"

namespace weir {
namespace {

constexpr int kGroups = 100'000;  // groups of a window; each epoch updates all of them

// The 40-byte key of a group of a window: the window as a big-endian integer, then a
// group key with a long common prefix (what a string group key encodes to).
std::string Key(int64_t window, int group) {
  char key[41];
  for (int i = 0; i < 8; ++i) key[i] = static_cast<char>(window >> (56 - 8 * i));
  std::snprintf(key + 8, sizeof(key) - 8, "customer-%022d", group);
  return std::string(key, 40);
}

// The window's 8-byte prefix, as a 64-bit integer to compare.
int64_t WindowOf(std::string_view key) {
  int64_t w = 0;
  for (int i = 0; i < 8; ++i) w = (w << 8) | static_cast<unsigned char>(key[i]);
  return w;
}

// The order the groups are visited in, every epoch: shuffled once.
const std::vector<int>& GroupOrder() {
  static const std::vector<int>* order = [] {
    auto* v = new std::vector<int>(kGroups);
    std::iota(v->begin(), v->end(), 0);
    std::shuffle(v->begin(), v->end(), std::mt19937_64(42));
    return v;
  }();
  return *order;
}

// A count's state: a 4-byte length and an 8-byte count.
std::string Increment(const std::string* stored) {
  int64_t count = 0;
  if (stored != nullptr) std::memcpy(&count, stored->data() + 4, 8);
  ++count;
  std::string value(12, '\0');
  value[0] = 8;
  std::memcpy(value.data() + 4, &count, 8);
  return value;
}

// One epoch against the store; returns false on an error.
bool StoreEpoch(state::StateStoreProvider* provider, int64_t epoch,
                const std::vector<std::string>& keys_of_window, int64_t window) {
  Result<state::StateStorePtr> opened = provider->GetStore(epoch);
  if (!opened.ok()) return false;
  state::StateStore* store = opened->get();
  std::string stored;
  for (const std::string& key : keys_of_window) {
    Result<bool> found = store->Get(key, &stored);
    if (!found.ok()) return false;
    if (!store->Put(key, Increment(*found ? &stored : nullptr)).ok()) return false;
  }
  // The watermark trails by one window: evict what is older than the previous one.
  std::vector<std::string> evict;
  Status st = store->Iterate([&](std::string_view k, std::string_view) {
    if (WindowOf(k) >= window - 1) return false;
    evict.emplace_back(k);
    return true;
  });
  if (!st.ok()) return false;
  for (const std::string& k : evict) {
    if (!store->Remove(k).ok()) return false;
  }
  return store->Commit().ok();
}

// The keys of a window's groups in the order they are visited. Built once per window
// with the timer paused, so that both sides measure only the map's work.
std::vector<std::string> KeysOf(int64_t window) {
  std::vector<std::string> keys;
  keys.reserve(kGroups);
  for (int g : GroupOrder()) keys.push_back(Key(window, g));
  return keys;
}

// Runs the epochs against `provider`; with `purge`, purges after each epoch (what
// a durable provider's maintenance does).
void RunStore(benchmark::State& state, state::StateStoreProvider* provider, bool purge) {
  const int epochs_per_window = static_cast<int>(state.range(0));
  int64_t epoch = 0;
  auto run_window = [&](const std::vector<std::string>& keys, int64_t window) {
    for (int e = 0; e < epochs_per_window; ++e, ++epoch) {
      if (!StoreEpoch(provider, epoch, keys, window)) return false;
      if (purge && !provider->Purge(epoch + 1).ok()) return false;
    }
    return true;
  };
  // Warm up to the steady state: two windows held.
  int64_t window = 0;
  for (; window < 3; ++window) {
    if (!run_window(KeysOf(window), window)) {
      state.SkipWithError("the store failed");
      return;
    }
  }
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<std::string> keys = KeysOf(window);
    state.ResumeTiming();
    if (!run_window(keys, window++)) {
      state.SkipWithError("the store failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * epochs_per_window * kGroups);
  state::StateStorePtr store = provider->GetStore(epoch).ValueOrDie();
  const state::StateStoreMetrics m = store->metrics();
  state.counters["keys"] = static_cast<double>(m.num_keys);
  state.counters["bytes_per_key"] =
      m.num_keys > 0 ? static_cast<double>(m.memory_used_bytes) / static_cast<double>(m.num_keys)
                     : 0;
}

void BM_InMemoryStore(benchmark::State& state) {
  state::StateStoreProviderPtr provider = state::MakeInMemoryStateStoreProvider();
  RunStore(state, provider.get(), /*purge=*/false);
}

void BM_DurableStoreMemEnv(benchmark::State& state) {
  std::unique_ptr<Env> env = NewMemEnv();
  Result<state::StateStoreProviderPtr> provider =
      state::MakeDurableInMemoryProvider(env.get(), "/state/0/0", state::StateStoreConf());
  if (!provider.ok()) {
    state.SkipWithError(provider.status().ToString().c_str());
    return;
  }
  RunStore(state, provider->get(), /*purge=*/true);
}

void BM_DurableStorePosix(benchmark::State& state) {
  char dir[] = "/tmp/weir_state_store_benchmark_XXXXXX";
  if (::mkdtemp(dir) == nullptr) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  {
    Result<state::StateStoreProviderPtr> provider = state::MakeDurableInMemoryProvider(
        Env::Default(), std::string(dir) + "/0/0", state::StateStoreConf());
    if (provider.ok()) {
      RunStore(state, provider->get(), /*purge=*/true);
    } else {
      state.SkipWithError(provider.status().ToString().c_str());
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void BM_FlatHashMap(benchmark::State& state) {
  const int epochs_per_window = static_cast<int>(state.range(0));
  absl::flat_hash_map<std::string, std::string> map;
  auto run_window = [&](const std::vector<std::string>& keys,
                        const std::vector<std::string>& evicted) {
    for (int e = 0; e < epochs_per_window; ++e) {
      std::string stored;
      for (const std::string& key : keys) {
        auto it = map.find(key);
        const bool found = it != map.end();
        if (found) stored = it->second;
        map.insert_or_assign(key, Increment(found ? &stored : nullptr));
      }
      // The baseline knows which keys are behind the watermark without a scan.
      if (e == 0) {
        for (const std::string& key : evicted) map.erase(key);
      }
    }
  };
  int64_t window = 0;
  for (; window < 3; ++window) {
    run_window(KeysOf(window), window >= 2 ? KeysOf(window - 2) : std::vector<std::string>());
  }
  for (auto _ : state) {
    state.PauseTiming();
    const std::vector<std::string> keys = KeysOf(window);
    const std::vector<std::string> evicted = KeysOf(window - 2);
    state.ResumeTiming();
    run_window(keys, evicted);
    ++window;
  }
  state.SetItemsProcessed(state.iterations() * epochs_per_window * kGroups);
  state.counters["keys"] = static_cast<double>(map.size());
}

BENCHMARK(BM_InMemoryStore)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_FlatHashMap)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_DurableStoreMemEnv)->Arg(1)->Arg(10)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_DurableStorePosix)
    ->Arg(1)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();

}  // namespace
}  // namespace weir

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  weir::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf(
      "\nin-memory state store, epochs of 100K Get+Put of 40-byte keys on 200K keys, "
      "then Iterate-until, Remove, Commit:\n");
  for (const char* arg : {"1", "10"}) {
    const double store = reporter.Rate(std::string("BM_InMemoryStore/") + arg);
    const double base = reporter.Rate(std::string("BM_FlatHashMap/") + arg);
    if (store <= 0 || base <= 0) continue;
    std::printf(
        "  window of %2s epoch%s  store %6.2f M Get+Put/s   flat_hash_map %6.2f M/s   "
        "ratio %.2fx   %5.1f state bytes per key\n",
        arg, arg[1] == '\0' && arg[0] == '1' ? " " : "s", store / 1e6, base / 1e6, store / base,
        reporter.Counter(std::string("BM_InMemoryStore/") + arg, "bytes_per_key"));
  }
  std::printf(
      "\ndurable in-memory state store (a delta per epoch, a snapshot every 10), the same "
      "epochs:\n");
  for (const char* arg : {"1", "10"}) {
    const double store = reporter.Rate(std::string("BM_InMemoryStore/") + arg);
    const double mem = reporter.Rate(std::string("BM_DurableStoreMemEnv/") + arg);
    const double posix = reporter.Rate(std::string("BM_DurableStorePosix/") + arg);
    if (store <= 0 || mem <= 0 || posix <= 0) continue;
    // Per epoch: 100K Get+Put.
    const double ms = 1e3 * weir::kGroups;
    std::printf(
        "  window of %2s epoch%s  mem Env (CPU) %6.2f M/s ratio %.2fx (+%.1f ms/epoch)   "
        "POSIX Env (wall) %6.2f M/s ratio %.2fx (+%.1f ms/epoch)\n",
        arg, arg[1] == '\0' && arg[0] == '1' ? " " : "s", mem / 1e6, mem / store,
        ms / mem - ms / store, posix / 1e6, posix / store, ms / posix - ms / store);
  }
  benchmark::Shutdown();
  return 0;
}
