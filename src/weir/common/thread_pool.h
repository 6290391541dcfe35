// ThreadPool: the shared worker pool that runs tasks (one per partition of a stage,
// one per epoch step). TaskGroup waits for a set of tasks and collects the first
// error.
//
// Contract:
//  - Submit may be called from any thread, including from inside a task.
//  - Tasks run in submission order per worker queue; no ordering between workers.
//  - The destructor stops accepting work, runs every task already submitted, and
//    joins the workers.
//  - A task must not throw; an exception escaping a task terminates the process.
//
// Thread-safety: all methods are thread-safe.

#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "weir/common/status.h"

namespace weir {

class ThreadPool {
 public:
  // `threads` <= 0 means one per hardware thread (at least 1).
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()); }

  // Queues `task` to run on a worker.
  void Submit(std::function<void()> task);

  // The number of hardware threads, at least 1.
  static int HardwareThreads();

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
};

// Runs tasks that return Status on a pool and waits for all of them.
//
//   TaskGroup group(&pool);
//   for (auto& p : partitions) group.Spawn([&p] { return p.Run(); });
//   RETURN_NOT_OK(group.Wait());
//
// Thread-safety: Spawn and Wait may be called from any thread; Wait must not be
// called from a task of the same group.
class TaskGroup {
 public:
  explicit TaskGroup(ThreadPool* pool) : pool_(pool) {}
  ~TaskGroup();  // waits for outstanding tasks
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  void Spawn(std::function<Status()> task);
  // Blocks until every spawned task finished; returns the first error, if any.
  Status Wait();

 private:
  ThreadPool* pool_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  int64_t pending_ = 0;  // guarded by mu_
  Status first_error_;   // guarded by mu_
};

}  // namespace weir
