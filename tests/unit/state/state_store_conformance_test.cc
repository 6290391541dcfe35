// What every durable state store backend does, run against each of them
// (weir.state.backend "memory" and "rocksdb", through OpenStateStoreProvider): reads
// and writes of an epoch, commit and abort, ordered scans over the bytes that trip
// signed comparisons, versions (older ones reopened, a re-run's commit forgetting the
// newer ones), exact key counts, purges, restarts from the files (a new provider on
// the same directory, at the latest and at older versions, from snapshots and
// deltas), a failed changelog write, a power loss, and a randomized comparison against
// a std::map model across restarts.

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "weir/common/env.h"
#include "weir/common/fault_injection_env.h"
#include "weir/state/in_memory_store_internal.h"
#include "weir/state/state_store.h"

namespace weir::state {
namespace {

using namespace std::string_literals;  // NOLINT(build/namespaces): "a\0b"s keeps its NUL
using Entries = std::vector<std::pair<std::string, std::string>>;
using Model = std::map<std::string, std::string>;  // std::string orders as unsigned bytes

StateStorePtr Open(StateStoreProvider* provider, int64_t version) {
  Result<StateStorePtr> store = provider->GetStore(version);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(store).ValueOrDie() : nullptr;
}

// The value of `key`, or "NOT_FOUND".
std::string Read(StateStore* store, std::string_view key) {
  std::string value = "stale";
  Result<bool> found = store->Get(key, &value);
  EXPECT_TRUE(found.ok()) << found.status();
  if (!found.ok()) return "ERROR";
  return *found ? value : "NOT_FOUND";
}

Entries Scan(StateStore* store, std::string_view prefix) {
  Entries out;
  Status st = store->PrefixScan(prefix, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

Entries All(StateStore* store) {
  Entries out;
  Status st = store->Iterate([&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

Entries WithPrefix(const Model& model, std::string_view prefix) {
  Entries out;
  for (const auto& [k, v] : model) {
    if (std::string_view(k).starts_with(prefix)) out.emplace_back(k, v);
  }
  return out;
}

void Put(StateStore* store, std::string_view key, std::string_view value) {
  Status st = store->Put(key, value);
  ASSERT_TRUE(st.ok()) << st;
}

// PutSwap of a copy of `value`; the buffer it hands back is then scribbled over and
// reused, as a caller that serializes into one buffer does: the stored value must
// not share it.
void PutSwap(StateStore* store, std::string_view key, std::string_view value) {
  std::string buffer(value);
  Status st = store->PutSwap(key, &buffer);
  ASSERT_TRUE(st.ok()) << st;
  buffer.assign(40, 'x');
  buffer.clear();
  buffer.append("scribbled over by the next value");
}

void Remove(StateStore* store, std::string_view key) {
  Status st = store->Remove(key);
  ASSERT_TRUE(st.ok()) << st;
}

int64_t Commit(StateStore* store) {
  Result<int64_t> v = store->Commit();
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : -1;
}

// Commits a store opened at the latest version with `puts` and `removes` written into it.
int64_t CommitNext(StateStoreProvider* provider, const Entries& puts,
                   const std::vector<std::string>& removes = {}) {
  StateStorePtr store = Open(provider, provider->latest_version());
  if (store == nullptr) return -1;
  for (const auto& [k, v] : puts) Put(store.get(), k, v);
  for (const std::string& k : removes) Remove(store.get(), k);
  return Commit(store.get());
}

// Keys around the bytes that trip signed comparisons and prefix arithmetic.
const Model& ByteKeys() {
  static const Model* keys = new Model{
      {""s, "empty"},
      {"\x00"s, "nul"},
      {"\x00\x00"s, "nul nul"},
      {"a"s, "a"},
      {"a\x00"s, "a nul"},
      {"a\x00b"s, "a nul b"},
      {"a\x7f"s, "a 7f"},
      {"a\x80"s, "a 80"},
      {"a\xff"s, "a ff"},
      {"a\xff\xff"s, "a ff ff"},
      {"ab"s, "ab"},
      {"b"s, "b"},
      {"\x7f"s, "7f"},
      {"\x80"s, "80"},
      {"\xff"s, "ff"},
      {"\xff\x00"s, "ff nul"},
      {"\xff\xff"s, "ff ff"},
  };
  return *keys;
}

const std::vector<std::string>& Prefixes() {
  static const std::vector<std::string>* prefixes = new std::vector<std::string>{
      ""s,  "\x00"s, "\x00\x00"s, "a"s,    "a\x00"s,    "a\xff"s,        "a\xff\xff"s, "a\x7f"s,
      "b"s, "\x7f"s, "\x80"s,     "\xff"s, "\xff\xff"s, "\xff\xff\xff"s, "c"s,         "ab"s,
  };
  return *prefixes;
}

// A provider of the backend GetParam() over a fresh directory, reopened on demand as
// a restarted query would.
class StateStoreConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/weir_state_conformance_XXXXXX";
    ASSERT_NE(nullptr, mkdtemp(tmpl));
    root_ = tmpl;
    dir_ = root_ + "/state/0/0";
    conf_.backend = GetParam();
    conf_.min_deltas_for_snapshot = 3;
    conf_.rocksdb_block_cache_bytes = 1 << 20;
    conf_.rocksdb_write_buffer_bytes = 1 << 20;
    Reopen();
  }
  void TearDown() override {
    provider_.reset();
    std::filesystem::remove_all(root_);
  }

  // Drops the provider and opens a new one on the same directory: a restart.
  void Reopen(Env* env = Env::Default()) {
    provider_.reset();
    Result<StateStoreProviderPtr> provider = OpenStateStoreProvider(env, dir_, conf_);
    ASSERT_TRUE(provider.ok()) << provider.status();
    provider_ = *provider;
  }

  // An Env over the real file system that fails chosen operations and loses power;
  // it outlives the provider (TearDown drops the provider first).
  FaultInjectionEnv* FaultEnv() {
    if (fault_env_ == nullptr) fault_env_ = std::make_unique<FaultInjectionEnv>(Env::Default());
    return fault_env_.get();
  }

  std::unique_ptr<FaultInjectionEnv> fault_env_;
  std::string root_;
  std::string dir_;
  StateStoreConf conf_;
  StateStoreProviderPtr provider_;
};

TEST_P(StateStoreConformanceTest, StartsEmptyAtVersionZero) {
  EXPECT_EQ(0, provider_->latest_version());
  StateStorePtr store = Open(provider_.get(), 0);
  ASSERT_NE(nullptr, store);
  EXPECT_EQ(0, store->version());
  EXPECT_FALSE(store->committed());
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "foo"));
  EXPECT_EQ(Entries{}, All(store.get()));
  EXPECT_EQ(0, store->metrics().num_keys);
}

TEST_P(StateStoreConformanceTest, GetPutRemoveOverwrite) {
  StateStorePtr store = Open(provider_.get(), 0);
  Put(store.get(), "foo", "v1");
  EXPECT_EQ("v1", Read(store.get(), "foo"));
  Put(store.get(), "foo", "a much longer value that does not fit in a small string");
  EXPECT_EQ("a much longer value that does not fit in a small string", Read(store.get(), "foo"));
  Put(store.get(), "foo", "v3");
  EXPECT_EQ("v3", Read(store.get(), "foo"));
  Put(store.get(), "", "empty key");
  Put(store.get(), "bar", "");
  EXPECT_EQ("empty key", Read(store.get(), ""));
  EXPECT_EQ("", Read(store.get(), "bar"));
  Remove(store.get(), "foo");
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "foo"));
  Remove(store.get(), "never-there");  // not an error
  EXPECT_EQ(1, Commit(store.get()));
  EXPECT_TRUE(store->committed());

