#include "weir/common/clock.h"

#include <chrono>
#include <thread>

#include "weir/common/check.h"

namespace weir {

namespace {

// The operating system's clocks. Thread-safety: thread-safe; it has no state.
class RealClock final : public Clock {
 public:
  int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  int64_t MonotonicNanos() override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  void SleepForMicros(int64_t micros) override {
    if (micros <= 0) return;
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
};

}  // namespace

Clock* SystemClock() {
  // Leaked on purpose: threads may still read the clock during static destruction.
  static Clock* const clock = new RealClock();
  return clock;
}

void ManualClock::SleepForMicros(int64_t micros) {
  if (micros <= 0) return;
  Advance(micros);
}

void ManualClock::Advance(int64_t micros) {
  WEIR_CHECK_GE(micros, 0);
  now_micros_.fetch_add(micros, std::memory_order_acq_rel);
  monotonic_nanos_.fetch_add(micros * 1000, std::memory_order_acq_rel);
}

}  // namespace weir
