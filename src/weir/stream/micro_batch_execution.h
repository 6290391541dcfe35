// MicroBatchExecution: the StreamingQuery implementation, one thread running the
// micro-batch loop of DESIGN.md section 4 (see streaming_query.h for the steps).
// Internal to the stream module: StreamingQueryManager creates it.
//
// The loop thread owns the sources, the sink, the checkpoint and the per-run loop
// state; other threads see the query only through the members guarded by mu_.
//
// Thread-safety: the StreamingQuery methods are thread-safe.

#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "weir/stream/checkpoint.h"
#include "weir/stream/incremental.h"
#include "weir/stream/streaming_query.h"

namespace weir::stream::internal {

class MicroBatchExecution;

// What a manager shares with its queries. Queries keep it alive, so a query that
// outlives its manager (a StreamingQueryPtr held by the user) still finds it.
//
// Thread-safety: members guarded by mu.
struct ManagerShared {
  ManagerOptions options;
  std::mutex mu;
  std::condition_variable terminated_cv;                           // a query terminated
  std::vector<std::shared_ptr<StreamingQueryListener>> listeners;  // guarded by mu
  std::vector<std::shared_ptr<MicroBatchExecution>> active;        // guarded by mu
  bool any_terminated = false;                                     // guarded by mu

  std::vector<std::shared_ptr<StreamingQueryListener>> Listeners();
  // Called by a query's thread as its last act: drops it from `active`.
  void OnTerminated(const MicroBatchExecution* query);
};

// Where a run starts, decided from the checkpoint before the thread starts.
struct ResumePoint {
  int64_t next_batch_id = 0;
  // The watermark after the last committed epoch (0 on a first start), and the one
  // that epoch ran with: when they differ, a no-data epoch may be due, as it was
  // before the restart.
  int64_t watermark_ms = 0;
  int64_t previous_watermark_ms = 0;
  // End offsets of the last committed epoch; unset on a first start (the sources'
  // initial offsets are used).
  std::optional<std::vector<Offset>> committed_end;
  // Epochs re-run first, in order, with exactly their recorded offsets: a planned but
  // uncommitted epoch, preceded by committed ones when the latest state could not
  // be loaded (LoadStateOrFallBack).
  std::vector<PlannedEpoch> reruns;
};

// Reads the checkpoint's latest records and decides where to resume
// (docs/checkpoint_format.md "Restart"); an error naming the file when a corrupt
// record makes that impossible.
Result<ResumePoint> ComputeResumePoint(Checkpoint* checkpoint);

// Loads every state store at the version the next epoch opens, so that a damaged
// state file shows before anything runs. When one is corrupt (or missing), falls
// back to the newest earlier epoch k whose state loads and whose planned-epoch
// records k, k+1, ... are all there: epochs k up to the next one are re-run with
// their recorded offsets (the sinks recognize the ones they already have), as the
// sources can replay them. Otherwise the error names the damaged file.
Status LoadStateOrFallBack(const std::vector<std::shared_ptr<StatefulOperator>>& operators,
                           Checkpoint* checkpoint, int64_t max_epochs_back, ResumePoint* resume);

// Query evolution: OK when the query's stateful operators (`now`) can take over the
// state recorded in a checkpoint (`recorded`, which has committed epochs): the same
// operators, by id, kind and state schema. Otherwise an error naming the first
// operator that differs and why, before anything runs.
Status CheckStateCompatible(const CheckpointMetadata& recorded, const CheckpointMetadata& now,
                            const std::string& checkpoint_dir);

class MicroBatchExecution final : public StreamingQuery {
 public:
  // `temporary_checkpoint`: the checkpoint was made up for this run and is deleted
  // when the query stops without error.
  MicroBatchExecution(std::shared_ptr<ManagerShared> manager, QuerySpec spec, PreparedPlan prepared,
                      std::unique_ptr<Checkpoint> checkpoint, ResumePoint resume,
                      bool temporary_checkpoint);
  ~MicroBatchExecution() override;

  // Starts the loop thread and waits until listeners have been told OnQueryStarted.
  // REQUIRES: called once, on a query held by a shared_ptr.
  void StartThread(std::shared_ptr<MicroBatchExecution> self);

