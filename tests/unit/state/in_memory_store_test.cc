// The in-memory state store: reads and writes of an epoch, commit and abort,
// ordered scans, versions, memory accounting, and a randomized comparison against a
// std::map model.

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "weir/state/in_memory_base.h"
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

int64_t Bytes(const Model& model) {
  int64_t bytes = 0;
  for (const auto& [k, v] : model) bytes += internal::EntryBytes(k, v);
  return bytes;
}

void Put(StateStore* store, std::string_view key, std::string_view value) {
  Status st = store->Put(key, value);
  ASSERT_TRUE(st.ok()) << st;
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

// Commits a store opened at the latest version with `entries` written into it.
int64_t CommitNext(StateStoreProvider* provider, const Entries& puts,
                   const std::vector<std::string>& removes = {}) {
  StateStorePtr store = Open(provider, provider->latest_version());
  if (store == nullptr) return -1;
  for (const auto& [k, v] : puts) Put(store.get(), k, v);
  for (const std::string& k : removes) Remove(store.get(), k);
  return Commit(store.get());
}

class InMemoryStoreTest : public ::testing::Test {
 protected:
  StateStoreProviderPtr provider_ = MakeInMemoryStateStoreProvider();
};

TEST_F(InMemoryStoreTest, StartsEmptyAtVersionZero) {
  EXPECT_EQ(0, provider_->latest_version());
  StateStorePtr store = Open(provider_.get(), 0);
  EXPECT_EQ(0, store->version());
  EXPECT_FALSE(store->committed());
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "foo"));
  EXPECT_EQ(Entries{}, All(store.get()));
  EXPECT_EQ(0, store->metrics().num_keys);
  EXPECT_EQ(0, store->metrics().memory_used_bytes);
}

TEST_F(InMemoryStoreTest, GetPutRemoveOverwrite) {
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
  // Overwrite and remove entries of the base.
  Put(store.get(), "bar", "now set");
  Remove(store.get(), "");
  EXPECT_EQ("now set", Read(store.get(), "bar"));
  EXPECT_EQ("NOT_FOUND", Read(store.get(), ""));
  EXPECT_EQ(2, Commit(store.get()));

  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"bar", "now set"}}), All(store.get()));
}

TEST_F(InMemoryStoreTest, GetLeavesValueAloneWhenMissing) {
  StateStorePtr store = Open(provider_.get(), 0);
  std::string value = "untouched";
  Result<bool> found = store->Get("missing", &value);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(*found);
  EXPECT_EQ("untouched", value);
}

TEST_F(InMemoryStoreTest, ChangesAreVisibleBeforeCommitOnlyInTheStore) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "b", "2");
  Remove(store.get(), "a");
  EXPECT_EQ("2", Read(store.get(), "b"));
  EXPECT_EQ((Entries{{"b", "2"}}), All(store.get()));
  EXPECT_EQ(1, provider_->latest_version());
}

TEST_F(InMemoryStoreTest, AbortDropsTheChanges) {
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
}

TEST_F(InMemoryStoreTest, DestroyingAnUncommittedStoreDropsTheChanges) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  {
    StateStorePtr store = Open(provider_.get(), 1);
    Put(store.get(), "a", "changed");
    Remove(store.get(), "a");
    Put(store.get(), "b", "2");
  }
  EXPECT_EQ(1, provider_->latest_version());
  StateStorePtr store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
}

TEST_F(InMemoryStoreTest, StoreCannotBeUsedAfterCommitOrAbort) {
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

TEST_F(InMemoryStoreTest, OneOpenStoreAtATime) {
  StateStorePtr store = Open(provider_.get(), 0);
  Result<StateStorePtr> second = provider_->GetStore(0);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsInternal()) << second.status();
  EXPECT_NE(std::string::npos, second.status().message().find("still open"));
  ASSERT_EQ(1, Commit(store.get()));
  // Committing (or aborting) closes it.
  store = Open(provider_.get(), 1);
  ASSERT_NE(nullptr, store);
  store->Abort();
  store = Open(provider_.get(), 1);
  ASSERT_NE(nullptr, store);
}

