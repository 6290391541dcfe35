// StreamingQuery: one continuously running query, the micro-batch loop of DESIGN.md
// section 4 — and the manager that starts, lists and stops queries and tells
// listeners about them. Shaped after Spark's StreamingQuery / StreamingQueryManager.
//
// The loop, per epoch e:
//   1. latestOffset of every source (bounded by the trigger's limits);
//   2. the planned epoch (e, start/end offset per source) is written durably to the
//      checkpoint's offset log;
//   3. the query's logical plan, with each stream input replaced by a scan of
//      Source::Read(start, end), is optimized, planned and run on the worker pool;
//   4. the output goes to Sink::AddBatch(e, ...);
//   5. the commit record of e is written durably; sources are told Commit(end);
//   6. progress is emitted to the listeners.
// On start with an existing checkpoint: the same query id, a new run id; a planned
// but uncommitted epoch is re-run with exactly its recorded offsets.
//
// Thread-safety: StreamingQuery methods are thread-safe (the loop runs on its own
// thread). Listener callbacks run on the query's thread; they must not block long.

#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "weir/common/clock.h"
#include "weir/common/env.h"
#include "weir/common/result.h"
#include "weir/common/thread_pool.h"
#include "weir/expr/eval_context.h"
#include "weir/plan/logical_plan.h"
#include "weir/plan/table.h"
#include "weir/state/state_store.h"
#include "weir/stream/progress.h"
#include "weir/stream/sink.h"
#include "weir/stream/source.h"
#include "weir/stream/trigger.h"

namespace weir::stream {

// Stands for a stream input in a query's logical plan: a scan of it is what the
// binder produces for a source name, and what each epoch replaces by a scan of the
// source's rows for that epoch. Reading it directly is an error.
class StreamInputTable final : public plan::TableProvider {
 public:
  StreamInputTable(int input, std::string name, SchemaPtr schema)
      : input_(input), name_(std::move(name)), schema_(std::move(schema)) {}
  // Index into QuerySpec::sources.
  int input() const { return input_; }
  const std::string& name() const { return name_; }
  const SchemaPtr& schema() const override { return schema_; }
  std::string Describe() const override { return "stream " + name_; }
  int NumPartitions() const override { return 0; }
  Result<plan::BatchReaderPtr> Open(int, const std::vector<int>&) const override;

 private:
  int input_;
  std::string name_;
  SchemaPtr schema_;
};

// A source's event-time column and watermark delay (`WATERMARK FOR ts AS ts -
// INTERVAL 10 SECONDS`): the engine reports the column's min/max/avg per epoch and
// the query's watermark in progress, and advances the watermark between epochs.
struct WatermarkSpec {
  int column = 0;            // index into the source's schema; a TIMESTAMP column
  int64_t delay_micros = 0;  // >= 0
};

// Everything a query needs to run.
struct QuerySpec {
  std::string name;  // may be empty (Spark: null)
  // The query's bound logical plan; its stream inputs are ScanNodes over
  // StreamInputTables indexing `sources`.
  plan::LogicalPlanPtr plan;
  std::vector<SourcePtr> sources;
  // Empty, or one entry per source (unset for a source without a watermark).
  std::vector<std::optional<WatermarkSpec>> watermarks;
  // spark.sql.streaming.multipleWatermarkPolicy = max (default min).
  bool max_watermark_policy = false;
  // A watermark whose input has had no rows for this long (processing time) stops
  // holding the query's watermark back; 0: never (Spark's behaviour).
  int64_t watermark_idle_timeout_micros = 0;
  // The state stores' backend and snapshot interval (weir.state.backend,
  // spark.sql.streaming.stateStore.minDeltasForSnapshot).
  state::StateStoreConf state_conf;
  // spark.sql.streaming.minBatchesToRetain: how many epochs of checkpoint records
  // and state versions are kept.
  int min_batches_to_retain = 100;
  SinkPtr sink;
  // Optional: where the rows a stateful aggregation finds late go (each epoch's late
  // rows, as the aggregation's input rows, appended in that epoch), instead of being
  // dropped. Needs an aggregation fed by the sources with an event-time key.
  SinkPtr late_rows_sink;
  OutputMode output_mode = OutputMode::kAppend;
  Trigger trigger;
  // Where the offset and commit logs and metadata live (docs/checkpoint_format.md).
  std::string checkpoint_location;
  EvalOptions eval;
  int shuffle_partitions = 0;
  int64_t memory_budget = int64_t{1} << 30;
  // How long the default trigger sleeps between polls when no source has new data.
  int64_t idle_poll_micros = 10'000;
  // For tests on a ManualClock (Spark's StreamManualClock): the loop never moves the
  // clock itself. An idle default trigger looks for new data again only when
  // ProcessAllAvailable asks (so data added to several sources between two asks
  // lands in one epoch), and a processing-time trigger
  // blocks until the test advances the clock to its next interval; while it is
  // blocked, ProcessAllAvailable returns (everything due at the clock's time is
  // processed). Without it, the loop's waits advance a ManualClock. Ignored for the
  // system clock.
  bool wait_for_clock = false;
};

enum class QueryState : uint8_t { kInitializing, kActive, kStopped, kFailed };

// StreamingQuery.status: what the query is doing now.
struct QueryStatus {
  std::string message;  // "Initializing sources", "Waiting for data to arrive", ...
  bool is_data_available = false;
  bool is_trigger_active = false;
};

class StreamingQueryListener {
 public:
  virtual ~StreamingQueryListener() = default;
  virtual void OnQueryStarted(const std::string& /*id*/, const std::string& /*run_id*/,
                              const std::string& /*name*/) {}
  virtual void OnQueryProgress(const QueryProgress& /*progress*/) {}
  virtual void OnQueryIdle(const std::string& /*id*/, const std::string& /*run_id*/) {}
  // `error` is OK when the query stopped without failing.
  virtual void OnQueryTerminated(const std::string& /*id*/, const std::string& /*run_id*/,
                                 const Status& /*error*/) {}
};

class StreamingQuery {
 public:
  virtual ~StreamingQuery() = default;
  // Stable across restarts from the same checkpoint.
  virtual const std::string& id() const = 0;
  // New every start.
  virtual const std::string& run_id() const = 0;
  virtual const std::string& name() const = 0;

