// Incrementalization (DESIGN.md section 4): how a streaming query's logical plan
// becomes a plan each epoch can run, with the state that lives across epochs.
//
// When a query starts, its bound plan is prepared once:
//   1. a source declared `WATERMARK FOR col AS col - delay` gets a WatermarkNode
//      above its scan (as if the query had called withWatermark there);
//   2. the plan is optimized;
//   3. every WatermarkNode becomes a WatermarkObserver (it gathers the event-time
//      statistics of the rows that pass, numbered 0, 1, ... in plan order), and
//      every stateful node over a stream — an aggregation, and what later kinds of
//      state bring — becomes a stateful node with a stable operator id (0, 1, ...
//      in post-order, Spark's numbering) and one StateStore provider per state
//      partition.
// Each epoch then replaces the stream scans, optimizes again (the extension nodes
// are opaque to the rewrites) and plans; PlanExtension turns the nodes into
// physical operators for that epoch.
//
// Event time: a column is an event-time column when it is a watermarked column, or
// derived from one the way Spark keeps the watermark metadata: passed through a
// projection, join, filter or union; a time window computed from it (window(),
// session_window(), TUMBLE/HOP/SESSION); that window's start or end
// (window_start/window_end); a group key of an aggregation.
//
// Thread-safety: a prepared plan is used by one query's loop thread; the observers'
// statistics are merged under a mutex by the epoch's tasks.

#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "weir/exec/operator.h"
#include "weir/exec/stateful.h"
#include "weir/plan/logical_plan.h"
#include "weir/stream/sink.h"
#include "weir/stream/streaming_query.h"

namespace weir::stream::internal {

enum class EventTimeKind : uint8_t { kNone, kTimestamp, kWindow };

// Per output column of `plan`, whether (and how) it carries event time.
std::vector<EventTimeKind> EventTimeColumns(const plan::LogicalPlan& plan);

// The event-time key of columns `kinds`: the first event-time column in index, the
// others in more.
exec::EventTimeKey EventTimeKeyOf(const std::vector<EventTimeKind>& kinds);

// Event-time statistics of one watermark over one epoch (Spark's EventTimeStats),
// in microseconds.
struct EventTimeStats {
  std::mutex mu;
  int64_t min = std::numeric_limits<int64_t>::max();  // guarded by mu
  int64_t max = std::numeric_limits<int64_t>::min();  // guarded by mu
  double sum = 0;                                     // guarded by mu
  int64_t count = 0;                                  // guarded by mu

  void Reset();
  void Merge(int64_t mn, int64_t mx, double s, int64_t c);
};

// What the plan's extension nodes need to know about the epoch being planned.
struct EpochPlanContext {
  int64_t batch_id = 0;
  OutputMode mode = OutputMode::kAppend;
  // The query's watermark for this epoch and the one the previous epoch ran with
  // (ms; 0 until the first watermark, as Spark's).
  int64_t watermark_ms = 0;
  int64_t previous_watermark_ms = 0;
};

// A stateful operator of a prepared plan.
struct StatefulOperator {
  int id = 0;
  std::string name;  // progress's operatorName: "stateStoreSave", ...
  // What its state is made of, as the checkpoint's metadata records it (see
  // OperatorRecord in checkpoint.h): a restart refuses a different one.
  std::string state_schema;
  std::vector<state::StateStoreProviderPtr> providers;
  std::shared_ptr<exec::StatefulMetrics> metrics = std::make_shared<exec::StatefulMetrics>();
  // Whether a watermark advance alone gives it work (emit or evict), so that a
  // no-data epoch should run (Spark's shouldRunAnotherBatch).
  bool evicts_by_watermark = false;
  // Its input watermark for eviction in the epoch being planned (ms; unset when no
  // watermark reaches it), for progress.
  std::optional<int64_t> watermark_ms;
  // Whether another stateful operator feeds it (which watermark its late rows are
  // judged by: see LateWatermark in incremental.cc).
  bool downstream_of_stateful = false;
  // Constant customMetrics its progress reports (a stream-stream join's
  // "unboundedStateSides": how many of its sides' state is never evicted).
  std::map<std::string, int64_t> custom_metrics;
  // Processing-time timeouts ([flat]mapGroupsWithState): the earliest timeout (ms)
  // in the operator's state after its last epoch; INT64_MAX when none, INT64_MIN
  // until an epoch of this run has set it. A trigger past it runs an epoch even
  // without new data (see NeedsNoDataEpoch). Null for other operators.
  std::shared_ptr<std::atomic<int64_t>> next_processing_timeout_ms;
};

// A watermark of a prepared plan.
struct WatermarkObserverInfo {
  int64_t delay_micros = 0;
  std::shared_ptr<EventTimeStats> stats = std::make_shared<EventTimeStats>();
};

struct PreparedPlan {
  plan::LogicalPlanPtr plan;
  // With QuerySpec::late_rows_sink: where the epoch's late rows gather, and their
  // schema (the routing aggregation's input).
  std::shared_ptr<exec::LateRows> late_rows;
  SchemaPtr late_rows_schema;
  std::vector<WatermarkObserverInfo> watermarks;
  std::vector<std::shared_ptr<StatefulOperator>> operators;
};

// Steps 1-3 above, with the checks of unsupported_operations.h in between (before
// anything is created on disk). The operators have no stores yet.
Result<PreparedPlan> PrepareStreamingPlan(const QuerySpec& spec);

// Gives every stateful operator one provider per state partition, whose files live
// in <checkpoint_location>/state/<operator id>/<partition>.
Status AttachStateStores(PreparedPlan* prepared, Env* env, const std::string& checkpoint_location,
                         int partitions, const state::StateStoreConf& conf);

// The planner hook for the prepared plan's extension nodes in one epoch.
Result<exec::PhysicalOperatorPtr> PlanExtension(const plan::ExtensionNode& node,
                                                std::vector<exec::PhysicalOperatorPtr> children,
                                                exec::ExecContext& ctx,
                                                const EpochPlanContext& epoch);

}  // namespace weir::stream::internal
