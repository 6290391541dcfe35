#include "weir/common/clock.h"

#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace weir {
namespace {

TEST(SystemClockTest, IsOneProcessWideObject) {
  ASSERT_NE(nullptr, SystemClock());
  EXPECT_EQ(SystemClock(), SystemClock());
}

TEST(SystemClockTest, NowMicrosIsWallClockTime) {
  int64_t before = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  int64_t now = SystemClock()->NowMicros();
  int64_t after = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
  EXPECT_GT(now, int64_t{1577836800} * 1000 * 1000);  // later than 2020-01-01
}

TEST(SystemClockTest, MonotonicNeverGoesBackwards) {
  int64_t last = SystemClock()->MonotonicNanos();
  for (int i = 0; i < 1000; ++i) {
    int64_t now = SystemClock()->MonotonicNanos();
    ASSERT_LE(last, now);
    last = now;
  }
}

TEST(SystemClockTest, SleepForMicrosSleepsAtLeastThatLong) {
  int64_t start = SystemClock()->MonotonicNanos();
  SystemClock()->SleepForMicros(2000);
  EXPECT_GE(SystemClock()->MonotonicNanos() - start, 2000 * 1000);
  SystemClock()->SleepForMicros(0);
  SystemClock()->SleepForMicros(-5);
}

TEST(ManualClockTest, StartsAtTheGivenTime) {
  ManualClock clock(1'700'000'000'000'000);
  EXPECT_EQ(1'700'000'000'000'000, clock.NowMicros());
  EXPECT_EQ(0, clock.MonotonicNanos());
  EXPECT_EQ(0, ManualClock().NowMicros());
}

TEST(ManualClockTest, AdvanceMovesBothTimeScales) {
  ManualClock clock(1000);
  clock.Advance(250);
  EXPECT_EQ(1250, clock.NowMicros());
  EXPECT_EQ(250 * 1000, clock.MonotonicNanos());
  clock.Advance(0);
  EXPECT_EQ(1250, clock.NowMicros());
}

TEST(ManualClockTest, SetNowMicrosMovesOnlyTheWallClock) {
  ManualClock clock(1000);
  clock.Advance(10);
  clock.SetNowMicros(5);  // backwards, as an operator may set the date
  EXPECT_EQ(5, clock.NowMicros());
  EXPECT_EQ(10 * 1000, clock.MonotonicNanos());
}

TEST(ManualClockTest, SleepAdvancesInsteadOfBlocking) {
  ManualClock clock(0);
  Clock* as_clock = &clock;
  auto start = std::chrono::steady_clock::now();
  as_clock->SleepForMicros(int64_t{3600} * 1000 * 1000);  // an hour
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(int64_t{3600} * 1000 * 1000, clock.NowMicros());
  EXPECT_EQ(int64_t{3600} * 1000 * 1000 * 1000, clock.MonotonicNanos());
  as_clock->SleepForMicros(-1);
  EXPECT_EQ(int64_t{3600} * 1000 * 1000, clock.NowMicros());
}

TEST(ManualClockTest, ConcurrentAdvancesAreNotLost) {
  ManualClock clock(0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 1000; ++i) clock.Advance(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(4000, clock.NowMicros());
  EXPECT_EQ(4000 * 1000, clock.MonotonicNanos());
}

TEST(ManualClockDeathTest, AdvanceBackwardsIsABug) {
  ManualClock clock(0);
  EXPECT_DEATH(clock.Advance(-1), "micros >= 0");
}

}  // namespace
}  // namespace weir