TEST_F(InMemoryStoreTest, StoreKeepsItsProviderAlive) {
  StateStorePtr store = Open(provider_.get(), 0);
  std::weak_ptr<StateStoreProvider> weak = provider_;
  provider_.reset();
  ASSERT_FALSE(weak.expired());
  Put(store.get(), "a", "1");
  EXPECT_EQ(1, Commit(store.get()));
  EXPECT_EQ(1, weak.lock()->latest_version());
  store.reset();
  EXPECT_TRUE(weak.expired());
}

TEST_F(InMemoryStoreTest, MaintenanceRunsWhileAStoreIsInUse) {
  std::atomic<bool> stop{false};
  std::thread maintenance([&] {
    while (!stop.load()) {
      const int64_t latest = provider_->latest_version();
      EXPECT_TRUE(provider_->Purge(latest - 1).ok());
    }
  });
  for (int epoch = 0; epoch < 200; ++epoch) {
    StateStorePtr store = Open(provider_.get(), epoch);
    ASSERT_NE(nullptr, store);
    EXPECT_EQ(epoch == 0 ? "NOT_FOUND" : std::to_string(epoch - 1), Read(store.get(), "k"));
    Put(store.get(), "k", std::to_string(epoch));
    ASSERT_EQ(epoch + 1, Commit(store.get()));
  }
  stop = true;
  maintenance.join();
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

TEST_F(InMemoryStoreTest, PrefixScanOfTheDelta) {
  StateStorePtr store = Open(provider_.get(), 0);
  for (const auto& [k, v] : ByteKeys()) Put(store.get(), k, v);
  for (const std::string& prefix : Prefixes()) {
    EXPECT_EQ(WithPrefix(ByteKeys(), prefix), Scan(store.get(), prefix))
        << "prefix of " << prefix.size() << " bytes";
  }
}

TEST_F(InMemoryStoreTest, PrefixScanMergesBaseAndDelta) {
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
  store = Open(provider_.get(), 2);
  for (const std::string& prefix : Prefixes()) {
    EXPECT_EQ(WithPrefix(model, prefix), Scan(store.get(), prefix))
        << "prefix of " << prefix.size() << " bytes";
  }
}

TEST_F(InMemoryStoreTest, IterateOrdersKeysAsUnsignedBytes) {
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

TEST_F(InMemoryStoreTest, ScanStopsWhenTheVisitorSaysSo) {
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

TEST_F(InMemoryStoreTest, VisitorMayReadButNotWrite) {
  StateStorePtr store = Open(provider_.get(), 0);
  Put(store.get(), "a", "1");
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
  EXPECT_TRUE(store->Commit().status().ok());  // writable again after the scan
  EXPECT_EQ("12", read);
}

TEST_F(InMemoryStoreTest, RemoveThenPutInOneEpoch) {
  ASSERT_EQ(1, CommitNext(provider_.get(), {{"a", "1"}}));
  StateStorePtr store = Open(provider_.get(), 1);
  Remove(store.get(), "a");
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "a"));
  Put(store.get(), "a", "2");
  EXPECT_EQ("2", Read(store.get(), "a"));
  // And a key new in this epoch, put then removed.
  Put(store.get(), "b", "1");
  Remove(store.get(), "b");
  EXPECT_EQ("NOT_FOUND", Read(store.get(), "b"));
  EXPECT_EQ((Entries{{"a", "2"}}), All(store.get()));
  EXPECT_EQ(1, store->metrics().num_keys);
  ASSERT_EQ(2, Commit(store.get()));

  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"a", "2"}}), All(store.get()));
  store.reset();
  // Version 1 is still what it was.
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
}

// Versions 1..3: {a=1}, {a=2, b=1}, {b=1, c=1}.
void CommitThreeVersions(StateStoreProvider* provider) {
  ASSERT_EQ(1, CommitNext(provider, {{"a", "1"}}));
  ASSERT_EQ(2, CommitNext(provider, {{"a", "2"}, {"b", "1"}}));
  ASSERT_EQ(3, CommitNext(provider, {{"c", "1"}}, {"a"}));
}