  store = Open(provider_.get(), 1);
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "foo"));
  EXPECT_EQ("empty key", Read(store.get(), ""));
  EXPECT_EQ("", Read(store.get(), "bar"));
  Put(store.get(), "bar", "now set");
  Remove(store.get(), "");
  EXPECT_EQ("now set", Read(store.get(), "bar"));
  EXPECT_EQ("NOT_FOUND", Read(store.get(), ""));
  EXPECT_EQ(2, Commit(store.get()));

  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"bar", "now set"}}), All(store.get()));
  store.reset();
  Reopen();
  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"bar", "now set"}}), All(store.get()));
}

// PutSwap is Put taking the caller's buffer: a new key, a key of the base, a key
// the epoch already wrote or removed; values longer and shorter than a small
// string's inline buffer; the view, the metrics, abort and commit, and a restart.
TEST_P(StateStoreConformanceTest, PutSwapIsPut) {
  const std::string long_a(100, 'a'), long_b = "b" + std::string(70, 'B');
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"base", "old"}, {"gone", "x"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  const int64_t bytes0 = store->metrics().memory_used_bytes;
  PutSwap(store.get(), "new", long_a);
  PutSwap(store.get(), "base", long_b);
  PutSwap(store.get(), "short", "s");
  EXPECT_EQ(long_a, Read(store.get(), "new"));
  EXPECT_EQ(long_b, Read(store.get(), "base"));
  EXPECT_EQ("s", Read(store.get(), "short"));
  PutSwap(store.get(), "new", "second");  // written twice in one epoch
  Remove(store.get(), "gone");
  PutSwap(store.get(), "gone", long_a);  // removed, then put back
  Put(store.get(), "short", long_b);     // a plain Put after a PutSwap
  PutSwap(store.get(), "short", "t");
  const Entries expected = {{"base", long_b}, {"gone", long_a}, {"new", "second"}, {"short", "t"}};
  EXPECT_EQ(expected, All(store.get()));
  EXPECT_EQ(4, store->metrics().num_keys);
  if (GetParam() == "memory") {
    // The in-memory backend counts each entry's EntryBytes exactly: the four
    // entries now against the two before.
    auto bytes = [](const Entries& entries) {
      int64_t n = 0;
      for (const auto& [k, v] : entries) n += internal::EntryBytes(k, v);
      return n;
    };
    EXPECT_EQ(bytes0 - bytes({{"base", "old"}, {"gone", "x"}}) + bytes(expected),
              store->metrics().memory_used_bytes);
  }
  store->Abort();
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"base", "old"}, {"gone", "x"}}), All(store.get()));
  PutSwap(store.get(), "new", long_a);
  PutSwap(store.get(), "base", long_b);
  PutSwap(store.get(), "short", "s");
  Remove(store.get(), "gone");
  ASSERT_EQ(2, Commit(store.get()));
  const Entries committed = {{"base", long_b}, {"new", long_a}, {"short", "s"}};
  store = Open(provider_.get(), 2);
  EXPECT_EQ(committed, All(store.get()));
  EXPECT_EQ(long_a, Read(store.get(), "new"));
  // The next epoch changes a key the last one added (its value already in place).
  PutSwap(store.get(), "new", "third");
  ASSERT_EQ(3, Commit(store.get()));
  store.reset();
  Reopen();
  store = Open(provider_.get(), 2);
  EXPECT_EQ(committed, All(store.get()));
  store->Abort();
  store = Open(provider_.get(), 3);
  EXPECT_EQ((Entries{{"base", long_b}, {"new", "third"}, {"short", "s"}}), All(store.get()));
}