  virtual bool is_active() const = 0;
  // Stops at an epoch boundary and waits for the loop to end; idempotent.
  virtual void Stop() = 0;
  // Waits until the query stops or `timeout_micros` passes (< 0: forever). Returns
  // true if it stopped; the query's error, if it failed.
  virtual Result<bool> AwaitTermination(int64_t timeout_micros = -1) = 0;
  // Blocks until every source has no more data than what has been processed and
  // committed (for tests); returns the query's error if it fails meanwhile.
  virtual Status ProcessAllAvailable() = 0;

  virtual QueryStatus status() const = 0;
  // The last progress, if any epoch ran.
  virtual std::optional<QueryProgress> last_progress() const = 0;
  // The most recent progress updates (Spark keeps 100).
  virtual std::vector<QueryProgress> recent_progress() const = 0;
  // The error that ended the query; OK while it runs or when it stopped cleanly.
  virtual Status exception() const = 0;
};

using StreamingQueryPtr = std::shared_ptr<StreamingQuery>;

struct ManagerOptions {
  ThreadPool* pool = nullptr;  // required: where epochs run
  Env* env = nullptr;          // required: checkpoint files
  Clock* clock = nullptr;      // required: processing time (ManualClock in tests)
};

class StreamingQueryManager {
 public:
  explicit StreamingQueryManager(ManagerOptions options);
  ~StreamingQueryManager();  // stops every active query

  // Checks the plan (unsupported operations are refused here, naming the operator and
  // Spark's rule), opens or creates the checkpoint, and starts the loop on its own
  // thread. Returns once the query has fixed where it starts (its start offsets, and
  // for AvailableNow the end of the data it will process). A second active query with
  // the same name or id is an error.
  Result<StreamingQueryPtr> Start(QuerySpec spec);

  std::vector<StreamingQueryPtr> active() const;
  StreamingQueryPtr Get(std::string_view id_or_name) const;
  // Waits until a query has terminated since the manager was created or
  // ResetTerminated was called (timeout < 0: forever); true if one has. As Spark's,
  // it returns at once once a query terminated, until ResetTerminated.
  bool AwaitAnyTermination(int64_t timeout_micros = -1);
  // Forgets past terminations, so AwaitAnyTermination waits for a new one.
  void ResetTerminated();

  void AddListener(std::shared_ptr<StreamingQueryListener> listener);
  void RemoveListener(const std::shared_ptr<StreamingQueryListener>& listener);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace weir::stream