TEST_F(InMemoryStoreTest, ReopensRetainedVersions) {
  provider_ = MakeInMemoryStateStoreProvider(/*retained_versions=*/2);
  CommitThreeVersions(provider_.get());
  const std::map<int64_t, Entries> expected = {
      {1, {{"a", "1"}}}, {2, {{"a", "2"}, {"b", "1"}}}, {3, {{"b", "1"}, {"c", "1"}}}};
  // Twice, to see that reopening (and abandoning) an old version changes nothing.
  for (int round = 0; round < 2; ++round) {
    for (const auto& [version, entries] : expected) {
      StateStorePtr store = Open(provider_.get(), version);
      ASSERT_NE(nullptr, store);
      EXPECT_EQ(version, store->version());
      EXPECT_EQ(entries, All(store.get())) << "version " << version;
      EXPECT_EQ("NOT_FOUND", Read(store.get(), "zzz"));
      EXPECT_EQ(std::ssize(entries), store->metrics().num_keys);
    }
  }
  EXPECT_EQ(3, provider_->latest_version());
}

TEST_F(InMemoryStoreTest, CommittingAnOlderVersionMakesItTheLatest) {
  provider_ = MakeInMemoryStateStoreProvider(/*retained_versions=*/2);
  CommitThreeVersions(provider_.get());
  // Re-run the epoch that made version 2: open 1, write, commit.
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "d", "1");
  Put(store.get(), "b", "re-run");
  EXPECT_EQ((Entries{{"a", "1"}, {"b", "re-run"}, {"d", "1"}}), All(store.get()));
  ASSERT_EQ(2, Commit(store.get()));
  EXPECT_EQ(2, provider_->latest_version());

  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"a", "1"}, {"b", "re-run"}, {"d", "1"}}), All(store.get()));
  store.reset();
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
  store.reset();
  EXPECT_TRUE(provider_->GetStore(3).status().IsNotFound());

  // The next commits continue from the new latest.
  ASSERT_EQ(3, CommitNext(provider_.get(), {{"e", "1"}}, {"a"}));
  store = Open(provider_.get(), 3);
  EXPECT_EQ((Entries{{"b", "re-run"}, {"d", "1"}, {"e", "1"}}), All(store.get()));
  store.reset();
  store = Open(provider_.get(), 1);
  EXPECT_EQ((Entries{{"a", "1"}}), All(store.get()));
  store.reset();
  // Three commits ago: no longer retained.
  ASSERT_EQ(4, CommitNext(provider_.get(), {}));
  EXPECT_TRUE(provider_->GetStore(1).status().IsNotFound());
  store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"a", "1"}, {"b", "re-run"}, {"d", "1"}}), All(store.get()));
}

TEST_F(InMemoryStoreTest, AbortingAnOlderVersionKeepsTheNewerOnes) {
  CommitThreeVersions(provider_.get());
  StateStorePtr store = Open(provider_.get(), 1);
  Put(store.get(), "x", "1");
  store->Abort();
  EXPECT_EQ(3, provider_->latest_version());
  store = Open(provider_.get(), 3);
  EXPECT_EQ((Entries{{"b", "1"}, {"c", "1"}}), All(store.get()));
}

TEST_F(InMemoryStoreTest, VersionsNotRetainedAreNotFound) {
  provider_ = MakeInMemoryStateStoreProvider(/*retained_versions=*/2);
  CommitThreeVersions(provider_.get());
  for (int64_t version : {-1, 0, 4, 100}) {
    Status st = provider_->GetStore(version).status();
    EXPECT_TRUE(st.IsNotFound()) << st;
    EXPECT_NE(std::string::npos, st.message().find("version " + std::to_string(version) + " "))
        << st;
    EXPECT_NE(std::string::npos, st.message().find("1 to 3")) << st;
  }
}

