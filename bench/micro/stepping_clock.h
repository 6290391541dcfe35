// A clock for streaming benchmarks: NowMicros moves one second per call, so a rate
// source reading it finds exactly one more second of data at each trigger however
// fast the loop runs; monotonic time and sleeping are the system clock's.

#pragma once

#include <atomic>
#include <cstdint>

#include "weir/weir.h"

namespace weir {

class SteppingClock final : public Clock {
 public:
  int64_t NowMicros() override {
    return 1'700'000'000'000'000 + 1'000'000 * calls_.fetch_add(1, std::memory_order_relaxed);
  }
  int64_t MonotonicNanos() override { return SystemClock()->MonotonicNanos(); }
  void SleepForMicros(int64_t micros) override { SystemClock()->SleepForMicros(micros); }

 private:
  std::atomic<int64_t> calls_{0};
};

}  // namespace weir
