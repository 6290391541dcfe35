// Clock: the only way weir reads the time or sleeps, so that tests can control time.
//
// Two time scales are offered. NowMicros() is wall-clock time: it is what event
// timestamps, file names and log lines use, and it may jump (NTP, an operator
// setting the date). MonotonicNanos() never goes backwards and is what timeouts,
// intervals and rate measurements use. Do not mix the two.
//
// Thread-safety: every Clock is thread-safe; all methods may be called concurrently.

#pragma once

#include <atomic>
#include <cstdint>

namespace weir {

// The source of time for everything in weir; see the file comment for the two
// time scales.
//
// Thread-safety: implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  // Wall-clock time in microseconds since the Unix epoch (1970-01-01T00:00:00Z).
  virtual int64_t NowMicros() = 0;

  // Nanoseconds since an unspecified fixed point. Never decreases within a process.
  // Only differences between two readings are meaningful.
  virtual int64_t MonotonicNanos() = 0;

  // Blocks the calling thread for at least `micros` microseconds. A value <= 0
  // returns at once.
  virtual void SleepForMicros(int64_t micros) = 0;
};

// Returns the process-wide clock backed by the operating system. Never null, never
// deleted; the same pointer on every call.
Clock* SystemClock();

// A clock that moves only when told to, for tests.
//
// SleepForMicros(n) does not block: it advances the clock by n and returns, so code
// under test that sleeps runs at full speed and observes the time it "slept".
// Advance() moves both time scales; SetNowMicros() moves only the wall clock, the
// way an operator setting the date would, and may move it backwards.
//
// Thread-safety: thread-safe. Each reading and each update is atomic; Advance() moves
// the two time scales with two separate atomic steps, so a concurrent reader may see
// one moved before the other.
class ManualClock final : public Clock {
 public:
  // Starts with NowMicros() == now_micros and MonotonicNanos() == 0.
  explicit ManualClock(int64_t now_micros = 0) : now_micros_(now_micros) {}

  int64_t NowMicros() override { return now_micros_.load(std::memory_order_acquire); }
  int64_t MonotonicNanos() override { return monotonic_nanos_.load(std::memory_order_acquire); }

  // Advances the clock by `micros` instead of sleeping. A value <= 0 does nothing.
  void SleepForMicros(int64_t micros) override;

  // Moves both time scales forward by `micros`.
  // REQUIRES: micros >= 0 (time does not run backwards; checked).
  void Advance(int64_t micros);

  // Sets the wall clock; the monotonic clock is unaffected.
  void SetNowMicros(int64_t now_micros) {
    now_micros_.store(now_micros, std::memory_order_release);
  }

 private:
  std::atomic<int64_t> now_micros_;
  std::atomic<int64_t> monotonic_nanos_{0};
};

}  // namespace weir