TEST_F(InMemoryStoreTest, PurgeForgetsOlderVersions) {
  provider_ = MakeInMemoryStateStoreProvider(/*retained_versions=*/5);
  CommitThreeVersions(provider_.get());
  ASSERT_TRUE(provider_->Purge(2).ok());
  Status st = provider_->GetStore(1).status();
  EXPECT_TRUE(st.IsNotFound()) << st;
  EXPECT_NE(std::string::npos, st.message().find("2 to 3")) << st;
  StateStorePtr store = Open(provider_.get(), 2);
  EXPECT_EQ((Entries{{"a", "2"}, {"b", "1"}}), All(store.get()));
  store.reset();
  // Purge never forgets the latest version.
  ASSERT_TRUE(provider_->Purge(100).ok());
  EXPECT_TRUE(provider_->GetStore(2).status().IsNotFound());
  store = Open(provider_.get(), 3);
  EXPECT_EQ((Entries{{"b", "1"}, {"c", "1"}}), All(store.get()));
}

TEST_F(InMemoryStoreTest, ZeroRetainedVersionsKeepsOnlyTheLatest) {
  provider_ = MakeInMemoryStateStoreProvider(/*retained_versions=*/0);
  CommitThreeVersions(provider_.get());
  EXPECT_TRUE(provider_->GetStore(2).status().IsNotFound());
  StateStorePtr store = Open(provider_.get(), 3);
  EXPECT_EQ((Entries{{"b", "1"}, {"c", "1"}}), All(store.get()));
}

TEST_F(InMemoryStoreTest, MetricsFollowEveryChange) {
  Model model;
  StateStorePtr store = Open(provider_.get(), 0);
  auto check = [&](const char* when) {
    EXPECT_EQ(std::ssize(model), store->metrics().num_keys) << when;
    EXPECT_EQ(Bytes(model), store->metrics().memory_used_bytes) << when;
  };
  auto put = [&](const std::string& k, const std::string& v) {
    Put(store.get(), k, v);
    model[k] = v;
  };
  auto remove = [&](const std::string& k) {
    Remove(store.get(), k);
    model.erase(k);
  };
  put("a", "1");
  check("put");
  put("b", std::string(100, 'x'));
  check("put long");
  put("b", "short");
  check("overwrite shorter");
  put("a", std::string(50, 'y'));
  check("overwrite longer");
  remove("a");
  check("remove");
  remove("missing");
  check("remove missing");
  put("a", "back");
  check("put after remove");
  ASSERT_EQ(1, Commit(store.get()));
  check("after commit");

  store = Open(provider_.get(), 1);
  check("reopened");
  const Model committed = model;
  put("c", "new");
  remove("b");
  put("a", "changed in delta");
  check("delta over base");
  store->Abort();
  model = committed;
  check("after abort");

  store = Open(provider_.get(), 1);
  check("reopened after abort");
  remove("a");
  remove("b");
  check("all removed");
  EXPECT_EQ(0, store->metrics().num_keys);
  EXPECT_EQ(0, store->metrics().memory_used_bytes);
  ASSERT_EQ(2, Commit(store.get()));

  // An older version reopened has that version's metrics, also after an abort.
  store = Open(provider_.get(), 1);
  model = committed;
  check("older version");
  put("d", "in the re-run");
  check("older version with a change");
  store->Abort();
  model = committed;
  check("older version after abort");
}

// The randomized test: thousands of operations over many versions, with commits,
// aborts, abandoned stores, reopened older versions and purges, against a model that
// keeps every version's content as a std::map.
class RandomizedStoreTest : public ::testing::TestWithParam<int> {};

std::string RandomKey(std::mt19937_64& rng) {
  // A small alphabet with the bytes that matter for ordering, so that keys collide
  // and share prefixes.
  static const char kBytes[] = {'\x00', '\x01', 'a', 'b', '\x7f', '\x80', '\xfe', '\xff'};
  std::string key(rng() % 4, '\0');
  for (char& c : key) c = kBytes[rng() % sizeof(kBytes)];
  return key;
}

std::string RandomValue(std::mt19937_64& rng) {
  // Sometimes longer than the small-string buffer.
  std::string value(rng() % 4 == 0 ? 16 + rng() % 40 : rng() % 8, '\0');
  for (char& c : value) c = static_cast<char>(rng());
  return value;
}