// ReserveKeys changes nothing the store holds or will hold, whether more or fewer
// keys follow than it announced, and even after the store closed.
TEST_P(StateStoreConformanceTest, ReserveKeysIsOnlyAHint) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}, {"b", "2"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  store->ReserveKeys(3);
  Model model = {{"a", "1"}, {"b", "2"}};
  for (int i = 0; i < 1000; ++i) {  // far more than announced: the table still grows
    const std::string key = "k" + std::to_string(i);
    Put(store.get(), key, key);
    model[key] = key;
  }
  store->ReserveKeys(100000);
  Put(store.get(), "a", "changed");
  model["a"] = "changed";
  EXPECT_EQ(WithPrefix(model, ""), All(store.get()));
  EXPECT_EQ(1002, store->metrics().num_keys);
  ASSERT_EQ(2, Commit(store.get()));
  store->ReserveKeys(10);  // after the commit: ignored
  store = Open(provider_.get(), 2);
  store->ReserveKeys(0);
  EXPECT_EQ(WithPrefix(model, ""), All(store.get()));
  store.reset();
  Reopen();
  store = Open(provider_.get(), 2);
  EXPECT_EQ(WithPrefix(model, ""), All(store.get()));
}

// Prefetch changes nothing: keys held or not, before a Get or Put of them or not,
// after the store closed.
TEST_P(StateStoreConformanceTest, PrefetchIsOnlyAHint) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}, {"b", "2"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Model model = {{"a", "1"}, {"b", "2"}};
  for (int i = 0; i < 300; ++i) {
    const std::string key = "k" + std::to_string(i);
    store->Prefetch(key);
    store->Prefetch("k" + std::to_string(i + 8));
    store->Prefetch("a");
    std::string value = "untouched";
    ASSERT_FALSE(*store->Get(key, &value));
    EXPECT_EQ("untouched", value);
    Put(store.get(), key, key);
    model[key] = key;
  }
  std::string value;
  ASSERT_TRUE(*store->Get("a", &value));
  EXPECT_EQ("1", value);
  EXPECT_EQ(WithPrefix(model, ""), All(store.get()));
  ASSERT_EQ(2, Commit(store.get()));
  store->Prefetch("a");  // after the commit
  store = Open(provider_.get(), 2);
  EXPECT_EQ(WithPrefix(model, ""), All(store.get()));
}

TEST_P(StateStoreConformanceTest, GetLeavesValueAloneWhenMissing) {
  StateStorePtr store = Open(provider_.get(), 0);
  std::string value = "untouched";
  Result<bool> found = store->Get("missing", &value);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
  EXPECT_EQ("untouched", value);
}

