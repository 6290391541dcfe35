#include "weir/common/thread_pool.h"

#include <atomic>
#include <set>

#include <gtest/gtest.h>

namespace weir {
namespace {

TEST(ThreadPoolTest, DefaultsToHardwareThreads) {
  ThreadPool pool;
  EXPECT_EQ(ThreadPool::HardwareThreads(), pool.num_threads());
  EXPECT_GE(pool.num_threads(), 1);
}

TEST(ThreadPoolTest, RunsEveryTaskBeforeDestruction) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(3);
    for (int i = 0; i < 1000; ++i) pool.Submit([&ran] { ran.fetch_add(1); });
  }
  EXPECT_EQ(1000, ran.load());
}

TEST(ThreadPoolTest, TasksRunOnSeveralThreads) {
  ThreadPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> arrived{0};
  TaskGroup group(&pool);
  for (int i = 0; i < 2; ++i) {
    group.Spawn([&] {
      arrived.fetch_add(1);
      // Each task waits for the other, which only works if both run at once.
      while (arrived.load() < 2) std::this_thread::yield();
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
      return Status::OK();
    });
  }
  ASSERT_TRUE(group.Wait().ok());
  EXPECT_EQ(2u, ids.size());
}

TEST(TaskGroupTest, WaitReturnsFirstErrorAfterAllTasks) {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  TaskGroup group(&pool);
  for (int i = 0; i < 50; ++i) {
    group.Spawn([&ran, i] {
      ran.fetch_add(1);
      return i == 7 ? Status::IoError("disk on fire") : Status::OK();
    });
  }
  Status st = group.Wait();
  EXPECT_EQ(50, ran.load());
  EXPECT_EQ(StatusCode::kIoError, st.code());
  EXPECT_EQ("disk on fire", st.message());
}

TEST(TaskGroupTest, TasksMaySpawnMoreWork) {
  ThreadPool pool(2);
  std::atomic<int> ran{0};
  TaskGroup outer(&pool);
  TaskGroup inner(&pool);
  outer.Spawn([&] {
    for (int i = 0; i < 10; ++i)
      inner.Spawn([&ran] {
        ran.fetch_add(1);
        return Status::OK();
      });
    return Status::OK();
  });
  ASSERT_TRUE(outer.Wait().ok());
  ASSERT_TRUE(inner.Wait().ok());
  EXPECT_EQ(10, ran.load());
}

TEST(TaskGroupTest, EmptyGroupWaitsForNothing) {
  ThreadPool pool(1);
  TaskGroup group(&pool);
  EXPECT_TRUE(group.Wait().ok());
}

}  // namespace
}  // namespace weir