TEST_P(RandomizedStoreTest, MatchesAMapModel) {
  const int retained = GetParam();
  std::mt19937_64 rng(20240611 + retained);
  StateStoreProviderPtr provider = MakeInMemoryStateStoreProvider(retained);
  std::map<int64_t, Model> versions = {{0, {}}};  // the content of each retained version
  int64_t latest = 0;
  int64_t oldest = 0;
  int epochs_committed = 0;
  int64_t ops = 0;
  for (int epoch = 0; epoch < 400; ++epoch) {
    SCOPED_TRACE("epoch " + std::to_string(epoch));
    // Mostly the latest version; sometimes a retained older one, or one that is not.
    int64_t version = latest;
    const uint64_t pick = rng() % 10;
    if (pick == 0) {
      version = oldest + static_cast<int64_t>(rng() % static_cast<uint64_t>(latest - oldest + 1));
    } else if (pick == 1) {
      const int64_t bad = rng() % 2 == 0 ? latest + 1 + static_cast<int64_t>(rng() % 3)
                                         : oldest - 1 - static_cast<int64_t>(rng() % 3);
      Status st = provider->GetStore(bad).status();
      ASSERT_TRUE(st.IsNotFound()) << "version " << bad << ": " << st;
    }
    StateStorePtr store = Open(provider.get(), version);
    ASSERT_NE(nullptr, store);
    ASSERT_EQ(version, store->version());
    Model model = versions.at(version);
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i, ++ops) {
      const std::string key = RandomKey(rng);
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2: {
          const std::string value = RandomValue(rng);
          Put(store.get(), key, value);
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
      ASSERT_EQ(Bytes(model), store->metrics().memory_used_bytes);
    }
    ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
    const uint64_t end = rng() % 10;
    if (end < 7) {
      ASSERT_EQ(version + 1, Commit(store.get()));
      ++epochs_committed;
      // The versions after `version` are gone; the new one is the latest.
      versions.erase(versions.upper_bound(version), versions.end());
      versions[version + 1] = std::move(model);
      latest = version + 1;
      oldest = std::max(oldest, latest - retained);
    } else if (end < 9) {
      store->Abort();
    }
    store.reset();  // the abandoned third: destroyed uncommitted
    if (rng() % 25 == 0) {
      const int64_t min = oldest + static_cast<int64_t>(rng() % 4);
      ASSERT_TRUE(provider->Purge(min).ok());
      oldest = std::max(oldest, std::min(min, latest));
    }
    versions.erase(versions.begin(), versions.lower_bound(oldest));
    ASSERT_EQ(latest, provider->latest_version());
    // Now and then, every version: the retained ones as the model has them.
    if (epoch % 50 == 49) {
      for (int64_t v = oldest - 2; v <= latest + 1; ++v) {
        Result<StateStorePtr> s = provider->GetStore(v);
        if (v < oldest || v > latest) {
          ASSERT_TRUE(s.status().IsNotFound()) << "version " << v;
          continue;
        }
        ASSERT_TRUE(s.ok()) << s.status();
        ASSERT_EQ(WithPrefix(versions.at(v), ""), All(s->get())) << "version " << v;
      }
    }
  }
  EXPECT_GT(epochs_committed, 200);
  EXPECT_GT(ops, 5000);
}

INSTANTIATE_TEST_SUITE_P(RetainedVersions, RandomizedStoreTest, ::testing::Values(0, 1, 2, 5));