TEST_P(StateStoreConformanceTest, ChangesAreVisibleBeforeCommitOnlyInTheStore) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "b", "2");
  Remove(store.get(), "a");
  EXPECT_EQ("2", Read(store.get(), "b"));
  EXPECT_EQ((Entries{{"b", "2"}}), All(store.get()));
  EXPECT_EQ(1, provider_->latest_version());
}

TEST_P(StateStoreConformanceTest, AbortAndDestroyDropTheChanges) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "a", "changed");
  Put(store.get(), "b", "2");
  store->Abort();
  EXPECT_FALSE(store->committed());
  store->Abort();  // idempotent
  EXPECT_EQ(1, provider_->latest_version());
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
  EXPECT_EQ(1, store->metrics().num_keys);
  Put(store.get(), "a", "changed");
  Remove(store.get(), "a");
  Put(store.get(), "b", "2");
  store.reset();  // destroyed uncommitted
  EXPECT_EQ(1, provider_->latest_version());
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
  store.reset();
  Reopen();
  EXPECT_EQ(1, provider_->latest_version());
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
}

TEST_P(StateStoreConformanceTest, StoreCannotBeUsedAfterCommitOrAbort) {
  StateStorePtr store = Open(provider_.get(), 0);
  Put(store.get(), "a", "1");
  ASSERT_EQ(1, Commit(store.get()));
  std::string value;
  EXPECT_TRUE(store->Get("a", &value).status().IsInternal());
  EXPECT_TRUE(store->Put("a", "2").IsInternal());
  EXPECT_TRUE(store->Remove("a").IsInternal());
  EXPECT_TRUE(store->Iterate([](std::string_view, std::string_view) { return true; }).IsInternal());
  EXPECT_TRUE(store->Commit().status().IsInternal());
  store->Abort();  // no effect after a commit
  EXPECT_TRUE(store->committed());
  EXPECT_EQ(1, provider_->latest_version());

  store = Open(provider_.get(), 1);
  store->Abort();
  EXPECT_TRUE(store->Put("a", "2").IsInternal());
  EXPECT_TRUE(store->Commit().status().IsInternal());
  EXPECT_EQ(1, provider_->latest_version());
}

TEST_P(StateStoreConformanceTest, OneOpenStoreAtATime) {
  StateStorePtr store = Open(provider_.get(), 0);
  Result<StateStorePtr> second = provider_->GetStore(0);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsInternal()) << second.status();
  EXPECT_NE(std::string::npos, second.status().message().find("still open"));
  ASSERT_EQ(1, Commit(store.get()));
  store = Open(provider_.get(), 1);
  ASSERT_NE(nullptr, store);
  store->Abort();
  store = Open(provider_.get(), 1);
  ASSERT_NE(nullptr, store);
}

TEST_P(StateStoreConformanceTest, StoreOutlivesItsProvider) {
  StateStorePtr store = Open(provider_.get(), 0);
  provider_.reset();
  Put(store.get(), "a", "1");
  EXPECT_EQ(1, Commit(store.get()));
  store.reset();
  Reopen();
  EXPECT_EQ(1, provider_->latest_version());
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
}

TEST_P(StateStoreConformanceTest, MaintenanceRunsWhileAStoreIsInUse) {
  std::atomic<bool> stop{false};
  std::thread maintenance([&] {
    while (!stop.load()) {
      const int64_t latest = provider_->latest_version();
      Status st = provider_->Purge(latest - 1);
      EXPECT_TRUE(st.ok()) << st;
    }
  });
  for (int epoch = 0; epoch < 60; ++epoch) {
    StateStorePtr store = Open(provider_.get(), epoch);
    ASSERT_NE(nullptr, store);
    EXPECT_EQ(epoch == 0 ? "NOT_FOUND" : std::to_string(epoch - 1), Read(store.get(), "k"));
    Put(store.get(), "k", std::to_string(epoch));
    ASSERT_EQ(epoch + 1, Commit(store.get()));
  }
  stop = true;
  maintenance.join();
  Reopen();
  StateStorePtr store = Open(provider_.get(), 60);
  EXPECT_EQ("59", Read(store.get(), "k"));
}

