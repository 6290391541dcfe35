#include <algorithm>
#include <chrono>

#include "weir/stream/micro_batch_execution.h"

// The control side of a running query: starting and stopping its thread, waiting
// for it, the state other threads read, and the loop's interruptible waits.

namespace weir::stream::internal {

namespace {

// Real time a wait on a non-blocking clock (a ManualClock) pauses, so that an idle
// loop does not spin.
constexpr int64_t kManualClockPauseMicros = 1'000;

}  // namespace

void MicroBatchExecution::StartThread(std::shared_ptr<MicroBatchExecution> self) {
  thread_ = std::thread([self = std::move(self)] { self->Run(); });
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return started_ || terminated_; });
}

bool MicroBatchExecution::is_active() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !terminated_;
}

bool MicroBatchExecution::stopping() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_requested_;
}

void MicroBatchExecution::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_requested_ = true;
  }
  cv_.notify_all();
  // A listener may call Stop from the loop thread: the loop ends after the callback.
  if (std::this_thread::get_id() == thread_.get_id()) return;
  std::lock_guard<std::mutex> join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

Result<bool> MicroBatchExecution::AwaitTermination(int64_t timeout_micros) {
  std::unique_lock<std::mutex> lock(mu_);
  if (timeout_micros < 0) {
    cv_.wait(lock, [&] { return terminated_; });
  } else {
    cv_.wait_for(lock, std::chrono::microseconds(timeout_micros), [&] { return terminated_; });
  }
  if (!terminated_) return false;
  if (!exception_.ok()) return exception_;
  return true;
}

Status MicroBatchExecution::ProcessAllAvailable() {
  std::unique_lock<std::mutex> lock(mu_);
  if (terminated_) return exception_;
  const int64_t generation = ++drain_requested_;
  nudged_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return terminated_ || drain_done_ >= generation; });
  if (terminated_) return exception_;
  return Status::OK();
}

QueryStatus MicroBatchExecution::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

std::optional<QueryProgress> MicroBatchExecution::last_progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (progress_.empty()) return std::nullopt;
  return progress_.back();
}

std::vector<QueryProgress> MicroBatchExecution::recent_progress() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {progress_.begin(), progress_.end()};
}

Status MicroBatchExecution::exception() const {
  std::lock_guard<std::mutex> lock(mu_);
  return exception_;
}

void MicroBatchExecution::SetStatus(std::string message, bool data_available, bool trigger_active) {
  std::lock_guard<std::mutex> lock(mu_);
  status_.message = std::move(message);
  status_.is_data_available = data_available;
  status_.is_trigger_active = trigger_active;
}

void MicroBatchExecution::PauseRealTime(int64_t micros, bool nudgeable) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::microseconds(micros),
               [&] { return stop_requested_ || (nudgeable && nudged_); });
  if (nudgeable) nudged_ = false;
}

void MicroBatchExecution::WaitIdle(int64_t micros) {
  if (system_clock_) {
    PauseRealTime(micros, /*nudgeable=*/true);
    return;
  }
  // A test clock: sleeping on it is what moves (or blocks) its time, unless the test
  // moves it (wait_for_clock); then the loop looks for new data only when the test
  // asks (ProcessAllAvailable) or stops it, so that data a test adds to several
  // sources one after another lands in one epoch, as Spark's StreamTest's
  // MultiAddData does — never split by a poll that happened to run in between.
  if (spec_.wait_for_clock) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return stop_requested_ || nudged_; });
    nudged_ = false;
    return;
  }
  clock_->SleepForMicros(micros);
  PauseRealTime(std::min<int64_t>(micros, kManualClockPauseMicros), /*nudgeable=*/true);
}

void MicroBatchExecution::WaitUntil(int64_t deadline_nanos) {
  while (!stopping()) {
    const int64_t remaining = deadline_nanos - clock_->MonotonicNanos();
    if (remaining <= 0) return;
    const int64_t micros = (remaining + 999) / 1000;
    if (system_clock_) {
      PauseRealTime(micros, /*nudgeable=*/false);
    } else if (spec_.wait_for_clock) {
      // Only the test moves the clock. Blocked before the deadline, the query has
      // processed everything due at the clock's time: a drain requested before the
      // clock was read is done.
      {
        std::lock_guard<std::mutex> lock(mu_);
        const int64_t requested = drain_requested_;
        if (deadline_nanos - clock_->MonotonicNanos() > 0) {
          drain_done_ = std::max(drain_done_, requested);
        }
      }
      cv_.notify_all();
      PauseRealTime(kManualClockPauseMicros, /*nudgeable=*/true);
    } else {
      clock_->SleepForMicros(micros);
      PauseRealTime(std::min<int64_t>(micros, kManualClockPauseMicros), /*nudgeable=*/false);
    }
  }
}

}  // namespace weir::stream::internal