  const std::string& id() const override { return id_; }
  const std::string& run_id() const override { return run_id_; }
  const std::string& name() const override { return spec_.name; }
  bool is_active() const override;
  void Stop() override;
  Result<bool> AwaitTermination(int64_t timeout_micros = -1) override;
  Status ProcessAllAvailable() override;
  QueryStatus status() const override;
  std::optional<QueryProgress> last_progress() const override;
  std::vector<QueryProgress> recent_progress() const override;
  Status exception() const override;

 private:
  struct EpochTimings;

  void Run();
  Status RunLoop();
  Status Initialize();
  // One trigger: latest offsets, and an epoch if there is new data. *ran tells
  // whether an epoch ran.
  Status RunTrigger(bool* ran);
  Status RunEpoch(const PlannedEpoch& epoch, EpochTimings* timings);
  // Spark's no-data micro-batches (an epoch without new input, so that state the
  // advanced watermark closes is emitted and evicted): needed when the watermark
  // has moved past the one the last epoch ran with and an operator evicts by it.
  bool NeedsNoDataEpoch() const;
  // The watermark after `epoch` (see RunEpoch); fills progress's eventTime.
  int64_t NextWatermark(const PlannedEpoch& epoch, std::map<std::string, std::string>* event_time);
  void ReportProgress(const PlannedEpoch& epoch, const EpochTimings& timings,
                      const std::vector<int64_t>& rows_per_source, int64_t output_rows,
                      std::map<std::string, std::string> event_time);
  void ReportIdle();
  // Waits `micros` of the query clock without new data (default trigger's poll);
  // returns early on Stop or ProcessAllAvailable.
  void WaitIdle(int64_t micros);
  // Waits until the monotonic clock reaches `deadline_nanos`, or Stop.
  void WaitUntil(int64_t deadline_nanos);
  // A short real-time pause so that a loop on a clock that does not block (a
  // ManualClock) does not spin; returns early on Stop (or, if `nudgeable`, on a
  // ProcessAllAvailable request).
  void PauseRealTime(int64_t micros, bool nudgeable);
  bool stopping() const;
  void SetStatus(std::string message, bool data_available, bool trigger_active);

  const std::shared_ptr<ManagerShared> manager_;
  const QuerySpec spec_;
  const PreparedPlan prepared_;
  const std::string id_;
  const std::string run_id_;
  Clock* const clock_;
  const bool system_clock_;  // the clock blocks in SleepForMicros and is std::chrono's

  // Owned by the loop thread.
  std::unique_ptr<Checkpoint> checkpoint_;
  ResumePoint resume_;
  const bool temporary_checkpoint_;
  std::vector<Offset> start_offsets_;   // where the next epoch starts, per source
  std::vector<Offset> latest_offsets_;  // what LatestOffset last returned, per source
  std::vector<SourceMetrics> last_metrics_;
  int64_t next_batch_id_ = 0;
  // The query's event-time watermark (ms) for the next epoch, the one the last
  // epoch ran with, and each watermark node's own (its largest event time minus its
  // delay; unset before it has seen data), with when it last saw rows.
  int64_t watermark_ms_ = 0;
  int64_t previous_watermark_ms_ = 0;
  std::vector<std::optional<int64_t>> observer_watermark_ms_;
  std::vector<int64_t> observer_last_rows_nanos_;
  int64_t trigger_start_nanos_ = 0;
  int64_t trigger_start_micros_ = 0;  // wall clock
  int64_t last_data_trigger_nanos_ = -1;
  std::optional<int64_t> last_idle_event_nanos_;
  std::atomic<bool> cancelled_{false};  // ExecContext::cancelled; never set by Stop

  std::thread thread_;
  std::mutex join_mu_;  // serializes joins of thread_

  mutable std::mutex mu_;
  std::condition_variable cv_;   // any change below
  bool started_ = false;         // guarded by mu_: OnQueryStarted was delivered
  bool stop_requested_ = false;  // guarded by mu_
  bool nudged_ = false;          // guarded by mu_: a ProcessAllAvailable is waiting
  bool terminated_ = false;      // guarded by mu_
  int64_t drain_requested_ = 0;  // guarded by mu_: ProcessAllAvailable generations
  int64_t drain_done_ = 0;       // guarded by mu_: generation seen without new data
  QueryState state_ = QueryState::kInitializing;  // guarded by mu_
  QueryStatus status_;                            // guarded by mu_
  Status exception_;                              // guarded by mu_
  std::deque<QueryProgress> progress_;            // guarded by mu_; the last 100
};

}  // namespace weir::stream::internal