TEST_P(StateStoreConformanceTest, PrefixScansMergeBaseAndDelta) {
  // Every other key committed, the rest written in the epoch, and some of the
  // committed ones removed or overwritten.
  Entries committed;
  Model model;
  bool odd = false;
  for (const auto& [k, v] : ByteKeys()) {
    if ((odd = !odd)) committed.emplace_back(k, v);
  }
  ASSERT_EQ(1, CommitNext(provider_.get(), committed));
  StateStorePtr store = Open(provider_.get(), 1);
  odd = false;
  int i = 0;
  for (const auto& [k, v] : ByteKeys()) {
    ++i;
    if ((odd = !odd)) {
      if (i % 3 == 0) {
        Remove(store.get(), k);
        continue;
      }
      if (i % 3 == 1) {
        Put(store.get(), k, v + " overwritten");
        model[k] = v + " overwritten";
        continue;
      }
    } else {
      Put(store.get(), k, v);
    }
    model[k] = v;
  }
  for (const std::string& prefix : Prefixes()) {
    EXPECT_EQ(WithPrefix(model, prefix), Scan(store.get(), prefix))
        << "prefix of " << prefix.size() << " bytes";
  }
  EXPECT_EQ(2, Commit(store.get()));
  store.reset();
  Reopen();  // and once more from the files
  store = Open(provider_.get(), 2);
  for (const std::string& prefix : Prefixes()) {
    EXPECT_EQ(WithPrefix(model, prefix), Scan(store.get(), prefix))
        << "prefix of " << prefix.size() << " bytes";
  }
  EXPECT_EQ(std::ssize(model), store->metrics().num_keys);
}

TEST_P(StateStoreConformanceTest, IterateOrdersKeysAsUnsignedBytes) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"\x80"s, "base"}, {"\x01"s, "base"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "\x7f"s, "delta");
  Put(store.get(), "\xff"s, "delta");
  Put(store.get(), "\x00"s, "delta");
  EXPECT_EQ((Entries{{"\x00"s, "delta"},
                     {"\x01"s, "base"},
                     {"\x7f"s, "delta"},
                     {"\x80"s, "base"},
                     {"\xff"s, "delta"}}),
            All(store.get()));
}

TEST_P(StateStoreConformanceTest, ScanStopsWhenTheVisitorSaysSo) {
  StateStorePtr store = Open(provider_.get(), 0);
  for (const char* k : {"a1", "a2", "a3", "b1"}) Put(store.get(), k, "v");
  std::vector<std::string> seen;
  ASSERT_TRUE(store
                  ->PrefixScan("a",
                               [&](std::string_view k, std::string_view) {
                                 seen.emplace_back(k);
                                 return seen.size() < 2;
                               })
                  .ok());
  EXPECT_EQ((std::vector<std::string>{"a1", "a2"}), seen);
}

TEST_P(StateStoreConformanceTest, VisitorMayReadButNotWrite) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "b", "2");
  Status put_status, remove_status;
  std::string read;
  ASSERT_TRUE(store
                  ->Iterate([&](std::string_view k, std::string_view) {
                    put_status = store->Put(k, "changed");
                    remove_status = store->Remove(k);
                    read += Read(store.get(), k);
                    EXPECT_EQ(2u, Scan(store.get(), "").size());  // nested scans are fine
                    return true;
                  })
                  .ok());
  EXPECT_TRUE(put_status.IsInternal()) << put_status;
  EXPECT_TRUE(remove_status.IsInternal()) << remove_status;
  EXPECT_EQ("12", read);
  EXPECT_EQ(2, Commit(store.get()));  // writable again after the scan
}

TEST_P(StateStoreConformanceTest, RemoveThenPutInOneEpoch) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Remove(store.get(), "a");
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "a"));
  Put(store.get(), "a", "2");
  EXPECT_EQ("2", Read(store.get(), "a"));
  Put(store.get(), "b", "1");
  Remove(store.get(), "b");
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "b"));
  EXPECT_EQ((Entries{{"a", "2"}}), All(store.get()));
  EXPECT_EQ(1, store->metrics().num_keys);
  ASSERT_EQ(2, Commit(store.get()));
  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"a", "2"}}), All(store.get()));
  store.reset();
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
}

// Versions 1..3: {a=1}, {a=2, b=1}, {b=1, c=1}.
void CommitThreeVersions(StateStoreProvider* provider) {
  ASSERT_EQ(1, CommitNext(provider, {{"a", "1"}}));
  ASSERT_EQ(2, CommitNext(provider, {{"a", "2"}, {"b", "1"}}));
  ASSERT_EQ(3, CommitNext(provider, {{"c", "1"}}, {"a"}));
}

const std::map<int64_t, Entries>& ThreeVersions() {
  static const auto* versions = new std::map<int64_t, Entries>{
      {0, {}}, {1, {{"a", "1"}}}, {2, {{"a", "2"}, {"b", "1"}}}, {3, {{"b", "1"}, {"c", "1"}}}};
  return *versions;
}

