// The process-wide registry of in-memory state store providers.

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "weir/state/state_store.h"

namespace weir::state {
namespace {

StateStoreProviderPtr Get(const std::string& location, int operator_id, int partition) {
  Result<StateStoreProviderPtr> provider =
      InMemoryStateStores()->GetProvider(location, operator_id, partition);
  EXPECT_TRUE(provider.ok()) << provider.status();
  return provider.ok() ? *provider : nullptr;
}

TEST(StateStoreRegistryTest, SameTripleSameProvider) {
  StateStoreProviderPtr p = Get("/ckpt/same", 0, 0);
  ASSERT_NE(nullptr, p);
  EXPECT_EQ(p, Get("/ckpt/same", 0, 0));
  EXPECT_EQ(InMemoryStateStores(), InMemoryStateStores());
}

TEST(StateStoreRegistryTest, DifferentTriplesDifferentProviders) {
  StateStoreProviderPtr p = Get("/ckpt/diff", 0, 0);
  EXPECT_NE(p, Get("/ckpt/diff", 1, 0));
  EXPECT_NE(p, Get("/ckpt/diff", 0, 1));
  EXPECT_NE(p, Get("/ckpt/diff2", 0, 0));
  EXPECT_NE(Get("/ckpt/diff", 1, 0), Get("/ckpt/diff", 0, 1));
}

TEST(StateStoreRegistryTest, StateSurvivesAskingAgain) {
  {
    StateStoreProviderPtr p = Get("/ckpt/restart", 2, 3);
    auto store = p->GetStore(0);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Put("k", "v").ok());
    ASSERT_TRUE((*store)->Commit().ok());
  }
  // A restarted query in the same process finds the state.
  StateStoreProviderPtr p = Get("/ckpt/restart", 2, 3);
  ASSERT_EQ(1, p->latest_version());
  auto store = p->GetStore(1);
  ASSERT_TRUE(store.ok());
  std::string value;
  ASSERT_TRUE(*(*store)->Get("k", &value));
  EXPECT_EQ("v", value);
}

TEST(StateStoreRegistryTest, DropForgetsOneLocation) {
  StateStoreProviderPtr dropped = Get("/ckpt/drop", 0, 0);
  StateStoreProviderPtr dropped_too = Get("/ckpt/drop", 1, 4);
  StateStoreProviderPtr kept = Get("/ckpt/drop-not", 0, 0);
  InMemoryStateStores()->Drop("/ckpt/drop");
  EXPECT_NE(dropped, Get("/ckpt/drop", 0, 0));
  EXPECT_NE(dropped_too, Get("/ckpt/drop", 1, 4));
  EXPECT_EQ(kept, Get("/ckpt/drop-not", 0, 0));
  // A dropped provider still works for whoever holds it.
  auto store = dropped->GetStore(0);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->Commit().ok());
  InMemoryStateStores()->Drop("/ckpt/never-used");  // not an error
}

TEST(StateStoreRegistryTest, NegativeIdsAreRejected) {
  auto p = InMemoryStateStores()->GetProvider("/ckpt/neg", -1, 0);
  EXPECT_EQ(StatusCode::kInvalidArgument, p.status().code());
  p = InMemoryStateStores()->GetProvider("/ckpt/neg", 0, -1);
  EXPECT_EQ(StatusCode::kInvalidArgument, p.status().code());
}

TEST(StateStoreRegistryTest, ConcurrentCallersGetOneProvider) {
  constexpr int kThreads = 8;
  std::vector<StateStoreProviderPtr> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&got, t] {
      for (int i = 0; i < 200; ++i) {
        auto p = InMemoryStateStores()->GetProvider("/ckpt/concurrent", i % 4, 0);
        if (i % 4 == 0 && p.ok()) got[t] = *p;
        if (i % 50 == 0) InMemoryStateStores()->Drop("/ckpt/concurrent-other");
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const StateStoreProviderPtr& p : got) EXPECT_EQ(got[0], p);
  EXPECT_EQ(got[0], Get("/ckpt/concurrent", 0, 0));
}

}  // namespace
}  // namespace weir::state