// The ordered index compares keys by their first 8 bytes as an integer before it
// compares bytes: it must order keys as unsigned bytes do, around the 8-byte boundary
// and with the bytes that trip signed comparisons and zero padding.
TEST(KeyOrderTest, HeadsThenBytesOrderAsUnsignedBytes) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : ByteKeys()) keys.push_back(k);
  for (const std::string& stem :
       {"12345678"s, "1234567"s, "123456789"s, "\xff\xff\xff\xff\xff\xff\xff"s,
        std::string(8, '\0'), std::string(7, '\0'), "0123456789abcdef"s, "0123456789abcde"s,
        "12345678\xff\xff\xff\xff\xff\xff\xff\xff"s, std::string(16, '\0'),
        std::string(15, '\0')}) {
    for (const std::string& tail :
         {""s, "\x00"s, "\x01"s, "\x7f"s, "\x80"s, "\xff"s, "\x00\x00"s, "a"s, "ab"s, "b"s}) {
      keys.push_back(stem + tail);
      keys.push_back(stem.substr(0, stem.size() - 1) + tail);
    }
  }
  for (const std::string& a : keys) {
    for (const std::string& b : keys) {
      const int expected = a.compare(b);
      const int got = internal::CompareKeys(internal::KeyHead(a), a, internal::KeyHead(b), b);
      EXPECT_EQ(expected < 0, got < 0)
          << testing::PrintToString(a) << " vs " << testing::PrintToString(b);
      EXPECT_EQ(expected == 0, got == 0)
          << testing::PrintToString(a) << " vs " << testing::PrintToString(b);
    }
  }
  // The index compares heads and tails (the next 8 bytes) first, as entries and as
  // probes.
  std::vector<internal::Node*> nodes;
  for (const std::string& k : keys) nodes.push_back(internal::Node::Make(k));
  const internal::IndexLess less;
  for (internal::Node* a : nodes) {
    for (size_t j = 0; j < keys.size(); ++j) {
      const int expected = a->key().compare(keys[j]);
      const absl::weak_ordering want = expected < 0   ? absl::weak_ordering::less
                                       : expected > 0 ? absl::weak_ordering::greater
                                                      : absl::weak_ordering::equivalent;
      const auto ka = internal::IndexKey::Of(a);
      EXPECT_EQ(want, less(ka, internal::IndexProbe::Of(keys[j])))
          << testing::PrintToString(a->key()) << " vs " << testing::PrintToString(keys[j]);
      if (expected != 0) {
        EXPECT_EQ(want, less(ka, internal::IndexKey::Of(nodes[j])))
            << testing::PrintToString(a->key()) << " vs " << testing::PrintToString(keys[j]);
      }
    }
  }
  for (internal::Node* n : nodes) internal::Node::Free(n);
}