TEST_P(StateStoreConformanceTest, ReopensOlderVersionsAlsoAfterARestart) {
  CommitThreeVersions(provider_.get());
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "same provider" : "after a restart");
    // Newest first and oldest first: each version loads whatever the previous held.
    for (bool oldest_first : {false, true}) {
      std::vector<std::pair<int64_t, Entries>> order(ThreeVersions().begin(),
                                                     ThreeVersions().end());
      if (!oldest_first) std::reverse(order.begin(), order.end());
      for (const auto& [version, entries] : order) {
        StateStorePtr store = Open(provider_.get(), version);
        ASSERT_NE(nullptr, store);
        EXPECT_EQ(version, store->version());
        EXPECT_EQ(entries, All(store.get())) << "version " << version;
        EXPECT_EQ("NOT_FOUND", Read(store.get(), "zzz"));
        EXPECT_EQ(std::ssize(entries), store->metrics().num_keys) << "version " << version;
      }
    }
    EXPECT_EQ(3, provider_->latest_version());
    Reopen();
  }
}

TEST_P(StateStoreConformanceTest, VersionsAfterTheLatestAreNotFound) {
  CommitThreeVersions(provider_.get());
  for (int64_t version : {-1, 4, 100}) {
    Status st = provider_->GetStore(version).status();
    EXPECT_TRUE(st.IsNotFound()) << st;
    EXPECT_NE(std::string::npos, st.message().find("version " + std::to_string(version) + " "))
        << st;
  }
  Reopen();
  EXPECT_TRUE(provider_->GetStore(4).status().IsNotFound());
}

TEST_P(StateStoreConformanceTest, CommittingAnOlderVersionForgetsTheNewerOnes) {
  CommitThreeVersions(provider_.get());
  // Re-run the epoch that made version 2: open 1, write, commit.
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "d", "1");
  Put(store.get(), "b", "re-run");
  EXPECT_EQ((Entries{{"a", "1"}, {"b", "re-run"}, {"d", "1"}}), All(store.get()));
  ASSERT_EQ(2, Commit(store.get()));
  EXPECT_EQ(2, provider_->latest_version());
  EXPECT_TRUE(provider_->GetStore(3).status().IsNotFound());
  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"a", "1"}, {"b", "re-run"}, {"d", "1"}}), All(store.get()));
  EXPECT_EQ(3, store->metrics().num_keys);
  store.reset();

  // A restart sees the re-run's history, not the first run's.
  Reopen();
  EXPECT_EQ(2, provider_->latest_version());
  EXPECT_TRUE(provider_->GetStore(3).status().IsNotFound());
  ASSERT_EQ(3, CommitNext(provider_.get(), {{"e", "1"}}, {"a"}));
  store = Open(provider_.get(), 3);
  EXPECT_EQ((Entries{{"b", "re-run"}, {"d", "1"}, {"e", "1"}}), All(store.get()));
  store.reset();
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
}

TEST_P(StateStoreConformanceTest, AbortingAnOlderVersionKeepsTheNewerOnes) {
  CommitThreeVersions(provider_.get());
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "x", "1");
  store->Abort();
  EXPECT_EQ(3, provider_->latest_version());
  store = Open(provider_.get(), 3);
  EXPECT_EQ((Entries{{"b", "1"}, {"c", "1"}}), All(store.get()));
  store.reset();
  Reopen();
  EXPECT_EQ(3, provider_->latest_version());
}

// Snapshots every 3 versions (conf_), so version 10 loads from snapshot 9 and one
// delta, version 8 from snapshot 6 and two; after a purge the files before the
// snapshot it keeps are gone.
TEST_P(StateStoreConformanceTest, LoadsFromSnapshotsAndDeltasAndPurges) {
  std::map<int64_t, Model> versions = {{0, {}}};
  Model model;
  for (int v = 1; v <= 10; ++v) {
    Entries puts;
    std::vector<std::string> removes;
    for (int k = 0; k < 50; ++k) {
      const std::string key = "key" + std::to_string((v * 7 + k * 13) % 120);
      if (k % 5 == 4) {
        removes.push_back(key);
      } else {
        puts.emplace_back(key, "v" + std::to_string(v) + "." + std::to_string(k));
      }
    }
    // Removes after the puts, as CommitNext does.
    for (const auto& [k, value] : puts) model[k] = value;
    for (const std::string& k : removes) model.erase(k);
    ASSERT_EQ(v, CommitNext(provider_.get(), puts, removes));
    versions[v] = model;
  }
  for (int round = 0; round < 2; ++round) {
    for (int64_t v : {10, 8, 3, 0, 7, 10}) {
      StateStorePtr store = Open(provider_.get(), v);
      ASSERT_NE(nullptr, store);
      EXPECT_EQ(WithPrefix(versions[v], ""), All(store.get())) << "version " << v;
      EXPECT_EQ(std::ssize(versions[v]), store->metrics().num_keys) << "version " << v;
    }
    Reopen();
  }
  ASSERT_TRUE(provider_->Purge(8).ok());
  Reopen();
  // Snapshot 6 is the newest at or below 8: what came before it is gone.
  for (int64_t v : {1, 5}) {
    Status st = provider_->GetStore(v).status();
    EXPECT_TRUE(st.IsNotFound()) << "version " << v << ": " << st;
  }
  for (int64_t v : {6, 8, 10}) {
    StateStorePtr store = Open(provider_.get(), v);
    ASSERT_NE(nullptr, store);
    EXPECT_EQ(WithPrefix(versions[v], ""), All(store.get())) << "version " << v;
  }
  // A purge never forgets the latest version.
  ASSERT_TRUE(provider_->Purge(100).ok());
  Reopen();
  StateStorePtr store = Open(provider_.get(), 10);
  ASSERT_NE(nullptr, store);
  EXPECT_EQ(WithPrefix(versions[10], ""), All(store.get()));
}

TEST_P(StateStoreConformanceTest, KeyCountFollowsEveryChange) {
  Model model;
  StateStorePtr store = Open(provider_.get(), 0);
  auto check = [&](const char* when) {
    EXPECT_EQ(std::ssize(model), store->metrics().num_keys) << when;
    if (!model.empty()) {
      EXPECT_GT(store->metrics().memory_used_bytes, 0) << when;
    }
  };
  auto put = [&](const std::string& k, const std::string& v) {
    Put(store.get(), k, v);
    model[k] = v;
  };
  auto remove = [&](const std::string& k) {
    Remove(store.get(), k);
    model.erase(k);
  };
  auto get = [&](const std::string& k) { Read(store.get(), k); };
  put("a", "1");
  check("put");
  put("b", std::string(100, 'x'));
  put("b", "short");
  check("overwrite");
  get("a");
  put("a", "after a get");
  check("overwrite after a get");
  get("zz");
  put("zz", "new after a miss");
  check("put after a miss");
  remove("zz");
  remove("zz");
  check("removed twice");
  remove("missing");
  check("remove missing");
  put("c", "1");
  remove("c");
  put("c", "2");
  check("put, remove, put");
  ASSERT_EQ(1, Commit(store.get()));

  store = Open(provider_.get(), 1);
  check("reopened");
  const Model committed = model;
  put("d", "new");
  remove("b");
  put("a", "changed");
  check("changes over the base");
  store->Abort();
  model = committed;
  store = Open(provider_.get(), 1);
  check("after an abort");
  remove("a");
  remove("b");
  remove("c");
  check("all removed");
  ASSERT_EQ(2, Commit(store.get()));
  store = Open(provider_.get(), 2);
  check("empty version");
  store.reset();
  Reopen();
  store = Open(provider_.get(), 1);
  model = committed;
  check("older version after a restart");
}

// A changelog that cannot be written fails the commit, and nothing of it is applied:
// the version stays the latest, in this provider and after a restart.
TEST_P(StateStoreConformanceTest, FailedChangelogWriteAppliesNothing) {
  FaultInjectionEnv& env = *FaultEnv();
  Reopen(&env);
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  env.InjectFault(FaultRule{FaultOp::kSync, "2.delta", 0, 1, EIO});
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "a", "2");
  Put(store.get(), "b", "2");
  Result<int64_t> committed = store->Commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_TRUE(committed.status().IsIoError()) << committed.status();
  EXPECT_FALSE(store->committed());
  EXPECT_TRUE(store->Put("c", "1").IsInternal());  // closed
  EXPECT_EQ(1, provider_->latest_version());
  store = Open(provider_.get(), 1);
  ASSERT_NE(nullptr, store);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
  EXPECT_EQ(1, store->metrics().num_keys);
  // The epoch runs again and commits.
  Put(store.get(), "a", "3");
  ASSERT_EQ(2, Commit(store.get()));
  store.reset();
  Reopen(&env);
  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"a", "3"}}), All(store.get()));
}

// After a power loss every committed version is there (a commit is durable when it
// returns), snapshots included.
TEST_P(StateStoreConformanceTest, CommittedVersionsSurviveAPowerLoss) {
  FaultInjectionEnv& env = *FaultEnv();
  Reopen(&env);
  Model model;
  for (int v = 1; v <= 7; ++v) {
    const std::string key = "k" + std::to_string(v % 4);
    model[key] = std::to_string(v);
    ASSERT_EQ(v, CommitNext(provider_.get(), {{key, std::to_string(v)}}));
  }
  provider_.reset();  // the process dies (its locks go with it)
  ASSERT_TRUE(env.SimulatePowerLoss().ok());
  Reopen(&env);
  EXPECT_EQ(7, provider_->latest_version());
  StateStorePtr store = Open(provider_.get(), 7);
  ASSERT_NE(nullptr, store);
  EXPECT_EQ(WithPrefix(model, ""), All(store.get()));
  EXPECT_EQ(std::ssize(model), store->metrics().num_keys);
}