// A windowed aggregation's pattern (exec/stateful_aggregate.cc): keys start with an
// 8-byte big-endian event time; each epoch reads and writes groups of the newest
// windows, then scans from the start to the first key past the watermark and removes
// what it saw. Checked against a model, with epochs aborted and older versions
// re-run, and keys long enough that the index's 8-byte heads tie.
TEST(WindowedStoreTest, EvictionMatchesAMapModel) {
  std::mt19937_64 rng(7);
  StateStoreProviderPtr provider = MakeInMemoryStateStoreProvider(/*retained_versions=*/2);
  std::map<int64_t, Model> versions = {{0, {}}};
  auto window_key = [](int64_t window, int group) {
    std::string key(8, '\0');
    for (int i = 0; i < 8; ++i)
      key[static_cast<size_t>(i)] = static_cast<char>(window >> (56 - 8 * i));
    // Groups share a long common prefix after the event time; some keys are a prefix
    // of others.
    return key + "group-" + std::string(static_cast<size_t>(group % 3), '\x80') +
           std::to_string(group);
  };
  int64_t latest = 0;
  for (int epoch = 0; epoch < 60; ++epoch) {
    SCOPED_TRACE("epoch " + std::to_string(epoch));
    // Now and then re-run the epoch before the latest.
    const int64_t version = latest > 0 && rng() % 8 == 0 ? latest - 1 : latest;
    StateStorePtr store = Open(provider.get(), version);
    ASSERT_NE(nullptr, store);
    Model model = versions.at(version);
    // Three epochs per window; window 256 carries into the next byte.
    const int64_t window = 250 + version / 3;
    for (int i = 0; i < 300; ++i) {
      const int64_t w = window - static_cast<int64_t>(rng() % 2);  // late data too
      const std::string key = window_key(w, static_cast<int>(rng() % 150));
      std::string stored;
      Result<bool> found = store->Get(key, &stored);
      ASSERT_TRUE(found.ok());
      auto it = model.find(key);
      ASSERT_EQ(it != model.end(), *found);
      if (*found) {
        ASSERT_EQ(it->second, stored);
      }
      const std::string value = (*found ? stored : "") + "+";
      Put(store.get(), key, value.size() > 20 ? "reset" : value);
      model[key] = value.size() > 20 ? "reset" : value;
      if (rng() % 20 == 0) {
        Remove(store.get(), key);
        model.erase(key);
      }
    }
    // Evict the windows before the previous one, as the operator does.
    const std::string bound = window_key(window - 1, 0).substr(0, 8);
    std::vector<std::string> evict;
    ASSERT_TRUE(store
                    ->Iterate([&](std::string_view k, std::string_view) {
                      if (k.substr(0, 8) >= bound) return false;
                      evict.emplace_back(k);
                      return true;
                    })
                    .ok());
    Entries expected_evicted;
    for (const auto& [k, v] : model) {
      if (k.substr(0, 8) < bound) expected_evicted.emplace_back(k, v);
    }
    ASSERT_EQ(expected_evicted.size(), evict.size());
    // Remove them in scan order, or shuffled.
    if (rng() % 2 == 0) std::shuffle(evict.begin(), evict.end(), rng);
    for (const std::string& k : evict) {
      Remove(store.get(), k);
      model.erase(k);
    }
    ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
    ASSERT_EQ(WithPrefix(model, bound), Scan(store.get(), bound));
    ASSERT_EQ(std::ssize(model), store->metrics().num_keys);
    ASSERT_EQ(Bytes(model), store->metrics().memory_used_bytes);
    if (rng() % 6 == 0) {
      store->Abort();
      continue;
    }
    ASSERT_EQ(version + 1, Commit(store.get()));
    versions.erase(versions.upper_bound(version), versions.end());
    versions[version + 1] = std::move(model);
    latest = version + 1;
    versions.erase(versions.begin(), versions.lower_bound(latest - 2));
  }
  for (const auto& [version, model] : versions) {
    StateStorePtr store = Open(provider.get(), version);
    ASSERT_NE(nullptr, store);
    EXPECT_EQ(WithPrefix(model, ""), All(store.get())) << "version " << version;
    EXPECT_EQ(Bytes(model), store->metrics().memory_used_bytes) << "version " << version;
  }
}

// Thousands of keys added or erased at once, scattered among the others, rebuild
// the ordered index in one pass (by a merge, or by keeping the rest) instead of
// inserting or erasing each: scans see the same keys in order either way.
TEST(InMemoryStoreLargeTest, LargeBatchesKeepScansInOrder) {
  std::mt19937_64 rng(7);
  StateStoreProviderPtr provider = MakeInMemoryStateStoreProvider(2);
  Model model;
  auto random_key = [&rng] {
    std::string key(1 + rng() % 12, '\0');
    for (char& c : key) c = static_cast<char>(rng() % 4 == 0 ? 0xff : rng());
    // Half share their first 7 or 8 bytes, so that the order is in the bytes after.
    if (rng() % 2 == 0) key = std::string(7 + rng() % 2, '\x01') + key;
    return key;
  };
  auto add = [&](StateStore* store, int n, Model* m) {
    for (int i = 0; i < n; ++i) {
      const std::string key = random_key();
      Put(store, key, "v" + std::to_string(i));
      (*m)[key] = "v" + std::to_string(i);
    }
  };
  {
    StateStorePtr store = Open(provider.get(), 0);
    add(store.get(), 3000, &model);
    ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
    // As many again, among them: merged into the index by the next scan.
    add(store.get(), 3000, &model);
    ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
    ASSERT_EQ(WithPrefix(model, "\xff"), Scan(store.get(), "\xff"));
    ASSERT_EQ(1, Commit(store.get()));
  }
  {
    // Two thirds erased at the commit: the index keeps the rest.
    StateStorePtr store = Open(provider.get(), 1);
    int i = 0;
    for (auto it = model.begin(); it != model.end(); ++i) {
      if (i % 3 == 0) {
        ++it;
        continue;
      }
      Remove(store.get(), it->first);
      it = model.erase(it);
    }
    ASSERT_EQ(2, Commit(store.get()));
  }
  {
    StateStorePtr store = Open(provider.get(), 2);
    ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
    // Added, indexed by a scan, then dropped by an abort.
    Model dropped = model;
    add(store.get(), 5000, &dropped);
    ASSERT_EQ(WithPrefix(dropped, ""), All(store.get()));
    store->Abort();
  }
  {
    StateStorePtr store = Open(provider.get(), 2);
    ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
    ASSERT_EQ(std::ssize(model), store->metrics().num_keys);
    // A few erased one by one.
    for (int k = 0; k < 10; ++k) {
      Remove(store.get(), model.begin()->first);
      model.erase(model.begin());
    }
    ASSERT_EQ(3, Commit(store.get()));
  }
  StateStorePtr store = Open(provider.get(), 3);
  ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
  // An older version, rolled back from its undo record.
  store->Abort();
  store = Open(provider.get(), 2);
  EXPECT_EQ(std::ssize(model) + 10, std::ssize(All(store.get())));
}