TEST_P(StateStoreConformanceTest, CorruptDeltaIsAnErrorNamingIt) {
  CommitThreeVersions(provider_.get());
  provider_.reset();
  const std::string delta = dir_ + "/2.delta";
  ASSERT_TRUE(std::filesystem::exists(delta));
  std::filesystem::resize_file(delta, std::filesystem::file_size(delta) - 3);
  Reopen();
  // Version 3 has a snapshot (conf_); version 2 loads from delta 1 and 2.
  Status st = provider_->GetStore(2).status();
  EXPECT_TRUE(st.IsCorruption()) << st;
  EXPECT_NE(std::string::npos, st.message().find(delta)) << st;
  // The version before it still loads.
  StateStorePtr store = Open(provider_.get(), 1);
  ASSERT_NE(nullptr, store);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
}

// The randomized test: epochs of random operations, with commits, aborts, abandoned
// stores, reopened older versions, purges and restarts, against a model that keeps
// every version's content.
std::string RandomKey(std::mt19937_64& rng) {
  static const char kBytes[] = {'\x00', '\x01', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff'};
  std::string key(rng() % 4, '\0');
  for (char& c : key) c = kBytes[rng() % sizeof(kBytes)];
  return key;
}

std::string RandomValue(std::mt19937_64& rng) {
  std::string value(rng() % 4 == 0 ? 16 + rng() % 40 : rng() % 8, '\0');
  for (char& c : value) c = static_cast<char>(rng());
  return value;
}

TEST_P(StateStoreConformanceTest, MatchesAMapModelAcrossRestarts) {
  std::mt19937_64 rng(20240611);
  std::map<int64_t, Model> versions = {{0, {}}};
  int64_t latest = 0;
  int64_t oldest = 0;  // the oldest version the model still promises
  int commits = 0;
  for (int epoch = 0; epoch < 150; ++epoch) {
    SCOPED_TRACE("epoch " + std::to_string(epoch));
    int64_t version = latest;
    if (rng() % 8 == 0) {
      version = oldest + static_cast<int64_t>(rng() % static_cast<uint64_t>(latest - oldest + 1));
    }
    StateStorePtr store = Open(provider_.get(), version);
    ASSERT_NE(nullptr, store);
    Model model = versions.at(version);
    ASSERT_EQ(std::ssize(model), store->metrics().num_keys);
    const int n = static_cast<int>(rng() % 30);
    for (int i = 0; i < n; ++i) {
      const std::string key = RandomKey(rng);
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2: {
          const std::string value = RandomValue(rng);
          if (rng() % 2 == 0) {
            Put(store.get(), key, value);
          } else {
            PutSwap(store.get(), key, value);
          }
          model[key] = value;
          break;
        }
        case 3:
        case 4:
          Remove(store.get(), key);
          model.erase(key);
          break;
        case 5:
        case 6: {
          auto it = model.find(key);
          ASSERT_EQ(it == model.end() ? "NOT_FOUND" : it->second, Read(store.get(), key));
          break;
        }
        default:
          ASSERT_EQ(WithPrefix(model, key), Scan(store.get(), key));
          break;
      }
      ASSERT_EQ(std::ssize(model), store->metrics().num_keys);
    }
    ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
    const uint64_t end = rng() % 10;
    if (end < 7) {
      ASSERT_EQ(version + 1, Commit(store.get()));
      ++commits;
      versions.erase(versions.upper_bound(version), versions.end());
      versions[version + 1] = std::move(model);
      latest = version + 1;
    } else if (end < 9) {
      store->Abort();
    }
    store.reset();
    if (rng() % 20 == 0) {
      // Versions from `min` on stay loadable.
      const int64_t min = std::max<int64_t>(0, latest - 3);
      ASSERT_TRUE(provider_->Purge(min).ok());
      oldest = std::max(oldest, min);
      versions.erase(versions.begin(), versions.lower_bound(oldest));
    }
    if (rng() % 15 == 0) Reopen();
    ASSERT_EQ(latest, provider_->latest_version());
    if (epoch % 50 == 49) {
      for (const auto& [v, content] : versions) {
        StateStorePtr s = Open(provider_.get(), v);
        ASSERT_NE(nullptr, s);
        ASSERT_EQ(WithPrefix(content, ""), All(s.get())) << "version " << v;
      }
    }
  }
  EXPECT_GT(commits, 80);
}

INSTANTIATE_TEST_SUITE_P(Backends, StateStoreConformanceTest,
                         ::testing::Values("memory", "rocksdb"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace weir::state