// Epochs that change keys without scanning them: keys removed before any scan built
// the index leave the list waiting for it (mixed with removals of indexed keys), and
// long values are replaced and removed. Reads, scans and an older version must see
// exactly the values written.
TEST(InMemoryStoreLargeTest, UnscannedEpochsAndLongValues) {
  std::mt19937_64 rng(11);
  StateStoreProviderPtr provider = MakeInMemoryStateStoreProvider(2);
  Model model;
  std::vector<Model> versions = {model};
  auto long_value = [&rng](int i) {
    return std::string(16 + rng() % 60, static_cast<char>('a' + rng() % 26)) + std::to_string(i);
  };
  auto commit = [&](StateStore* store) {
    ASSERT_EQ(std::ssize(versions), Commit(store));
    versions.push_back(model);
  };
  auto check = [&](StateStore* store) {
    for (const auto& [k, v] : model) ASSERT_EQ(v, Read(store, k)) << k;
    ASSERT_EQ(std::ssize(model), store->metrics().num_keys);
  };
  {
    // Added, never scanned.
    StateStorePtr store = Open(provider.get(), 0);
    for (int i = 0; i < 3000; ++i) {
      const std::string key = "k" + std::to_string(rng() % 100000);
      model[key] = long_value(i);
      Put(store.get(), key, model[key]);
    }
    commit(store.get());
  }
  for (int epoch = 1; epoch <= 4; ++epoch) {
    SCOPED_TRACE("epoch " + std::to_string(epoch));
    StateStorePtr store = Open(provider.get(), epoch);
    check(store.get());
    if (epoch == 3) {
      ASSERT_EQ(WithPrefix(model, "k1"), Scan(store.get(), "k1"));  // builds the index
    }
    // Every key rewritten, a third removed.
    int i = 0;
    for (auto it = model.begin(); it != model.end(); ++i) {
      if (i % 3 == epoch % 3) {
        Remove(store.get(), it->first);
        it = model.erase(it);
        continue;
      }
      it->second = long_value(i);
      Put(store.get(), it->first, it->second);
      ++it;
    }
    // New keys; some removed in the same epoch (added, then erased unindexed).
    const int adds = epoch == 4 ? 6000 : 1500;
    for (int a = 0; a < adds; ++a) {
      const std::string key = "n" + std::to_string(epoch) + "_" + std::to_string(rng() % 1000000);
      model[key] = long_value(a);
      Put(store.get(), key, model[key]);
      if (a % 7 == 0) {
        Remove(store.get(), key);
        model.erase(key);
      }
    }
    check(store.get());
    commit(store.get());
  }
  StateStorePtr store = Open(provider.get(), 5);
  check(store.get());
  ASSERT_EQ(WithPrefix(model, ""), All(store.get()));
  store->Abort();
  // The version before, rolled back from the undo record the last commit wrote.
  store = Open(provider.get(), 4);
  EXPECT_EQ(WithPrefix(versions[4], ""), All(store.get()));
}

}  // namespace
}  // namespace weir::state
